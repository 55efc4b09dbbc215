/** The batch editor's selection and the edits on it: each one undo step, rows keyed so they survive moves. */
import { beforeEach, describe, expect, it } from 'vitest';
import type { EditRow } from '../../renderer/src/editor/rows';
import { clickSelect, EMPTY_SELECTION, moveRows, moveRowsTo, selectAll, targetKeys } from '../../renderer/src/editor/selection';
import { useEditorStore } from '../../renderer/src/state/editor';

const row = (key: number, over: Partial<EditRow> = {}): EditRow => ({ key, index: key, sourceRow: key + 1, prompt: `Shot ${key}`, extras: {}, raw: {}, ...over });
const rows5 = () => [1, 2, 3, 4, 5].map((k) => row(k));
const keysOf = (rows: readonly EditRow[]) => rows.map((r) => r.key);

describe('selecting rows', () => {
  it('click replaces, Ctrl/Cmd toggles, Shift selects the range from the anchor', () => {
    const rows = rows5();
    let sel = clickSelect(rows, EMPTY_SELECTION, 1, {});
    expect([...sel.keys]).toEqual([2]);
    sel = clickSelect(rows, sel, 3, { shift: true });
    expect([...sel.keys].sort()).toEqual([2, 3, 4]);
    sel = clickSelect(rows, sel, 0, { shift: true });
    expect([...sel.keys].sort()).toEqual([1, 2]);
    sel = clickSelect(rows, sel, 4, { toggle: true });
    expect([...sel.keys].sort()).toEqual([1, 2, 5]);
    sel = clickSelect(rows, sel, 4, { toggle: true });
    expect([...sel.keys].sort()).toEqual([1, 2]);
    expect([...selectAll(rows).keys]).toEqual([1, 2, 3, 4, 5]);
    expect([...targetKeys(EMPTY_SELECTION, 3)]).toEqual([3]);
  });
});

describe('moving rows', () => {
  it('moves a block up and down keeping its order, and stops at the edges', () => {
    const rows = rows5();
    expect(keysOf(moveRows(rows, new Set([2, 3]), 1))).toEqual([1, 4, 2, 3, 5]);
    expect(keysOf(moveRows(rows, new Set([2, 3]), -1))).toEqual([2, 3, 1, 4, 5]);
    expect(moveRows(rows, new Set([1, 2]), -1)).toBe(rows);
    expect(keysOf(moveRows(rows, new Set([1, 3]), 1))).toEqual([2, 1, 4, 3, 5]);
    expect(moveRows(rows, new Set([2]), 1).map((r) => r.index)).toEqual([1, 2, 3, 4, 5]);
  });

  it('drops dragged rows where the target row is', () => {
    const rows = rows5();
    expect(keysOf(moveRowsTo(rows, new Set([1]), 4))).toEqual([2, 3, 4, 1, 5]);
    expect(keysOf(moveRowsTo(rows, new Set([5]), 2))).toEqual([1, 5, 2, 3, 4]);
    expect(keysOf(moveRowsTo(rows, new Set([1, 2]), 5))).toEqual([3, 4, 5, 1, 2]);
    expect(moveRowsTo(rows, new Set([3]), 3)).toBe(rows);
  });
});

describe('selection edits in the store', () => {
  const s = () => useEditorStore.getState();
  beforeEach(() => s().load([row(1, { duration: '5s' }), row(2, { duration: '10s' }), row(3), row(4, { duration: '10s' })], {}));

  it('fills down the first selected row\'s cell in one undo step', () => {
    s().fillDown(new Set([4, 1, 3]), 'duration');
    expect(s().rows.map((r) => r.duration)).toEqual(['5s', '10s', '5s', '5s']);
    expect(s().past).toHaveLength(1);
    s().fillDown(new Set([1, 3, 4]), 'duration');
    expect(s().past).toHaveLength(1);
    s().undo();
    expect(s().rows.map((r) => r.duration)).toEqual(['5s', '10s', undefined, '10s']);
  });

  it('deletes, duplicates and moves the selection, each undoable', () => {
    const copies = s().duplicateRows(new Set([1, 3]));
    expect(keysOf(s().rows)).toEqual([1, copies[0], 2, 3, copies[1], 4]);
    s().deleteRows(new Set([2, 4]));
    expect(keysOf(s().rows)).toEqual([1, copies[0], 3, copies[1]]);
    s().moveRows(new Set([3]), -1);
    expect(keysOf(s().rows)).toEqual([1, 3, copies[0], copies[1]]);
    s().moveRowsTo(new Set([1]), copies[1]!);
    expect(keysOf(s().rows)).toEqual([3, copies[0], copies[1], 1]);
    expect(s().rows.map((r) => r.index)).toEqual([1, 2, 3, 4]);
    for (let i = 0; i < 4; i++) s().undo();
    expect(keysOf(s().rows)).toEqual([1, 2, 3, 4]);
    expect(s().rows).toBe(s().baseline);
  });
});
