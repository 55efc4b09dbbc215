/**
 * Row selection and the edits that act on a selection (fill-down, delete, duplicate, move). Pure functions over
 * row arrays: the store commits each result as one undo step. Selections hold row keys, which survive reordering.
 */
import { cellText, renumber, withCell, type EditRow, type Field } from './rows';

export interface Selection {
  /** Selected row keys. */
  keys: ReadonlySet<number>;
  /** Where a Shift+click or Shift+arrow range starts. */
  anchor: number | undefined;
}

export const EMPTY_SELECTION: Selection = { keys: new Set(), anchor: undefined };

/** A click on row `index`: plain replaces, Ctrl/Cmd toggles, Shift selects the range from the anchor. */
export function clickSelect(rows: readonly EditRow[], sel: Selection, index: number, mods: { shift?: boolean; toggle?: boolean }): Selection {
  const key = rows[index]?.key;
  if (key === undefined) return sel;
  if (mods.shift && sel.anchor !== undefined) {
    const from = rows.findIndex((r) => r.key === sel.anchor);
    if (from >= 0) {
      const [a, b] = from <= index ? [from, index] : [index, from];
      const range = rows.slice(a, b + 1).map((r) => r.key);
      return { keys: new Set(mods.toggle ? [...sel.keys, ...range] : range), anchor: sel.anchor };
    }
  }
  if (mods.toggle) {
    const keys = new Set(sel.keys);
    if (keys.has(key)) keys.delete(key);
    else keys.add(key);
    return { keys, anchor: key };
  }
  return { keys: new Set([key]), anchor: key };
}

export const selectAll = (rows: readonly EditRow[]): Selection => ({ keys: new Set(rows.map((r) => r.key)), anchor: rows[0]?.key });

/** The selected keys, or the active row's alone when nothing is selected. */
export function targetKeys(sel: Selection, activeKey: number | undefined): ReadonlySet<number> {
  return sel.keys.size > 0 ? sel.keys : new Set(activeKey === undefined ? [] : [activeKey]);
}

/** Copies the first selected row's cell (in row order) into the other selected rows. Same array when nothing changes. */
export function fillDown(rows: readonly EditRow[], keys: ReadonlySet<number>, field: Field): readonly EditRow[] {
  const first = rows.find((r) => keys.has(r.key));
  if (!first) return rows;
  const text = cellText(first, field);
  let changed = false;
  const next = rows.map((r) => {
    if (r === first || !keys.has(r.key) || cellText(r, field) === text) return r;
    changed = true;
    return withCell(r, field, text);
  });
  return changed ? next : rows;
}

export function deleteRows(rows: readonly EditRow[], keys: ReadonlySet<number>): readonly EditRow[] {
  const next = rows.filter((r) => !keys.has(r.key));
  return next.length === rows.length ? rows : renumber(next);
}

/** Each selected row gets a copy right below it; returns the copies' keys too. */
export function duplicateRows(rows: readonly EditRow[], keys: ReadonlySet<number>, nextKey: number): { rows: readonly EditRow[]; added: number[] } {
  const added: number[] = [];
  const next: EditRow[] = [];
  for (const r of rows) {
    next.push(r);
    if (keys.has(r.key)) {
      next.push({ ...r, key: nextKey + added.length });
      added.push(nextKey + added.length);
    }
  }
  return added.length ? { rows: renumber(next), added } : { rows, added };
}

/**
 * Moves the selected rows one place up (-1) or down (+1), keeping their order; a block already at the edge stays.
 */
export function moveRows(rows: readonly EditRow[], keys: ReadonlySet<number>, delta: -1 | 1): readonly EditRow[] {
  const next = [...rows];
  let changed = false;
  const order = delta < 0 ? next.map((_, i) => i) : next.map((_, i) => next.length - 1 - i);
  for (const i of order) {
    const j = i + delta;
    if (!keys.has(next[i]!.key) || j < 0 || j >= next.length || keys.has(next[j]!.key)) continue;
    [next[i], next[j]] = [next[j]!, next[i]!];
    changed = true;
  }
  return changed ? renumber(next) : rows;
}

/** Moves the rows `keys` (in their order) so the first lands where row `overKey` is: a drag-and-drop. */
export function moveRowsTo(rows: readonly EditRow[], keys: ReadonlySet<number>, overKey: number): readonly EditRow[] {
  if (keys.has(overKey) && keys.size === 1) return rows;
  const moving = rows.filter((r) => keys.has(r.key));
  const from = rows.findIndex((r) => keys.has(r.key));
  const over = rows.findIndex((r) => r.key === overKey);
  if (!moving.length || over < 0) return rows;
  const rest = rows.filter((r) => !keys.has(r.key));
  // Dropping below where the block started puts it after the row it was dropped on.
  let at = rest.findIndex((r) => r.key === overKey);
  if (at < 0) return rows;
  if (over > from) at += 1;
  const next = [...rest.slice(0, at), ...moving, ...rest.slice(at)];
  return next.every((r, i) => r === rows[i]) ? rows : renumber(next);
}
