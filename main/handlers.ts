/**
 * The one handler table: contract call name -> service operation. Electron IPC (ipc.ts), browser mode (web.ts)
 * and the tests all go through `dispatch`, which parses the input with the contract's schema, runs the handler,
 * and parses the output (dropping anything the schema does not name, scrubbing free text) before it leaves.
 */
import type { z } from 'zod';
import { EVENT_NAMES, isCallName, type CallName, type EventName } from './contract-names';
import { calls, events, type CallResult, type EventPayload, type HandlerOutput, type ParsedInput } from './contract';
import type { AppServices } from './core/services/app-services';
import type { AppEvent } from './core/services/app-events';
import { describeError } from './core/services/app-errors';
import { Drafts } from './core/services/drafts';
import { MappingProfiles } from './core/services/mapping-profiles';
import { setMusic } from './core/services/music-bed';
import { rowHistory } from './core/services/row-history';
import { importRows } from './core/services/sheet-imports';
import { resultsSheet } from './core/services/results-sheet';
import { reportFor } from './core/services/morning-report';
import { useSuggestedPrompt } from './core/services/suggested-prompt';
import { setStudioQueue, studioQueueView } from './core/services/studio-queue-setting';
import { redact } from './core/venice/redact';
import { track } from './core/loop-watchdog';

export type Handlers = { [N in CallName]: (input: ParsedInput<N>) => Promise<HandlerOutput<N>> | HandlerOutput<N> };

export function createHandlers(app: AppServices): Handlers {
  const b = app.batches;
  const profiles = new MappingProfiles(app.opts.dataDir);
  const drafts = new Drafts(app.opts.dataDir);
  return {
    'app:info': () => app.info(),
    'batch:list': () => b.list(),
    'batch:get': ({ batchId }) => b.get(batchId),
    'batch:importSheet': (input) => b.importSheet(input),
    'batch:importRows': (input) => importRows(b.imports, input),
    'batch:create': (input) => b.create(input),
    'batch:pause': ({ batchId }) => b.pause(batchId),
    'batch:resume': ({ batchId }) => b.resume(batchId),
    'batch:cancel': ({ batchId }) => b.cancel(batchId),
    'rows:retry': ({ rowIds }) => b.retry(rowIds),
    'rows:resolve': ({ rowId, decision }) => b.resolve(rowId, decision),
    'rows:skip': ({ rowIds }) => b.skip(rowIds),
    'rows:reorder': ({ rowId, position }) => b.reorder(rowId, position),
    'rows:history': ({ rowId }) => rowHistory(app.queue, rowId),
    'rows:useSuggestedPrompt': ({ rowId }) => useSuggestedPrompt(app, rowId),
    'quote:rows': (input) => b.quoteRows(input),
    'models:list': (input) => app.listModels(input),
    'settings:get': () => app.getSettings(),
    'settings:set': (patch) => app.setSettings(patch),
    'secrets:status': () => app.keyStatus(),
    'secrets:setKey': (input) => app.setKey(input),
    'secrets:clearKey': () => app.clearKey(),
    'studio:queue': () => studioQueueView(app),
    'studio:setQueue': ({ url }) => setStudioQueue(app, url),
    'timeline:get': async ({ batchId }) => {
      const view = await app.timelines.get(batchId);
      // The viewer scrubs on proxies: start making them for this timeline's clips (made once, in the background).
      app.warmProxies(view.clips.map((c) => c.rowId));
      return view;
    },
    'timeline:save': (input) => app.timelines.save(input),
    'timeline:setMusic': async (input) => {
      await setMusic(app.queue, app.timelines.timelines, input);
      return app.timelines.get(input.batchId);
    },
    'timeline:waveform': ({ batchId }) => app.musicWaveform(batchId),
    'export:start': (input) => app.exports.start(input),
    'export:cancel': ({ jobId }) => app.exports.cancel(jobId),
    'export:status': ({ batchId }) => app.exports.status(batchId),
    'export:handoff': ({ batchId }) => app.exports.handoff(batchId),
    'mapping:list': () => profiles.list(),
    'mapping:save': ({ name, mapping }) => profiles.save(name, mapping),
    'mapping:delete': ({ name }) => profiles.delete(name),
    'batch:resultsSheet': ({ batchId }) => resultsSheet(app.queue, batchId),
    'report:get': (input) => reportFor(app.queue, input?.batchId),
    'report:markSeen': async ({ batchId }) => {
      await reportFor(app.queue, batchId);
      await app.queue.markReportSeen(batchId);
      return { ok: true as const };
    },
    'batch:setBudget': ({ batchId, budgetUsd }) => b.setBudget(batchId, budgetUsd),
    'draft:list': async () => ({ drafts: await drafts.list() }),
    'draft:get': ({ id }) => drafts.get(id),
    'draft:save': (input) => drafts.save(input),
    'draft:delete': ({ id }) => drafts.delete(id),
  };
}

/** Input problems, by field, in the schema's own words (zod never quotes the value, so a key cannot leak here). */
function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message))
    .join('; ');
}

export type Logger = (message: string) => void;
const defaultLog: Logger = (m) => console.error(m);

export async function dispatch(handlers: Handlers, name: unknown, rawInput: unknown, log: Logger = defaultLog): Promise<CallResult<unknown>> {
  if (!isCallName(name)) return { ok: false, error: { code: 'not_found', message: 'There is no such call.' } };
  const schema = calls[name];
  const parsed = schema.input.safeParse(rawInput);
  if (!parsed.success) return { ok: false, error: { code: 'invalid_input', message: describeIssues(parsed.error) } };
  let output: unknown;
  try {
    // Tracked, so the event-loop watchdog can name a call that keeps the loop busy (loop-watchdog.ts).
    output = await track(`call ${name}`, () => (handlers[name] as (i: unknown) => unknown)(parsed.data));
  } catch (e) {
    const info = describeError(e);
    if (info.code === 'internal') log(`${name} failed: ${redact((e as Error)?.stack ?? String(e))}`);
    return { ok: false, error: info };
  }
  const checked = schema.output.safeParse(output);
  if (!checked.success) {
    log(`${name} returned a value outside the contract: ${describeIssues(checked.error)}`);
    return { ok: false, error: { code: 'internal', message: 'Something went wrong inside the app. The details are in the log; try again.' } };
  }
  return { ok: true, value: checked.data };
}

/** An event as it may leave main: parsed (and so stripped and scrubbed) by its schema; undefined if it does not fit. */
export function outgoingEvent<E extends EventName>(name: E, payload: unknown): EventPayload<E> | undefined {
  const r = events[name].safeParse(payload);
  return r.success ? (r.data as EventPayload<E>) : undefined;
}

/** Subscribes a transport's sender to every app event, each checked against the contract. */
export function forwardEvents(app: AppServices, send: (name: EventName, payload: unknown) => void): () => void {
  return app.on((e: AppEvent) => {
    if (!(EVENT_NAMES as readonly string[]).includes(e.name)) return;
    const payload = outgoingEvent(e.name, e.payload);
    if (payload !== undefined) send(e.name, payload);
  });
}
