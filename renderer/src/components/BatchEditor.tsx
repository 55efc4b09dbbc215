/**
 * The imported sheet as an editable, virtualized grid: only the rows in view are in the DOM, every cell is checked
 * live against the chosen model, and everything works from the keyboard (arrows, Enter/F2 or typing to edit,
 * Enter/Tab to keep, Escape to cancel, Delete to empty a cell, Ctrl+Z / Ctrl+Shift+Z, Ctrl+Enter add).
 * Rows can be selected (click, Shift+click, Ctrl/Cmd+click, Shift+Up/Down, Ctrl/Cmd+A) and then filled down
 * (Ctrl+D), duplicated (Ctrl+Shift+D), deleted (Ctrl+Delete) or moved (Alt+Up/Down, or by the drag handle);
 * each is one undo step. The grid has one keyboard listener; only the rows in view have click handlers.
 */
import { DndContext, KeyboardSensor, PointerSensor, closestCenter, useSensor, useSensors, type DragEndEvent, type UniqueIdentifier } from '@dnd-kit/core';
import { SortableContext, sortableKeyboardCoordinates, verticalListSortingStrategy } from '@dnd-kit/sortable';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useId, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { BatchDefaults, RowValidation } from '../editor/sheet';
import { clickSelect, EMPTY_SELECTION, selectAll, targetKeys, type Selection } from '../editor/selection';
import { cellText, FIELD_LABELS, FIELDS, rowTitle, rulesOf, type EditRow, type Field } from '../editor/rows';
import type { LiveQuote } from '../editor/live-quote';
import { dragInstructions, namedAnnouncements } from '../editor/dnd-announcements';
import { useEditorStore } from '../state/editor';
import { useImportStore } from '../state/importer';
import { useSettingsStore } from '../state/settings';
import { EditorRow, ROW_HEIGHT, type RowHandlers } from './EditorRow';
import { EditorTotal, KeyHints, RowProblems } from './GridParts';


interface Props {
  rows: EditRow[];
  /** A row's check, or undefined while it waits its turn (a big sheet is checked in slices). */
  checks: ReadonlyArray<RowValidation | undefined>;
  /** The sheet's one live quote (useLiveQuote): the Price column and the total read it. */
  quote: LiveQuote;
  /** The batch defaults empty cells stand for. Without it, the import's own (state/importer.ts). */
  defaults?: BatchDefaults;
}

type Editing = { key: number; field: Field; draft: string };


