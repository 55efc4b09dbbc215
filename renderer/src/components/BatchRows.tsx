/**
 * The open batch's rows: one compact line each, with what can be done about a row right where it is. Virtualized
 * like the editor's grid: a 10,000-clip batch keeps only the lines in view (and a few either side) in the page, so
 * scrolling stays smooth and opening a row's history re-renders a screenful, not the whole batch. The table keeps
 * real <tr>s (spacer rows stand for what is scrolled away), and each problem line and history is its own measured
 * line, so lines of any height scroll right.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { useMemo, useRef } from 'react';
import { modelName, STATE_LABEL, usd } from '../format';
import { useBatchStore, type RowView } from '../state/batches';
import { useSettingsStore } from '../state/settings';
import { BatchHeader } from './BatchHeader';
import { RowHistoryView } from './RowHistory';
import { outcome, RowActions, RowDetail } from './RowParts';

export const BATCH_ROW_HEIGHT = 28;
const HEAD_HEIGHT = 28;
const COLUMNS = 7;

type Item = { kind: 'row' | 'detail' | 'history'; row: RowView };

const hasDetail = (r: RowView) => r.state === 'in_doubt' || (r.state === 'failed' && r.errorKind !== 'marked_lost');

/** Every line the table can show, in order: a row, then its problem line, then its history when open. */
function linesOf(rows: readonly RowView[], historyRowId: number | undefined): Item[] {
  const out: Item[] = [];
  for (const row of rows) {
    out.push({ kind: 'row', row });
    if (hasDetail(row)) out.push({ kind: 'detail', row });
    if (row.id === historyRowId) out.push({ kind: 'history', row });
  }
  return out;
}

export function BatchRows() {
  const rows = useBatchStore((s) => s.rows);
  const batch = useBatchStore((s) => s.batches.find((b) => b.id === s.selectedId));
  const retryFailed = useBatchStore((s) => s.retryFailed);
  const historyRowId = useBatchStore((s) => s.historyRowId);
  const toggleHistory = useBatchStore((s) => s.toggleHistory);
  const models = useSettingsStore((s) => s.models);
  const scrollRef = useRef<HTMLDivElement>(null);
  const items = useMemo(() => linesOf(rows, historyRowId), [rows, historyRowId]);
  const failed = useMemo(() => rows.filter((r) => r.state === 'failed' && r.errorKind !== 'marked_lost').length, [rows]);
  const virtualizer = useVirtualizer({
    count: items.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: (i) => (items[i]?.kind === 'row' ? BATCH_ROW_HEIGHT : items[i]?.kind === 'detail' ? 40 : 160),
    getItemKey: (i) => `${items[i]?.kind}-${items[i]?.row.id}`,
    paddingStart: HEAD_HEIGHT,
    overscan: 10,
  });
  if (!batch) return null;
  const visible = virtualizer.getVirtualItems();
  const before = Math.max(0, (visible[0]?.start ?? HEAD_HEIGHT) - HEAD_HEIGHT);
  const after = Math.max(0, virtualizer.getTotalSize() - (visible.at(-1)?.end ?? HEAD_HEIGHT));

  const line = (item: Item, index: number) => {
    const r = item.row;
    const common = { 'data-index': index, ref: virtualizer.measureElement, 'aria-rowindex': index + 2 };
    if (item.kind === 'detail')
      return (
        <tr key={`detail-${r.id}`} className="detail" data-testid={`row-${r.row}-detail`} {...common}>
          <td />
          <td colSpan={COLUMNS - 1}>
            <RowDetail row={r} rehearsal={batch.rehearsal} />
          </td>
        </tr>
      );
    if (item.kind === 'history')
      return (
        <tr key={`history-${r.id}`} className="detail history-row" {...common}>
          <td />
          <td colSpan={COLUMNS - 1}>
            <RowHistoryView row={r.row} rehearsal={batch.rehearsal} />
          </td>
        </tr>
      );
    const detail = hasDetail(r);
    return (
      <tr key={`row-${r.id}`} data-testid={`row-${r.row}`} className={detail ? 'has-detail' : ''} {...common}>
        <td className="num">
          <button
            className="disclose"
            aria-expanded={historyRowId === r.id}
            aria-label={`History of row ${r.row}`}
            title="Attempts, errors, cost and files"
            onClick={() => void toggleHistory(r.id)}
          >
            {historyRowId === r.id ? '▾' : '▸'} {r.row}
          </button>
        </td>
        <td className="prompt" title={r.prompt}>
          {r.name ? <strong>{r.name}: </strong> : null}
          {r.prompt}
        </td>
        <td title={r.model}>{modelName(r.model, models)}</td>
        <td>{r.duration}</td>
        <td>{usd(r.quoteUsd)}</td>
        <td className={`state ${r.state}`} data-testid="row-status">
          {STATE_LABEL[r.state] ?? r.state}
          {r.attempts > 1 && <span className="muted"> (try {r.attempts})</span>}
        </td>
        {detail ? (
          <td className="actions">
            <RowActions row={r} rehearsal={batch.rehearsal} />
          </td>
        ) : (
          <td className="outcome" title={outcome(r)}>
            {outcome(r)}
          </td>
        )}
      </tr>
    );
  };

  return (
    <section className="panel" aria-label={`Batch ${batch.name}`}>
      <BatchHeader />
      {failed > 1 && (
        <button onClick={() => void retryFailed()}>
          Retry all {failed} failed rows{batch.rehearsal ? '' : ' (a new charge each, unless only the download failed)'}
        </button>
      )}
      <div className="rows-scroll" ref={scrollRef} data-testid="batch-rows-scroll">
        <table className="rows compact" data-testid="batch-rows" aria-rowcount={items.length + 1} aria-label={`Rows of ${batch.name}`}>
          <thead>
            <tr aria-rowindex={1}>
              <th>#</th>
              <th>Prompt</th>
              <th>Model</th>
              <th>Length</th>
              <th title={batch.rehearsal ? 'What each clip would cost for real: Rehearsal charges nothing' : 'What each clip costs'}>Price</th>
              <th>Status</th>
              <th>Clip, problem or action</th>
            </tr>
          </thead>
          <tbody>
            {before > 0 && (
              <tr className="spacer" aria-hidden="true" style={{ height: before }}>
                <td colSpan={COLUMNS} />
              </tr>
            )}
            {visible.map((v) => line(items[v.index]!, v.index))}
            {after > 0 && (
              <tr className="spacer" aria-hidden="true" style={{ height: after }}>
                <td colSpan={COLUMNS} />
              </tr>
            )}
          </tbody>
        </table>
      </div>
    </section>
  );
}
