/**
 * Column mapping as the user edits it: which sheet header feeds each canonical column, and which saved profiles fit a
 * sheet. Pure functions so the rules are tested without a page.
 */
import { CANONICAL_COLUMNS, decodeBytes, type CanonicalColumn, type ColumnMapping, type MappingOverride } from '../editor/sheet';

export interface SavedProfile {
  name: string;
  mapping: ColumnMapping;
  updatedAt: number;
}

const same = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

/**
 * The override to read the sheet with after the user picks `header` (or null: "not in this sheet") for `column`. It
 * names every canonical column so nothing is guessed behind the user's back, and a header moves rather than feeding
 * two columns (the reader refuses that).
 */
export function withColumn(current: ColumnMapping, column: CanonicalColumn, header: string | null): MappingOverride {
  const out: MappingOverride = {};
  for (const c of CANONICAL_COLUMNS) {
    const h = c === column ? header : (current[c] ?? null);
    out[c] = h !== null && c !== column && header !== null && same(h, header) ? null : h;
  }
  return out;
}

/** A saved mapping as a full override: the columns it does not name are left out of the sheet. */
export function overrideOf(mapping: ColumnMapping): MappingOverride {
  const out: MappingOverride = {};
  for (const c of CANONICAL_COLUMNS) out[c] = mapping[c] ?? null;
  return out;
}

/** The sheet's headers no canonical column uses: they stay as extra columns, usable in the name template. */
export function unmappedHeaders(headers: readonly string[], mapping: ColumnMapping): string[] {
  const used = Object.values(mapping);
  return headers.filter((h) => h.trim() !== '' && !used.some((u) => u !== undefined && same(u, h)));
}

/** Profiles whose every mapped header is in this sheet (a profile that maps nothing fits nothing). */
export function matchingProfiles(profiles: readonly SavedProfile[], headers: readonly string[]): SavedProfile[] {
  return profiles.filter((p) => {
    const wanted = Object.values(p.mapping).filter((h): h is string => typeof h === 'string');
    return wanted.length > 0 && wanted.every((w) => headers.some((h) => same(h, w)));
  });
}

/** The profile to apply without asking: only when exactly one fits, and it would change something. */
export function profileToApply(profiles: readonly SavedProfile[], headers: readonly string[], current: ColumnMapping): SavedProfile | undefined {
  const fits = matchingProfiles(profiles, headers);
  if (fits.length !== 1) return undefined;
  return sameMapping(fits[0]!.mapping, current) ? undefined : fits[0];
}

export function sameMapping(a: ColumnMapping, b: ColumnMapping): boolean {
  return CANONICAL_COLUMNS.every((c) => (a[c] === undefined && b[c] === undefined) || (a[c] !== undefined && b[c] !== undefined && same(a[c]!, b[c]!)));
}

/** "negative_prompt" -> "Negative prompt". */
export function columnTitle(column: CanonicalColumn): string {
  const words = column.replace('_', ' ');
  return words[0]!.toUpperCase() + words.slice(1);
}

/**
 * A line of the file as `encoding` reads it, cut around its first non-ASCII character, so a user choosing between
 * encodings compares the same words ("Café" against "CafÈ"). Empty when the start of the file is plain ASCII.
 */
export function encodingSample(bytes: Uint8Array, encoding: string, width = 70): string {
  const head = bytes.subarray(0, 64 * 1024);
  let at = head.findIndex((b) => b >= 0x80);
  if (at < 0) return '';
  // Single-byte encodings keep one character per byte, so the line around byte `at` is the line around character `at`.
  const text = decodeBytes(head, encoding).text;
  at = Math.min(at, text.length - 1);
  const start = Math.max(text.lastIndexOf('\n', at) + 1, at - width / 2);
  const endOfLine = text.indexOf('\n', at);
  const end = Math.min(endOfLine < 0 ? text.length : endOfLine, start + width);
  return `${start > 0 && text[start - 1] !== '\n' ? '…' : ''}${text.slice(start, end).trim()}${end < (endOfLine < 0 ? text.length : endOfLine) ? '…' : ''}`;
}