export function BatchEditor({ rows, checks, quote, defaults: given }: Props) {
  const models = useSettingsStore((s) => s.models);
  const { setCell, addRow, undo, redo, fillDown, deleteRows, duplicateRows, moveRows, moveRowsTo } = useEditorStore.getState();
  const [selection, setSelection] = useState<Selection>(EMPTY_SELECTION);
  const total = quote.total;
  const sensors = useSensors(useSensor(PointerSensor, { activationConstraint: { distance: 4 } }), useSensor(KeyboardSensor, { coordinateGetter: sortableKeyboardCoordinates }));
  const rowKeys = useMemo(() => rows.map((row) => row.key), [rows]);
  const canUndo = useEditorStore((s) => s.past.length > 0);
  const canRedo = useEditorStore((s) => s.future.length > 0);
  const [active, setActive] = useState({ r: 0, c: 1 });
  const [editing, setEditing] = useState<Editing | null>(null);
  const gridId = useId();
  const scrollRef = useRef<HTMLDivElement>(null);
  const gridRef = useRef<HTMLDivElement>(null);
  const rules = useMemo(() => rulesOf(models), [models]);
  const importDefaults = useImportStore((s) => s.defaults);
  const defaults = given ?? importDefaults;
  const defaultModel = defaults.model ?? '';

  /** Rows as a screen reader hears them while one is dragged: by number and name, never by internal key. */
  const a11y = useMemo(() => {
    const nameOf = (id: UniqueIdentifier) => {
      const i = rows.findIndex((row) => row.key === Number(id));
      return i < 0 ? 'a row' : rowTitle(rows[i]!, i);
    };
    return { announcements: namedAnnouncements(nameOf), screenReaderInstructions: dragInstructions('row'), container: document.body };
  }, [rows]);

  const virtualizer = useVirtualizer({ count: rows.length, getScrollElement: () => scrollRef.current, estimateSize: () => ROW_HEIGHT, overscan: 8 });

  const r = Math.min(active.r, Math.max(0, rows.length - 1));
  const activeRow = rows[r];
  const activeCheck = checks[r];
  const focusGrid = () => gridRef.current?.focus();
  const moveTo = (nr: number, nc: number, keepSelection = false) => {
    const row = Math.max(0, Math.min(rows.length - 1, nr));
    setActive({ r: row, c: Math.max(0, Math.min(FIELDS.length - 1, nc)) });
    if (!keepSelection) setSelection(EMPTY_SELECTION);
    virtualizer.scrollToIndex(row);
  };
  /** The rows a selection command acts on: the selection, or the active row alone. */
  const targets = () => targetKeys(selection, activeRow?.key);
  const isSelected = (key: number) => (selection.keys.size > 0 ? selection.keys.has(key) : key === activeRow?.key);
  const extendTo = (nr: number) => {
    const row = Math.max(0, Math.min(rows.length - 1, nr));
    const base = selection.anchor === undefined ? { keys: new Set<number>(), anchor: activeRow?.key } : selection;
    setSelection(clickSelect(rows, base, row, { shift: true }));
    moveTo(row, active.c, true);
  };
  /** Moves the selected rows one place; the active cell follows its row. */
  const moveSelection = (delta: -1 | 1) => {
    const keys = targets();
    if (selection.keys.size === 0 && activeRow) setSelection({ keys, anchor: activeRow.key });
    moveRows(keys, delta);
    const now = useEditorStore.getState().rows.findIndex((row) => row.key === activeRow?.key);
    if (now >= 0) moveTo(now, active.c, true);
  };
  const duplicateSelection = () => {
    const added = duplicateRows(targets());
    if (added.length) setSelection({ keys: new Set(added), anchor: added[0] });
  };
  const deleteSelection = () => {
    deleteRows(targets());
    setSelection(EMPTY_SELECTION);
  };
  const onDragEnd = (e: DragEndEvent) => {
    const from = Number(e.active.id);
    if (!e.over) return;
    const keys = selection.keys.has(from) ? selection.keys : new Set([from]);
    moveRowsTo(keys, Number(e.over.id));
    const now = useEditorStore.getState().rows.findIndex((row) => row.key === from);
    if (now >= 0) setActive({ r: now, c: active.c });
    focusGrid();
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

  // What a row does when clicked or edited, read at call time: the rows get one stable object (see EditorRow).
  const live = useRef<RowHandlers>(null!);
  live.current = {
    headerClick: (index, e) => {
      setSelection(clickSelect(rows, selection, index, { shift: e.shiftKey, toggle: e.ctrlKey || e.metaKey }));
      setActive({ r: index, c: active.c });
      focusGrid();
    },
    cellClick: (index, c, e) => {
      const toggle = e.ctrlKey || e.metaKey;
      const base = selection.anchor === undefined ? { keys: new Set(activeRow ? [activeRow.key] : []), anchor: activeRow?.key } : selection;
      if (e.shiftKey || toggle) setSelection(clickSelect(rows, base, index, { shift: e.shiftKey, toggle }));
      else setSelection(EMPTY_SELECTION);
      setActive({ r: index, c });
      focusGrid();
    },
    cellDoubleClick: (index, c) => startEdit(index, c),
    editChange: (draft) => setEditing((ed) => (ed ? { ...ed, draft } : ed)),
    editDone: finishEdit,
    fix: (row, field, value) => act(() => fix(row, field, value))(),
  };
  const handlers = useMemo<RowHandlers>(
    () => ({
      headerClick: (...a) => live.current.headerClick(...a),
      cellClick: (...a) => live.current.cellClick(...a),
      cellDoubleClick: (...a) => live.current.cellDoubleClick(...a),
      editChange: (...a) => live.current.editChange(...a),
      editDone: (...a) => live.current.editDone(...a),
      fix: (...a) => live.current.fix(...a),
    }),
    [],
  );

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (editing) return;
    // Keys on a drag handle belong to the drag (Space picks the row up, arrows move it, Escape puts it back).
    if ((e.target as HTMLElement).closest?.('.drag-handle')) return;
    const mod = e.ctrlKey || e.metaKey;
    const key = e.key.toLowerCase();
    let handled = true;
    if (mod && key === 'z' && e.shiftKey) redo();
    else if (mod && key === 'z') undo();
    else if (mod && key === 'y') redo();
    else if (mod && key === 'a') setSelection(selectAll(rows));
    else if (mod && key === 'd' && e.shiftKey && activeRow) duplicateSelection();
    // Ctrl+D fills down a selection of two or more rows; on one row it duplicates it (there is nothing below to fill).
    else if (mod && key === 'd' && activeRow && selection.keys.size > 1) fillDown(selection.keys, FIELDS[active.c]!);
    else if (mod && key === 'd' && activeRow) duplicateSelection();
    else if (mod && (e.key === 'Delete' || e.key === 'Backspace') && activeRow) deleteSelection();
    else if (mod && e.key === 'Enter') addBelow();
    else if (e.altKey && e.key === 'ArrowUp') moveSelection(-1);
    else if (e.altKey && e.key === 'ArrowDown') moveSelection(1);
    else if (e.shiftKey && e.key === 'ArrowUp') extendTo(r - 1);
    else if (e.shiftKey && e.key === 'ArrowDown') extendTo(r + 1);
    else if (e.key === 'Escape' && selection.keys.size > 0) setSelection(EMPTY_SELECTION);
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
        <button disabled={!activeRow} onClick={act(duplicateSelection)} title="Ctrl+Shift+D">
          {selection.keys.size > 1 ? `Duplicate ${selection.keys.size} rows` : 'Duplicate row'}
        </button>
        <button disabled={!activeRow} onClick={act(deleteSelection)} title="Ctrl+Delete">
          {selection.keys.size > 1 ? `Delete ${selection.keys.size} rows` : 'Delete row'}
        </button>
        <button disabled={selection.keys.size < 2} onClick={act(() => fillDown(selection.keys, FIELDS[active.c]!))} title="Ctrl+D" data-testid="fill-down">
          Fill down {FIELD_LABELS[FIELDS[active.c]!]}
        </button>
        <button disabled={!canUndo} onClick={act(undo)} title="Ctrl+Z">
          Undo
        </button>
        <button disabled={!canRedo} onClick={act(redo)} title="Ctrl+Shift+Z">
          Redo
        </button>
        <EditorTotal total={total} />
        <KeyHints />
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
          <div role="columnheader">Price</div>
          <div role="columnheader">Check</div>
        </div>
        {/* The live region and instructions dnd-kit adds go to the body: a grid may hold only rows. */}
        <DndContext sensors={sensors} collisionDetection={closestCenter} onDragEnd={onDragEnd} accessibility={a11y}>
        <SortableContext items={rowKeys} strategy={verticalListSortingStrategy}>
        <div className="grid-scroll" ref={scrollRef} style={{ height: Math.min(440, rows.length * ROW_HEIGHT + 2) }}>
          <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
            {virtualizer.getVirtualItems().map((item) => {
              const row = rows[item.index]!;
              const current = item.index === r;
              return (
                <EditorRow
                  key={row.key}
                  row={row}
                  check={checks[item.index]}
                  index={item.index}
                  start={item.start}
                  activeCol={current ? active.c : -1}
                  editing={editing?.key === row.key ? editing : null}
                  selected={selection.keys.has(row.key)}
                  ariaSelected={isSelected(row.key)}
                  price={quote.priceOf(checks[item.index])}
                  rules={rules}
                  defaults={defaults}
                  models={models}
                  defaultModel={defaultModel}
                  gridId={gridId}
                  on={handlers}
                />
              );
            })}
          </div>
        </div>
        </SortableContext>
        </DndContext>
      </div>
      {activeRow && activeCheck && <RowProblems index={r} check={activeCheck} models={models} />}
    </div>
  );
}
