/** Small pieces of the editor grid: a row's price and check cells, its problems in full, the grip it is dragged by. */
import { useSortable } from '@dnd-kit/sortable';
import { CSS } from '@dnd-kit/utilities';
import type { RowPrice } from '../editor/quotes';
import { FIELDS, type Field, type ModelView } from '../editor/rows';
import type { RowValidation } from '../editor/sheet';
import { usd, withModelNames } from '../format';

/** "ready", or the row's first problem with a one-click fix when there is an obvious one. */
export function CheckCell(p: { check: RowValidation | undefined; models: readonly ModelView[]; fixValue: string | undefined; onFix: (field: Field, value: string) => void }) {
  const first = p.check?.errors[0];
  const field = first?.field;
  const fixable = p.fixValue !== undefined && field && (FIELDS as readonly string[]).includes(field);
  return (
    <div role="gridcell" className={`cell check${p.check?.valid ? ' ok' : ''}`} data-testid="row-check" title={p.check?.errors.map((e) => withModelNames(e.message, p.models)).join('\n')}>
      {!p.check ? (
        <span className="muted">checking…</span>
      ) : p.check.valid ? (
        'ready'
      ) : (
        <>
          <span className="msg">{first && withModelNames(first.message, p.models)}</span>
          {fixable && (
            <button className="fix" onClick={() => p.onFix(field as Field, p.fixValue!)}>
              {p.fixValue === '' ? 'Clear' : `Use ${p.fixValue}`}
            </button>
          )}
        </>
      )}
    </div>
  );
}

/** Every problem and warning of the active row, under the grid, in full. */
export function RowProblems({ index, check, models }: { index: number; check: RowValidation; models: readonly ModelView[] }) {
  if (check.errors.length === 0 && check.warnings.length === 0) return null;
  return (
    <div className="row-detail" data-testid="row-detail" aria-live="polite">
      <strong>Row {index + 1}</strong>
      {check.errors.map((e, i) => (
        <p key={`e${i}`} className="error">
          {e.column ? `${e.column}: ` : ''}
          {withModelNames(e.message, models)}
        </p>
      ))}
      {check.warnings.map((w, i) => (
        <p key={`w${i}`} className="warn">
          {w.column ? `${w.column}: ` : ''}
          {withModelNames(w.message, models)}
        </p>
      ))}
    </div>
  );
}

/** A row's price for all its takes (the tooltip says per take), or why there is none. */
export function PriceCell({ price }: { price: RowPrice }) {
  const text = price.kind === 'price' ? usd(price.usd) : price.kind === 'pending' ? '…' : price.kind === 'problem' ? 'no price' : '—';
  const title =
    price.kind === 'problem'
      ? price.message
      : price.kind === 'invalid'
        ? 'Priced once the row is ready'
        : price.kind === 'pending'
          ? 'Asking Venice for the price'
          : price.takes === 1
            ? 'One take'
            : `${price.takes} takes × ${usd(price.each)}`;
  return (
    <div role="gridcell" className={`cell price${price.kind === 'problem' ? ' warn' : ''}`} title={title} data-testid="row-price">
      {text}
    </div>
  );
}

/** The grip a row is dragged by (dnd-kit); only the rows in view have one. */
export function DragHandle({ rowKey, label }: { rowKey: number; label: string }) {
  const { attributes, listeners, setNodeRef, transform, isDragging } = useSortable({ id: rowKey });
  return (
    <span
      ref={setNodeRef}
      className={`drag-handle${isDragging ? ' dragging' : ''}`}
      style={{ transform: CSS.Translate.toString(transform) }}
      aria-label={`Move ${label}`}
      data-testid="drag-handle"
      {...attributes}
      {...listeners}
    >
      ⠿
    </span>
  );
}

/** The sheet's total from the live quote: every take of every ready row, at Venice's current prices. */
export function EditorTotal({ total }: { total: { usd: number; complete: boolean } }) {
  return (
    <span className="muted" data-testid="editor-total" title="Every take of every ready row, at Venice's current prices">
      {total.usd > 0 || total.complete ? `Total ${usd(total.usd)}${total.complete ? '' : ' so far'}` : 'Pricing…'}
    </span>
  );
}

export function KeyHints() {
  return (
    <span className="muted hint" data-testid="editor-keys">
      Arrows move · Enter or typing edits · Esc cancels · Delete empties · Shift+click or Shift+↑↓ selects rows, Ctrl/⌘+click adds one, Ctrl/⌘+A all ·
      Ctrl/⌘+D fills down · Alt+↑↓ or drag ⠿ moves rows · Ctrl/⌘+Z undoes
    </span>
  );
}
