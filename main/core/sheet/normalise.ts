/**
 * Cell text -> the value Venice expects. Each function accepts what people type in a spreadsheet and returns the
 * canonical form, or the trimmed text unchanged when it cannot be read (validation then says what is wrong).
 */

/**
 * The trimming rule for every cell: outer whitespace goes (String.prototype.trim: spaces, tabs, line breaks,
 * no-break spaces, stray BOMs), inner text stays, inner line breaks become LF.
 */
export function cleanCell(text: string | undefined): string {
  if (text === undefined) return '';
  return text.replace(/\r\n?/g, '\n').trim();
}

function trimNumber(n: number): string {
  return String(Number.parseFloat(n.toFixed(6)));
}

const DURATION = /^(\d+(?:[.,]\d+)?)\s*(?:s|secs?|seconds?)?\.?$/i;

/** "5", "5s", "5 s", "5 sec", "5.0", "5,0" -> "5s". Anything else is returned trimmed. */
export function normaliseDuration(text: string): string {
  const t = cleanCell(text);
  const m = DURATION.exec(t);
  if (!m) return t;
  return `${trimNumber(Number.parseFloat(m[1]!.replace(',', '.')))}s`;
}

/** True when a duration is in Venice's form ("5s", "2.5s"). */
export function isDurationValue(text: string): boolean {
  return /^\d+(\.\d+)?s$/.test(text);
}

const YES = new Set(['yes', 'y', 'true', '1', 'on']);
const NO = new Set(['no', 'n', 'false', '0', 'off']);

/** yes/no/true/false/1/0/y/n/on/off (any case) -> boolean; empty -> undefined (model default); else 'invalid'. */
export function normaliseAudio(text: string): boolean | undefined | 'invalid' {
  const t = cleanCell(text).toLowerCase();
  if (t === '') return undefined;
  if (YES.has(t)) return true;
  if (NO.has(t)) return false;
  return 'invalid';
}

/** "720", "720P", "720 p" -> "720p"; "4K" -> "4k". Anything else is returned trimmed. */
export function normaliseResolution(text: string): string {
  const t = cleanCell(text);
  const p = /^(\d{3,4})\s*p?$/i.exec(t);
  if (p) return `${Number(p[1])}p`;
  const k = /^(\d)\s*k$/i.exec(t);
  if (k) return `${k[1]}k`;
  return t;
}

/**
 * "16x9", "16/9", "16 : 9", "16×9" -> "16:9". Also "16:09", which is how Excel shows 16:9 after turning it into
 * a time of day. Anything else is returned trimmed.
 */
export function normaliseAspectRatio(text: string): string {
  const t = cleanCell(text);
  const m = /^(\d+(?:\.\d+)?)\s*[:x×/]\s*(\d+(?:\.\d+)?)$/i.exec(t);
  if (!m) return t;
  return `${trimNumber(Number(m[1]))}:${trimNumber(Number(m[2]))}`;
}

/** True when an aspect ratio has the form "W:H". */
export function isAspectRatioValue(text: string): boolean {
  return /^\d+(\.\d+)?:\d+(\.\d+)?$/.test(text);
}
