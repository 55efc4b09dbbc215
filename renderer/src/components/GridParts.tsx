/** Small pieces of the editor grid: a row's price cell and the grip a row is dragged by. */
import { useSortable } from '@dnd-kit/sortable';
import { CSS } from '@dnd-kit/utilities';
import type { RowPrice } from '../editor/quotes';
import { usd } from '../format';

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
