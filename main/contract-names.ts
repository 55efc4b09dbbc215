/**
 * The names of the contract's calls and events, with no schema attached, so the preload can build one method per
 * call without pulling zod into the page. contract.ts checks (at compile time) that its schemas cover exactly
 * these names, so this list and the schemas cannot drift apart.
 */
export const CALL_NAMES = [
  'app:info',
  'batch:list',
  'batch:get',
  'batch:importSheet',
  'batch:importRows',
  'batch:create',
  'batch:pause',
  'batch:resume',
  'batch:cancel',
  'rows:retry',
  'rows:resolve',
  'rows:skip',
  'rows:reorder',
  'rows:history',
  'rows:useSuggestedPrompt',
  'quote:rows',
  'models:list',
  'settings:get',
  'settings:set',
  'secrets:status',
  'secrets:setKey',
  'secrets:clearKey',
  'studio:queue',
  'studio:setQueue',
  'timeline:get',
  'timeline:save',
  'timeline:setMusic',
  'timeline:waveform',
  'export:start',
  'export:cancel',
  'export:status',
  'export:handoff',
  'mapping:list',
  'mapping:save',
  'mapping:delete',
  'batch:resultsSheet',
  'report:get',
  'report:markSeen',
  'batch:setBudget',
  'draft:list',
  'draft:get',
  'draft:save',
  'draft:delete',
] as const;
export type CallName = (typeof CALL_NAMES)[number];

export const EVENT_NAMES = ['row:changed', 'batch:changed', 'balance', 'notice', 'export:progress', 'menu:command', 'report:ready'] as const;
export type EventName = (typeof EVENT_NAMES)[number];

/** `batch:importSheet` -> ['batch', 'importSheet']: the bridge groups calls by domain (`venice.batch.importSheet`). */
export function splitCallName(name: CallName): [string, string] {
  const i = name.indexOf(':');
  return [name.slice(0, i), name.slice(i + 1)];
}

export function isCallName(name: unknown): name is CallName {
  return typeof name === 'string' && (CALL_NAMES as readonly string[]).includes(name);
}

export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && (EVENT_NAMES as readonly string[]).includes(name);
}

/**
 * https links the app itself shows (the desktop shell opens only these in the system browser). Anything else a
 * page tries to open is refused.
 */
export const EXTERNAL_LINKS = {
  apiKeys: 'https://venice.ai/settings/api',
  docs: 'https://docs.venice.ai/',
} as const;

/** The timeline's frame strips (main/core/media/frame-strip.ts): frames per clip, evenly spaced, and their height. */
export const STRIP_FRAMES = 10;
export const STRIP_HEIGHT = 90;
/** The viewer's scrub sprites (frame-strip.ts): every frame of a clip, SCRUB_TILE_HEIGHT high, SCRUB_COLUMNS to a row. */
export const SCRUB_COLUMNS = 16;
export const SCRUB_TILE_HEIGHT = 72;
