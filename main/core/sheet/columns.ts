/**
 * Header mapping: which sheet column holds the prompt, the duration, etc. Matching ignores case, spaces,
 * punctuation, accents and a bracketed unit ("Duration (s)", "Dauer (s)"), in seven languages (header-words.ts).
 * An explicit mapping wins over automatic matching. Ambiguity never blocks an optional column: the preferred header
 * is taken and a note says which and how to change it. Only a prompt column that cannot be told apart stops the read.
 */
import { SheetReadError } from './errors';
import { HEADER_WORDS } from './header-words';
import { CANONICAL_COLUMNS, type CanonicalColumn, type ColumnMapping, type MappingOverride } from './types';

interface Known {
  column: CanonicalColumn;
  /** Position in the field's list of names: lower is preferred. */
  rank: number;
}

const BY_KEY = new Map<string, Known>();
for (const column of CANONICAL_COLUMNS) {
  HEADER_WORDS[column].forEach((key, rank) => {
    if (!BY_KEY.has(key)) BY_KEY.set(key, { column, rank });
  });
}

/** Words for messages: "negative prompt", "aspect ratio". */
export function columnLabel(column: CanonicalColumn): string {
  return column.replace('_', ' ');
}

/** Spreadsheet column letter of a 0-based index: 0 -> A, 26 -> AA. */
export function columnLetter(index: number): string {
  let n = index + 1;
  let s = '';
  while (n > 0) {
    const r = (n - 1) % 26;
    s = String.fromCharCode(65 + r) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}

/** "Duration (s)" -> "durations"; accents, case, spaces and punctuation dropped. */
export function headerKey(header: string): string {
  return header
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/ß/g, 'ss')
    .replace(/[^\p{L}\p{N}]/gu, '');
}

/**
 * The canonical column a header names and how plainly: a header that is a known name as a whole ranks before one that
 * needed its bracketed part set aside ("Prompt" before "Prompt (old)").
 */
export function matchHeaderRanked(header: string): Known | null {
  const full = headerKey(header);
  if (full === '') return null;
  const direct = BY_KEY.get(full);
  if (direct) return { column: direct.column, rank: direct.rank * 2 };
  const bare = headerKey(header.replace(/\([^)]*\)|\[[^\]]*\]/g, ' '));
  const loose = bare === '' ? undefined : BY_KEY.get(bare);
  return loose ? { column: loose.column, rank: loose.rank * 2 + 1 } : null;
}

/** The canonical column a header names, or null. */
export function matchHeader(header: string): CanonicalColumn | null {
  return matchHeaderRanked(header)?.column ?? null;
}

export interface ColumnPlan {
  /** canonical column -> header text */
  mapping: ColumnMapping;
  /** canonical column -> 0-based column index */
  indexOf: Partial<Record<CanonicalColumn, number>>;
  /** Unmapped columns: 0-based index and the key used in `extras`. Unnamed columns get "Column C". */
  extras: Array<{ index: number; key: string; named: boolean }>;
  /** Header texts of unmapped, named columns. */
  unmappedHeaders: string[];
  /** Choices made for the user and columns left over, each saying how to change it. */
  warnings: string[];
}

const cellName = (headers: readonly string[], i: number) => `"${headers[i]}" (column ${columnLetter(i)})`;

