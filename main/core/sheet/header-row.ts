/**
 * Which row holds the column names. Sheets written by real tools often start with something else: a "Table 1" title
 * (Numbers), a merged title and subtitle, a date line. The header is the row among the first few whose cells name the
 * most known fields, a prompt among them; a sheet with no such row keeps its first row (and the mapping is asked for).
 */
import { matchHeaderRanked } from './columns';
import { SheetReadError } from './errors';
import { formatCount } from './format';
import { HEADER_SEARCH_ROWS } from './limits';
import type { RawRows, RawTable } from './types';

export interface HeaderChoice extends RawTable {
  /** Set when the header is not the first non-blank row: says which row was taken and why. */
  note?: string;
}

function score(cells: readonly string[]): { fields: number; prompt: boolean } {
  const seen = new Set<string>();
  let prompt = false;
  for (const cell of cells) {
    const k = matchHeaderRanked(cell.trim());
    if (!k) continue;
    seen.add(k.column);
    if (k.column === 'prompt') prompt = true;
  }
  return { fields: seen.size, prompt };
}

function split(raw: RawRows, at: number): RawTable {
  return {
    header: raw.rows[at] ?? [],
    headerRow: raw.sourceRows[at] ?? 0,
    rows: raw.rows.slice(at + 1),
    sourceRows: raw.sourceRows.slice(at + 1),
  };
}

/** Splits the rows at the header: the one asked for (`headerRow`, a row number as the app shows it) or the one found. */
export function chooseHeader(raw: RawRows, headerRow?: number): HeaderChoice {
  if (raw.rows.length === 0) return { header: [], headerRow: 0, rows: [], sourceRows: [] };
  if (headerRow !== undefined) {
    const at = raw.sourceRows.indexOf(headerRow);
    if (at < 0) {
      const last = raw.sourceRows[raw.sourceRows.length - 1]!;
      throw new SheetReadError(
        'bad-header-row',
        headerRow > last
          ? `The header row was set to row ${formatCount(headerRow)}, but the sheet ends at row ${formatCount(last)}. Choose the row that holds the column names.`
          : `Row ${formatCount(headerRow)}, chosen as the header row, is empty. Choose the row that holds the column names.`,
      );
    }
    return split(raw, at);
  }
  const last = Math.min(raw.rows.length, HEADER_SEARCH_ROWS);
  let best = -1;
  let bestFields = 0;
  for (let i = 0; i < last; i++) {
    const s = score(raw.rows[i]!);
    if (s.prompt && s.fields > bestFields) {
      best = i;
      bestFields = s.fields;
    }
  }
  if (best < 0) {
    // No row names a prompt: the row naming the most fields (two or more), else the first.
    for (let i = 0; i < last; i++) {
      const s = score(raw.rows[i]!);
      if (s.fields >= 2 && s.fields > bestFields) {
        best = i;
        bestFields = s.fields;
      }
    }
  }
  if (best <= 0) return split(raw, 0);
  const table = split(raw, best);
  const above = raw.rows
    .slice(0, best)
    .map((r) => r.map((c) => c.trim()).filter((c) => c !== '').join(' '))
    .filter((t) => t !== '')
    .map((t) => `"${t.length > 40 ? `${t.slice(0, 40)}…` : t}"`);
  return {
    ...table,
    note: `Row ${formatCount(table.headerRow)} was taken as the header row: it holds the column names. The ${above.length === 1 ? 'row' : 'rows'} above it (${above.join(', ')}) ${above.length === 1 ? 'is' : 'are'} not read. Choose another header row if that is wrong.`,
  };
}
