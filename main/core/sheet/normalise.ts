/**
 * Cell text -> the value Venice expects. Each function accepts what people type in a spreadsheet, in English, French,
 * German, Spanish, Italian, Portuguese or Dutch, and returns the canonical form, or the trimmed text unchanged when it
 * cannot be read (validation then says what is wrong).
 *
 * A sheet repeats the same few values thousands of times ("5s", "720p", "16:9"), so each function remembers its
 * answers for a bounded number of distinct inputs: a 100,000-row sheet is normalised at the cost of a Map lookup.
 */
import { NO_WORDS, YES_WORDS } from './header-words';

/**
 * The trimming rule for every cell: outer whitespace goes (String.prototype.trim: spaces, tabs, line breaks,
 * no-break spaces, stray BOMs), inner text stays, inner line breaks become LF.
 */
export function cleanCell(text: string | undefined): string {
  if (text === undefined) return '';
  return (text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text).trim();
}

const MEMO_LIMIT = 4096;
function memo<T>(fn: (text: string) => T): (text: string) => T {
  const seen = new Map<string, T>();
  return (text) => {
    const hit = seen.get(text);
    if (hit !== undefined || seen.has(text)) return hit as T;
    const value = fn(text);
    if (seen.size < MEMO_LIMIT && text.length < 64) seen.set(text, value);
    return value;
  };
}

function trimNumber(n: number): string {
  return String(Number.parseFloat(n.toFixed(6)));
}

// "5", "5s", "5 sec.", "5 secondes", "5 Sekunden", "5 segundos", "5 secondi", "5 seconden"
const DURATION = /^(\d+(?:[.,]\d+)?)\s*(?:s|secs?|seconds?|secondes?|sek|sekunden?|seg|segundos?|secondi|secondo|seconden?)?\.?$/i;

/** "5", "5s", "5 s", "5 sec", "5.0", "5,0" (and the word for seconds in seven languages) -> "5s". Else trimmed. */
export const normaliseDuration = memo((text: string): string => {
  const t = cleanCell(text);
  const m = DURATION.exec(t);
  if (!m) return t;
  return `${trimNumber(Number.parseFloat(m[1]!.replace(',', '.')))}s`;
});

/** True when a duration is in Venice's form ("5s", "2.5s"). */
export function isDurationValue(text: string): boolean {
  return /^\d+(\.\d+)?s$/.test(text);
}

const YES = new Set(YES_WORDS);
const NO = new Set(NO_WORDS);

/** "Sí" -> "si", "NÃO" -> "nao", "Vrai" -> "vrai". */
function wordKey(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]/gu, '');
}

/**
 * yes/no, true/false, 1/0, on/off and their words in seven languages (oui/non, ja/nein, sí/no, sì/no, sim/não,
 * ja/nee, vrai/faux, wahr/falsch...) -> boolean; empty -> undefined (model default); else 'invalid'.
 */
export const normaliseAudio = memo((text: string): boolean | undefined | 'invalid' => {
  const t = cleanCell(text);
  if (t === '') return undefined;
  const key = wordKey(t);
  if (YES.has(key)) return true;
  if (NO.has(key)) return false;
  return 'invalid';
});

/** "720", "720P", "720 p" -> "720p"; "4K" -> "4k". Anything else is returned trimmed. */
export const normaliseResolution = memo((text: string): string => {
  const t = cleanCell(text);
  const p = /^(\d{3,4})\s*p?$/i.exec(t);
  if (p) return `${Number(p[1])}p`;
  const k = /^(\d)\s*k$/i.exec(t);
  if (k) return `${k[1]}k`;
  return t;
});

/**
 * "16x9", "16/9", "16 : 9", "16×9" -> "16:9". Also "16:09", which is how Excel shows 16:9 after turning it into
 * a time of day. Anything else is returned trimmed.
 */
export const normaliseAspectRatio = memo((text: string): string => {
  const t = cleanCell(text);
  const m = /^(\d+(?:\.\d+)?)\s*[:x×/]\s*(\d+(?:\.\d+)?)$/i.exec(t);
  if (!m) return t;
  return `${trimNumber(Number(m[1]))}:${trimNumber(Number(m[2]))}`;
});

/** True when an aspect ratio has the form "W:H". */
export function isAspectRatioValue(text: string): boolean {
  return /^\d+(\.\d+)?:\d+(\.\d+)?$/.test(text);
}