function listWords(items: readonly string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

function findHeader(headers: readonly string[], wanted: string, column: CanonicalColumn, notes: string[]): number {
  const label = columnLabel(column);
  let hits = headers.flatMap((h, i) => (h === wanted.trim() ? [i] : []));
  if (hits.length === 0) {
    const key = headerKey(wanted);
    hits = key === '' ? [] : headers.flatMap((h, i) => (headerKey(h) === key ? [i] : []));
  }
  if (hits.length === 0) {
    const named = headers.filter((h) => h !== '').map((h) => `"${h}"`).join(', ');
    throw new SheetReadError(
      'bad-mapping',
      `The mapping sets the ${label} column to "${wanted}", but the sheet has no column with that header. Its columns are: ${named}.`,
      { headers: [...headers] },
    );
  }
  if (hits.length > 1) {
    if (column === 'prompt') {
      throw new SheetReadError(
        'duplicate-column',
        `More than one column is headed "${wanted}" (${hits.map(columnLetter).join(', ')}): rename all but one so the prompt column is clear.`,
        { headers: [...headers] },
      );
    }
    notes.push(`More than one column is headed "${wanted}" (${hits.map(columnLetter).join(', ')}); the ${label} is read from column ${columnLetter(hits[0]!)}. Rename the others if that is wrong.`);
  }
  return hits[0]!;
}

/**
 * Decides which column feeds which canonical field. `headers` are trimmed header cells; `columnCount` is the width
 * of the widest row (columns beyond the header with data become unnamed extras).
 */
export function mapColumns(headers: readonly string[], columnCount: number, override: MappingOverride = {}): ColumnPlan {
  const width = Math.max(headers.length, columnCount);
  const cells = Array.from({ length: width }, (_, i) => headers[i] ?? '');
  const indexOf: Partial<Record<CanonicalColumn, number>> = {};
  const taken = new Map<number, CanonicalColumn>();
  const notes: string[] = [];

  for (const column of CANONICAL_COLUMNS) {
    const wanted = override[column];
    if (wanted === undefined || wanted === null || wanted.trim() === '') continue;
    const i = findHeader(cells, wanted, column, notes);
    const other = taken.get(i);
    if (other) {
      throw new SheetReadError(
        'bad-mapping',
        `The mapping uses the column "${cells[i]}" for both the ${columnLabel(other)} and the ${columnLabel(column)}: choose a different column for one of them.`,
        { headers: cells },
      );
    }
    indexOf[column] = i;
    taken.set(i, column);
  }

  const known = cells.map((h) => matchHeaderRanked(h));
  const candidates = new Map<CanonicalColumn, Array<{ index: number; rank: number }>>();
  known.forEach((k, index) => {
    if (!k || taken.has(index) || override[k.column] !== undefined) return; // explicitly mapped or switched off: not guessed
    const list = candidates.get(k.column) ?? [];
    list.push({ index, rank: k.rank });
    candidates.set(k.column, list);
  });
  const passedOver = new Set<number>();
  for (const column of CANONICAL_COLUMNS) {
    const list = candidates.get(column);
    if (!list) continue;
    list.sort((a, b) => a.rank - b.rank || a.index - b.index);
    const best = list[0]!;
    const label = columnLabel(column);
    if (list.length > 1) {
      const tied = list.filter((c) => c.rank === best.rank);
      if (tied.length > 1 && column === 'prompt') {
        throw new SheetReadError(
          'duplicate-column',
          `Two columns could be the prompt: ${listWords(tied.map((c) => cellName(cells, c.index)))}. Choose the prompt column in the mapping, or rename one of them.`,
          { headers: cells },
        );
      }
      const others = list.slice(1).map((c) => cellName(cells, c.index));
      const why = tied.length > 1 ? 'it comes first' : 'its header names the field most plainly';
      notes.push(
        `${listWords([...list].sort((a, b) => a.index - b.index).map((c) => cellName(cells, c.index)))} could all be the ${label}; ${cellName(cells, best.index)} is used (${why}), and ${listWords(others)} ${others.length > 1 ? 'are' : 'is'} kept as ${others.length > 1 ? 'extra columns' : 'an extra column'}. Choose another ${label} column in the mapping if that is wrong.`,
      );
      for (const c of list.slice(1)) passedOver.add(c.index);
    }
    indexOf[column] = best.index;
    taken.set(best.index, column);
  }

  const mapping: ColumnMapping = {};
  for (const column of CANONICAL_COLUMNS) {
    const i = indexOf[column];
    if (i !== undefined) mapping[column] = cells[i]!;
  }

  const extras: ColumnPlan['extras'] = [];
  const unmappedHeaders: string[] = [];
  const unmatched: string[] = [];
  const used = new Set<string>();
  cells.forEach((h, i) => {
    if (taken.has(i)) return;
    const named = h !== '';
    let key = named ? h : `Column ${columnLetter(i)}`;
    if (used.has(key)) {
      let n = 2;
      while (used.has(`${key} (${n})`)) n++;
      notes.push(`Two columns are headed "${h}"; the one in column ${columnLetter(i)} is kept as "${key} (${n})".`);
      key = `${key} (${n})`;
    }
    used.add(key);
    extras.push({ index: i, key, named });
    if (named) {
      unmappedHeaders.push(h);
      if (!known[i] && !passedOver.has(i)) unmatched.push(`${cellName(cells, i)}`);
    }
  });
  if (unmatched.length > 0) {
    notes.push(
      unmatched.length === 1
        ? `Column ${unmatched[0]} matches no field the app knows; it is kept as an extra column for the file-name template. If it holds a prompt, a duration or another field, choose it in the mapping.`
        : `Columns ${listWords(unmatched)} match no field the app knows; they are kept as extra columns for the file-name template. If one holds a prompt, a duration or another field, choose it in the mapping.`,
    );
  }
  return { mapping, indexOf, extras, unmappedHeaders, warnings: notes };
}
