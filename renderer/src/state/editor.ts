/**
 * The batch editor: the imported sheet's rows as the user edits them before queueing, with undo/redo. Rows are
 * replaced, never mutated, so an undo step is just the previous array and validation is cached per row object.
 */
import { create } from 'zustand';
import type { ColumnMapping } from '../editor/sheet';
import { blankRow, cellText, renumber, withCell, type EditRow, type Field } from '../editor/rows';
import { deleteRows, duplicateRows, fillDown, moveRows, moveRowsTo } from '../editor/selection';

const HISTORY = 200;

interface EditorState {
  rows: EditRow[];
  /** The rows as the server last read them (the pending import): anything else must be sent again. */
  baseline: EditRow[];
  mapping: ColumnMapping;
  past: EditRow[][];
  future: EditRow[][];
  nextKey: number;
  load: (rows: EditRow[], mapping: ColumnMapping) => void;
  /** The rows the server now holds (after the edited rows were sent): they are no longer "edited". */
  /** `sent`: the rows main was given (the sheet may have been edited since). */
  markSent: (sent: EditRow[]) => void;
  setCell: (key: number, field: Field, text: string) => void;
  addRow: (afterKey?: number) => number;
  duplicateRow: (key: number) => number | undefined;
  deleteRow: (key: number) => void;
  /** Selection edits, each one undo step (nothing recorded when nothing changes). */
  fillDown: (keys: ReadonlySet<number>, field: Field) => void;
  deleteRows: (keys: ReadonlySet<number>) => void;
  /** Returns the copies' keys. */
  duplicateRows: (keys: ReadonlySet<number>) => number[];
  moveRows: (keys: ReadonlySet<number>, delta: -1 | 1) => void;
  moveRowsTo: (keys: ReadonlySet<number>, overKey: number) => void;
  undo: () => void;
  redo: () => void;
  clear: () => void;
}

export const useEditorStore = create<EditorState>((set, get) => {
  const commit = (rows: EditRow[]) => set((s) => ({ rows, past: [...s.past.slice(-HISTORY + 1), s.rows], future: [] }));
  /** Commits a selection edit's result unless it is the same array (nothing changed: no undo step). */
  const commitIfChanged = (next: readonly EditRow[]) => {
    if (next !== get().rows) commit(next as EditRow[]);
  };
  return {
    rows: [],
    baseline: [],
    mapping: {},
    past: [],
    future: [],
    nextKey: 1,
    load: (rows, mapping) => {
      // A loop, not Math.max(...keys): spreading 200,000 arguments overflows the stack.
      let last = 0;
      for (const r of rows) if (r.key > last) last = r.key;
      set({ rows, baseline: rows, mapping, past: [], future: [], nextKey: last + 1 });
    },
    markSent: (sent) => set({ baseline: sent }),
    setCell: (key, field, text) => {
      const { rows } = get();
      const i = rows.findIndex((r) => r.key === key);
      if (i < 0) return;
      const next = withCell(rows[i]!, field, text);
      if (cellText(next, field) === cellText(rows[i]!, field)) return;
      commit(rows.with(i, next));
    },
    addRow: (afterKey) => {
      const { rows, nextKey } = get();
      const at = afterKey === undefined ? rows.length : rows.findIndex((r) => r.key === afterKey) + 1;
      set({ nextKey: nextKey + 1 });
      commit(renumber(rows.toSpliced(at, 0, blankRow(nextKey, rows[at - 1]))));
      return nextKey;
    },
    duplicateRow: (key) => {
      const { rows, nextKey } = get();
      const i = rows.findIndex((r) => r.key === key);
      if (i < 0) return undefined;
      set({ nextKey: nextKey + 1 });
      commit(renumber(rows.toSpliced(i + 1, 0, { ...rows[i]!, key: nextKey })));
      return nextKey;
    },
    deleteRow: (key) => {
      const { rows } = get();
      const i = rows.findIndex((r) => r.key === key);
      if (i >= 0) commit(renumber(rows.toSpliced(i, 1)));
    },
    fillDown: (keys, field) => commitIfChanged(fillDown(get().rows, keys, field)),
    deleteRows: (keys) => commitIfChanged(deleteRows(get().rows, keys)),
    duplicateRows: (keys) => {
      const { rows, nextKey } = get();
      const r = duplicateRows(rows, keys, nextKey);
      if (r.added.length) set({ nextKey: nextKey + r.added.length });
      commitIfChanged(r.rows);
      return r.added;
    },
    moveRows: (keys, delta) => commitIfChanged(moveRows(get().rows, keys, delta)),
    moveRowsTo: (keys, overKey) => commitIfChanged(moveRowsTo(get().rows, keys, overKey)),
    undo: () =>
      set((s) => {
        const prev = s.past.at(-1);
        return prev ? { rows: prev, past: s.past.slice(0, -1), future: [s.rows, ...s.future] } : {};
      }),
    redo: () =>
      set((s) => {
        const [next, ...rest] = s.future;
        return next ? { rows: next, past: [...s.past, s.rows], future: rest } : {};
      }),
    clear: () => set({ rows: [], baseline: [], mapping: {}, past: [], future: [] }),
  };
});

/** Live validation of every row, cached per row object: see editor/row-checks.ts (checked in slices when many). */
export { validationOf } from '../editor/row-checks';
