/**
 * Header mapping: which sheet column holds the prompt, the duration, etc. Matching ignores case, spaces,
 * punctuation, accents and a bracketed unit ("Duration (s)"). An explicit mapping wins over automatic matching.
 */
import { SheetReadError } from './errors';
import { CANONICAL_COLUMNS, type CanonicalColumn, type ColumnMapping, type MappingOverride } from './types';

/** Header variants, written as keys (lowercase letters and digits only). */
const ALIASES: Record<CanonicalColumn, readonly string[]> = {
  prompt: ['prompt', 'prompts', 'prompttext', 'textprompt', 'description', 'positiveprompt', 'videoprompt'],
  negative_prompt: ['negativeprompt', 'negativeprompts', 'negative', 'negprompt', 'neg', 'negativeprompttext'],
  model: ['model', 'models', 'modelid', 'modelname'],
  duration: ['duration', 'durations', 'length', 'seconds', 'secs', 'sec', 'durationsec', 'durationseconds', 'durationinseconds'],
  resolution: ['resolution', 'quality', 'res'],
  aspect_ratio: ['aspectratio', 'aspect', 'ratio', 'ar'],
  audio: ['audio', 'sound', 'withaudio', 'withsound'],
  image: ['image', 'imageurl', 'imagepath', 'imagefile', 'startimage', 'referenceimage', 'refimage', 'inputimage', 'startframe', 'firstframe'],
  // Not "take": in a shot list that is the take's own number, not how many to make.
  takes: ['takes', 'variants', 'numberoftakes', 'numberofvariants', 'takecount', 'takesperrow', 'variantcount'],
  name: ['name', 'title', 'shot', 'shotname', 'clip', 'clipname', 'filename', 'outputname'],
};

const BY_KEY = new Map<string, CanonicalColumn>();
for (const column of CANONICAL_COLUMNS) for (const alias of ALIASES[column]) BY_KEY.set(alias, column);

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
    .replace(/[^\p{L}\p{N}]/gu, '');
}

/** The canonical column a header names, or null. */
export function matchHeader(header: string): CanonicalColumn | null {
  const full = headerKey(header);
  if (full === '') return null;
  const direct = BY_KEY.get(full);
  if (direct) return direct;
  const unbracketed = headerKey(header.replace(/\([^)]*\)|\[[^\]]*\]/g, ' '));
  return BY_KEY.get(unbracketed) ?? null;
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
  warnings: string[];
}

function describe(headers: readonly string[], indexes: readonly number[]): string {
  return indexes.map((i) => `"${headers[i]}" (column ${columnLetter(i)})`).join(' and ');
}

function findHeader(headers: readonly string[], wanted: string, column: CanonicalColumn): number {
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
    throw new SheetReadError(
      'duplicate-column',
      `More than one column is headed "${wanted}" (${hits.map(columnLetter).join(', ')}): rename all but one so the ${label} column is clear.`,
      { headers: [...headers] },
    );
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

  for (const column of CANONICAL_COLUMNS) {
    const wanted = override[column];
    if (wanted === undefined || wanted === null || wanted.trim() === '') continue;
    const i = findHeader(cells, wanted, column);
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

  const automatic = new Map<CanonicalColumn, number[]>();
  cells.forEach((h, i) => {
    if (taken.has(i)) return;
    const column = matchHeader(h);
    if (!column || override[column] !== undefined) return; // explicitly mapped or switched off: not guessed
    automatic.set(column, [...(automatic.get(column) ?? []), i]);
  });
  for (const [column, hits] of automatic) {
    if (hits.length > 1) {
      const label = columnLabel(column);
      throw new SheetReadError(
        'duplicate-column',
        `Two columns could be the ${label}: ${describe(cells, hits)}. Rename or delete one, or choose the ${label} column in the mapping.`,
        { headers: cells },
      );
    }
    indexOf[column] = hits[0]!;
    taken.set(hits[0]!, column);
  }

  const mapping: ColumnMapping = {};
  for (const column of CANONICAL_COLUMNS) {
    const i = indexOf[column];
    if (i !== undefined) mapping[column] = cells[i]!;
  }

  const warnings: string[] = [];
  const extras: ColumnPlan['extras'] = [];
  const unmappedHeaders: string[] = [];
  const used = new Set<string>();
  cells.forEach((h, i) => {
    if (taken.has(i)) return;
    const named = h !== '';
    let key = named ? h : `Column ${columnLetter(i)}`;
    if (used.has(key)) {
      let n = 2;
      while (used.has(`${key} (${n})`)) n++;
      warnings.push(`Two columns are headed "${h}"; the one in column ${columnLetter(i)} is kept as "${key} (${n})".`);
      key = `${key} (${n})`;
    }
    used.add(key);
    extras.push({ index: i, key, named });
    if (named) unmappedHeaders.push(h);
  });
  return { mapping, indexOf, extras, unmappedHeaders, warnings };
}
