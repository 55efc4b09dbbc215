/**
 * One row of the editor grid, memoized: scrolling mounts the rows coming into view and leaves the others alone, and an
 * edit, a selection or a new price renders only the rows it changes. The grid hands it stable handlers (they read the
 * grid's current state when called), so a row's props change only when what it shows does.
 */
import { memo, type MouseEvent } from 'react';
import type { RowPrice } from '../editor/quotes';
import { cellText, defaultText, FIELDS, rowTitle, suggestFix, type EditRow, type Field, type ModelView } from '../editor/rows';
import type { BatchDefaults, RowValidation } from '../editor/sheet';
import { CellEditor } from './CellEditor';
import { CheckCell, DragHandle, PriceCell } from './GridParts';

export const ROW_HEIGHT = 30;

export interface RowHandlers {
  headerClick: (index: number, e: MouseEvent) => void;
  cellClick: (index: number, column: number, e: MouseEvent) => void;
  cellDoubleClick: (index: number, column: number) => void;
  editChange: (draft: string) => void;
  editDone: (keep: boolean, move?: 'down' | 'right') => void;
  fix: (row: EditRow, field: Field, value: string) => void;
}

interface Props {
  row: EditRow;
  check: RowValidation | undefined;
  index: number;
  start: number;
  /** The active column when this is the current row, else -1. */
  activeCol: number;
  /** The cell being edited in this row, with its draft. */
  editing: { field: Field; draft: string } | null;
  /** In the selection (highlighted), and selected for a screen reader (the selection, or the current row). */
  selected: boolean;
  ariaSelected: boolean;
  price: RowPrice;
  rules: Parameters<typeof suggestFix>[2];
  defaults: BatchDefaults;
  models: readonly ModelView[];
  defaultModel: string;
  gridId: string;
  on: RowHandlers;
}

function EditorRowView(p: Props) {
  const { row, check, index } = p;
  const bad = new Set(check?.errors.map((e) => e.field));
  const first = check?.errors[0];
  const fixValue = first ? suggestFix(row, first.field, p.rules, p.defaults) : undefined;
  const current = p.activeCol >= 0;
  return (
    <div
      role="row"
      aria-rowindex={index + 2}
      aria-selected={p.ariaSelected}
      className={`grid-row${!check || check.valid ? '' : ' invalid'}${current ? ' current' : ''}${p.selected ? ' selected' : ''}`}
      style={{ transform: `translateY(${p.start}px)`, height: ROW_HEIGHT }}
      data-testid={`edit-row-${index + 1}`}
    >
      <div role="rowheader" className="num" onClick={(e) => p.on.headerClick(index, e)}>
        <DragHandle rowKey={row.key} label={rowTitle(row, index)} />
        {index + 1}
      </div>
      {FIELDS.map((field, c) => {
        const isActive = c === p.activeCol;
        const isEditing = p.editing?.field === field;
        return (
          <div
            key={field}
            role="gridcell"
            id={`${p.gridId}-${index}-${c}`}
            aria-selected={isActive}
            aria-invalid={bad.has(field) || undefined}
            className={`cell ${field}${isActive ? ' active' : ''}${bad.has(field) ? ' bad' : ''}`}
            data-testid={`cell-${index + 1}-${field}`}
            title={cellText(row, field)}
            onClick={(e) => !isEditing && p.on.cellClick(index, c, e)}
            onDoubleClick={() => !isEditing && p.on.cellDoubleClick(index, c)}
          >
            {isEditing ? (
              <CellEditor
                field={field}
                row={row}
                models={p.models as ModelView[]}
                defaultModel={p.defaultModel}
                value={p.editing!.draft}
                onChange={p.on.editChange}
                onDone={p.on.editDone}
              />
            ) : (
              cellText(row, field) || (
                <span className="default" title="The batch default (the cell is empty)">
                  {defaultText(field, p.defaults)}
                </span>
              )
            )}
          </div>
        );
      })}
      <PriceCell price={p.price} />
      <CheckCell check={check} models={p.models} fixValue={fixValue} onFix={(field, value) => p.on.fix(row, field, value)} />
    </div>
  );
}

const samePrice = (a: RowPrice, b: RowPrice) =>
  a.kind === b.kind &&
  (a.kind !== 'price' || (b.kind === 'price' && a.usd === b.usd && a.each === b.each && a.takes === b.takes)) &&
  (a.kind !== 'problem' || (b.kind === 'problem' && a.message === b.message));

export const EditorRow = memo(EditorRowView, (a, b) => {
  for (const k of Object.keys(a) as Array<keyof Props>) {
    if (k === 'price') {
      if (!samePrice(a.price, b.price)) return false;
    } else if (k === 'editing') {
      if (a.editing?.field !== b.editing?.field || a.editing?.draft !== b.editing?.draft) return false;
    } else if (a[k] !== b[k]) return false;
  }
  return true;
});
