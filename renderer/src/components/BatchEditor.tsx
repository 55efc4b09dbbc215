/**
 * The imported sheet as an editable, virtualized grid: only the rows in view are in the DOM, every cell is checked
 * live against the chosen model, and everything works from the keyboard (arrows, Enter/F2 or typing to edit,
 * Enter/Tab to keep, Escape to cancel, Delete to empty a cell, Ctrl+Z / Ctrl+Shift+Z, Ctrl+D duplicate, Ctrl+Delete delete, Ctrl+Enter add).
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { useId, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { RowValidation } from '../editor/sheet';
import { cellText, FIELD_LABELS, FIELDS, rulesOf, suggestFix, type EditRow, type Field } from '../editor/rows';
import { useEditorStore } from '../state/editor';
import { useSettingsStore } from '../state/settings';
import { CellEditor } from './CellEditor';

export const ROW_HEIGHT = 30;

interface Props {
  rows: EditRow[];
  checks: RowValidation[];
  defaultModel: string;
}

type Editing = { key: number; field: Field; draft: string };

export function BatchEditor({ rows, checks, defaultModel }: Props) {
  const models = useSettingsStore((s) => s.models);
  const { setCell, addRow, duplicateRow, deleteRow, undo, redo } = useEditorStore.getState();
  const canUndo = useEditorStore((s) => s.past.length > 0);
  const canRedo = useEditorStore((s) => s.future.length > 0);
  const [active, setActive] = useState({ r: 0, c: 1 });
  const [editing, setEditing] = useState<Editing | null>(null);
  const gridId = useId();
  const scrollRef = useRef<HTMLDivElement>(null);
  const gridRef = useRef<HTMLDivElement>(null);
  const rules = useMemo(() => rulesOf(models), [models]);
  const defaults = useMemo(() => (defaultModel ? { model: defaultModel } : {}), [defaultModel]);

  const virtualizer = useVirtualizer({ count: rows.length, getScrollElement: () => scrollRef.current, estimateSize: () => ROW_HEIGHT, overscan: 8 });

  const r = Math.min(active.r, Math.max(0, rows.length - 1));
  const activeRow = rows[r];
  const activeCheck = checks[r];
  const focusGrid = () => gridRef.current?.focus();
  const moveTo = (nr: number, nc: number) => {
    const row = Math.max(0, Math.min(rows.length - 1, nr));
    setActive({ r: row, c: Math.max(0, Math.min(FIELDS.length - 1, nc)) });
    virtualizer.scrollToIndex(row);
  };
  const startEdit = (row: number, c: number, draft?: string) => {
    const target = rows[row];
    if (!target) return;
    const field = FIELDS[c]!;
    setActive({ r: row, c });
    setEditing({ key: target.key, field, draft: draft ?? cellText(target, field) });
  };
  const finishEdit = (keep: boolean, move?: 'down' | 'right') => {
    if (editing && keep) setCell(editing.key, editing.field, editing.draft);
    setEditing(null);
    if (move === 'down') moveTo(r + 1, active.c);
    if (move === 'right') moveTo(r, active.c + 1);
    focusGrid();
  };
  const addBelow = () => {
    addRow(activeRow?.key);
    moveTo(activeRow ? r + 1 : 0, 1);
    focusGrid();
  };
  /** Buttons act, then hand the keyboard back to the grid. */
  const act = (fn: () => void) => () => {
    fn();
    focusGrid();
  };
  const fix = (row: EditRow, field: Field, value: string) => setCell(row.key, field, value);

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (editing) return;
    const mod = e.ctrlKey || e.metaKey;
    const key = e.key.toLowerCase();
    let handled = true;
    if (mod && key === 'z' && e.shiftKey) redo();
    else if (mod && key === 'z') undo();
    else if (mod && key === 'y') redo();
    else if (mod && key === 'd' && activeRow) duplicateRow(activeRow.key);
    else if (mod && e.key === 'Delete' && activeRow) deleteRow(activeRow.key);
    else if (mod && e.key === 'Enter') addBelow();
    else if (e.key === 'ArrowDown') moveTo(r + 1, active.c);
    else if (e.key === 'ArrowUp') moveTo(r - 1, active.c);
    else if (e.key === 'ArrowRight') moveTo(r, active.c + 1);
    else if (e.key === 'ArrowLeft') moveTo(r, active.c - 1);
    else if (e.key === 'PageDown') moveTo(r + 10, active.c);
    else if (e.key === 'PageUp') moveTo(r - 10, active.c);
    else if (e.key === 'Enter' || e.key === 'F2') startEdit(r, active.c);
    else if ((e.key === 'Delete' || e.key === 'Backspace') && activeRow) setCell(activeRow.key, FIELDS[active.c]!, '');
    else if (e.key.length === 1 && !mod && !e.altKey) startEdit(r, active.c, e.key);
    else handled = false;
    if (handled) e.preventDefault();
  };

  return (
    <div className="editor">
      <div className="controls">
        <button onClick={addBelow} title="Ctrl+Enter">
          Add row
        </button>
        <button disabled={!activeRow} onClick={act(() => activeRow && duplicateRow(activeRow.key))} title="Ctrl+D">
          Duplicate row
        </button>
        <button disabled={!activeRow} onClick={act(() => activeRow && deleteRow(activeRow.key))} title="Ctrl+Delete">
          Delete row
        </button>
        <button disabled={!canUndo} onClick={act(undo)} title="Ctrl+Z">
          Undo
        </button>
        <button disabled={!canRedo} onClick={act(redo)} title="Ctrl+Shift+Z">
          Redo
        </button>
        <span className="muted hint">Arrows move · Enter or typing edits · Esc cancels · Delete empties</span>
      </div>
      <div
        className="grid"
        role="grid"
        aria-label="Rows of the sheet"
        aria-rowcount={rows.length + 1}
        aria-activedescendant={rows.length ? `${gridId}-${r}-${active.c}` : undefined}
        tabIndex={0}
        ref={gridRef}
        onKeyDown={onKeyDown}
        data-testid="editor-grid"
      >
        <div className="grid-row grid-head" role="row">
          <div role="columnheader">#</div>
          {FIELDS.map((f) => (
            <div role="columnheader" key={f}>
              {FIELD_LABELS[f]}
            </div>
          ))}
          <div role="columnheader">Check</div>
        </div>
        <div className="grid-scroll" ref={scrollRef} style={{ height: Math.min(440, rows.length * ROW_HEIGHT + 2) }}>
          <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
            {virtualizer.getVirtualItems().map((item) => {
              const row = rows[item.index]!;
              const check = checks[item.index];
              const bad = new Set(check?.errors.map((e) => e.field));
              const first = check?.errors[0];
              const fixValue = first ? suggestFix(row, first.field, rules, defaults) : undefined;
              return (
                <div
                  key={row.key}
                  role="row"
                  aria-rowindex={item.index + 2}
                  className={`grid-row${check?.valid ? '' : ' invalid'}${item.index === r ? ' current' : ''}`}
                  style={{ transform: `translateY(${item.start}px)`, height: ROW_HEIGHT }}
                  data-testid={`edit-row-${item.index + 1}`}
                >
                  <div role="rowheader" className="num">
                    {item.index + 1}
                  </div>
                  {FIELDS.map((field, c) => {
                    const isActive = item.index === r && c === active.c;
                    const isEditing = editing?.key === row.key && editing.field === field;
                    return (
                      <div
                        key={field}
                        role="gridcell"
                        id={`${gridId}-${item.index}-${c}`}
                        aria-selected={isActive}
                        aria-invalid={bad.has(field) || undefined}
                        className={`cell ${field}${isActive ? ' active' : ''}${bad.has(field) ? ' bad' : ''}`}
                        data-testid={`cell-${item.index + 1}-${field}`}
                        title={cellText(row, field)}
                        onClick={() => {
                          if (isEditing) return;
                          setActive({ r: item.index, c });
                          focusGrid();
                        }}
                        onDoubleClick={() => !isEditing && startEdit(item.index, c)}
                      >
                        {isEditing ? (
                          <CellEditor
                            field={field}
                            row={row}
                            models={models}
                            defaultModel={defaultModel}
                            value={editing.draft}
                            onChange={(draft) => setEditing({ ...editing, draft })}
                            onDone={finishEdit}
                          />
                        ) : (
                          cellText(row, field) || <span className="muted">{field === 'model' && defaultModel ? defaultModel : ''}</span>
                        )}
                      </div>
                    );
                  })}
                  <div role="gridcell" className={`cell check${check?.valid ? ' ok' : ''}`} data-testid="row-check" title={check?.errors.map((e) => e.message).join('\n')}>
                    {check?.valid ? (
                      'ready'
                    ) : (
                      <>
                        <span className="msg">{first?.message}</span>
                        {fixValue !== undefined && first?.field && (FIELDS as readonly string[]).includes(first.field) && (
                          <button className="fix" onClick={act(() => fix(row, first.field as Field, fixValue))}>
                            {fixValue === '' ? 'Clear' : `Use ${fixValue}`}
                          </button>
                        )}
                      </>
                    )}
                  </div>
                </div>
              );
            })}
          </div>
        </div>
      </div>
      {activeRow && activeCheck && (activeCheck.errors.length > 0 || activeCheck.warnings.length > 0) && (
        <div className="row-detail" data-testid="row-detail" aria-live="polite">
          <strong>Row {r + 1}</strong>
          {activeCheck.errors.map((e, i) => (
            <p key={`e${i}`} className="error">
              {e.column ? `${e.column}: ` : ''}
              {e.message}
            </p>
          ))}
          {activeCheck.warnings.map((w, i) => (
            <p key={`w${i}`} className="warn">
              {w.column ? `${w.column}: ` : ''}
              {w.message}
            </p>
          ))}
        </div>
      )}
    </div>
  );
}
