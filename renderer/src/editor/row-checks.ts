/**
 * Live validation of the editor's rows, cached per row object (rows are replaced, never mutated, so an edit makes
 * one row new) for one set of models and defaults. A few new rows (an edit, a paste) are checked at once; many (a
 * sheet just opened, a changed batch default) are checked in slices that give the page's thread back between them,
 * top rows first, so 100,000 rows never freeze the window: the grid fills in as they are checked.
 */
import type { BatchDefaults, ColumnMapping, RowValidation } from './sheet';
import { checkRow, rulesOf, type EditRow, type ModelView } from './rows';
import { yieldToPage } from './yield-to-page';

/** Up to this many unchecked rows are checked in the same turn (a few milliseconds). */
export const CHECK_AT_ONCE = 2_000;
/** Work per slice before the thread is given back (input and paint get through between slices). */
const SLICE_MS = 12;

type Rules = ReturnType<typeof rulesOf>;

interface Cache {
  models: readonly ModelView[];
  defaults: string;
  rules: Rules;
  byRow: WeakMap<EditRow, RowValidation>;
}

let cache: Cache | undefined;

function cacheFor(models: readonly ModelView[], defaults: BatchDefaults): Cache {
  const key = JSON.stringify(defaults);
  if (!cache || cache.models !== models || cache.defaults !== key) cache = { models, defaults: key, rules: rulesOf(models), byRow: new WeakMap() };
  return cache;
}

/** Every row's check at once, whatever it costs (tests, and callers that need all of them now). */
export function validationOf(rows: readonly EditRow[], models: readonly ModelView[], defaults: BatchDefaults, mapping: ColumnMapping): RowValidation[] {
  const c = cacheFor(models, defaults);
  return rows.map((r) => {
    let v = c.byRow.get(r);
    if (!v) {
      v = checkRow(r, c.rules, defaults, mapping);
      c.byRow.set(r, v);
    }
    return v;
  });
}

/** The checks of some rows: `list[i]` is row i's, undefined while it waits its turn. */
export interface RowChecks {
  list: ReadonlyArray<RowValidation | undefined>;
  /** Rows checked so far, of `list.length`. */
  checked: number;
  done: boolean;
}

/** What is known now: cached checks, plus the unchecked rows themselves when there are few enough. */
export function checksNow(rows: readonly EditRow[], models: readonly ModelView[], defaults: BatchDefaults, mapping: ColumnMapping, atOnce = CHECK_AT_ONCE): RowChecks {
  const c = cacheFor(models, defaults);
  const list: Array<RowValidation | undefined> = new Array(rows.length);
  let missing = 0;
  for (let i = 0; i < rows.length; i++) {
    const v = c.byRow.get(rows[i]!);
    list[i] = v;
    if (!v) missing++;
  }
  if (missing === 0) return { list, checked: rows.length, done: true };
  if (missing > atOnce) return { list, checked: rows.length - missing, done: false };
  for (let i = 0; i < rows.length; i++) {
    if (list[i]) continue;
    const v = checkRow(rows[i]!, c.rules, defaults, mapping);
    c.byRow.set(rows[i]!, v);
    list[i] = v;
  }
  return { list, checked: rows.length, done: true };
}

const now = () => performance.now();

/**
 * Checks the rows `from.list` still lacks, in slices of about SLICE_MS, writing into a copy of the list. `onProgress`
 * gets the checks so far (a new object each time) at most every `everyMs`, and once at the end; `stale()` stops it
 * (the rows or the defaults changed meanwhile: a newer call takes over).
 */
export async function checkRest(
  rows: readonly EditRow[],
  from: RowChecks,
  models: readonly ModelView[],
  defaults: BatchDefaults,
  mapping: ColumnMapping,
  opts: { stale: () => boolean; onProgress: (checks: RowChecks) => void; everyMs?: number },
): Promise<void> {
  const c = cacheFor(models, defaults);
  const list = from.list.slice();
  let checked = from.checked;
  let sliceStart = now();
  let published = sliceStart;
  for (let i = 0; i < rows.length; i++) {
    if (list[i]) continue;
    if ((i & 63) === 0 && now() - sliceStart >= SLICE_MS) {
      if (now() - published >= (opts.everyMs ?? 250)) {
        opts.onProgress({ list: list.slice(), checked, done: false });
        published = now();
      }
      await yieldToPage();
      if (opts.stale()) return;
      sliceStart = now();
    }
    const row = rows[i]!;
    // Another pass (or the grid) may have checked it meanwhile.
    let v = c.byRow.get(row);
    if (!v) {
      v = checkRow(row, c.rules, defaults, mapping);
      c.byRow.set(row, v);
    }
    list[i] = v;
    checked++;
  }
  if (!opts.stale()) opts.onProgress({ list, checked, done: true });
}
