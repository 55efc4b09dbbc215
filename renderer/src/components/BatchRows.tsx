/**
 * The open batch's rows: one compact line each, with what can be done about a row right where it is. Virtualized
 * like the editor's grid: a 10,000-clip batch keeps only the lines in view (and a few either side) in the page, so
 * scrolling stays smooth and opening a row's history re-renders a screenful, not the whole batch. The table keeps
 * real <tr>s (spacer rows stand for what is scrolled away), and each problem line and history is its own measured
 * line, so lines of any height scroll right.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useCallback, useEffect, useMemo, useRef } from 'react';
import { modelName, STATE_LABEL, usd } from '../format';
import { useBatchStore, type RowView } from '../state/batches';
import { useSettingsStore } from '../state/settings';
import { BatchHeader } from './BatchHeader';
import { RowHistoryView } from './RowHistory';
import { outcome, RowActions, RowDetail } from './RowParts';

/** A row's height on screen: 28 px and its 1 px rule (rows are measured; this only guides the estimate). */
export const BATCH_ROW_HEIGHT = 29;
const HEAD_HEIGHT = 29;
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

/**
 * One row of the batch, memoized: scrolling renders only the rows coming into view, and a row changes on screen only
 * when its own view does. Rows have one fixed height, so they are placed without being measured (no layout reads
 * while scrolling); problem lines and histories, whose height varies, are measured.
 */
const BatchRowLine = memo(function BatchRowLine(p: {
  row: RowView;
  index: number;
  open: boolean;
  rehearsal: boolean;
  modelLabel: string;
  onHistory: (rowId: number) => Promise<void>;
}) {
  const r = p.row;
  const detail = hasDetail(r);
  return (
    <tr data-testid={`row-${r.row}`} className={detail ? 'has-detail' : ''} aria-rowindex={p.index + 2} style={{ height: BATCH_ROW_HEIGHT }}>
      <td className="num">
        <button
          className="disclose"
          aria-expanded={p.open}
          aria-label={`History of row ${r.row}`}
          title="Attempts, errors, cost and files"
          onClick={() => void p.onHistory(r.id)}
        >
          {p.open ? '▾' : '▸'} {r.row}
        </button>
      </td>
      <td className="prompt" title={r.prompt}>
        {r.name ? <strong>{r.name}: </strong> : null}
        {r.prompt}
      </td>
      <td title={r.model}>{p.modelLabel}</td>
      <td>{r.duration}</td>
      <td>{usd(r.quoteUsd)}</td>
      <td className={`state ${r.state}`} data-testid="row-status">
        {STATE_LABEL[r.state] ?? r.state}
        {r.attempts > 1 && <span className="muted"> (try {r.attempts})</span>}
      </td>
      {detail ? (
        <td className="actions">
          <RowActions row={r} rehearsal={p.rehearsal} />
        </td>
      ) : (
        <td className="outcome" title={outcome(r)}>
          {outcome(r)}
        </td>
      )}
    </tr>
  );
});

export function BatchRows() {
  const rows = useBatchStore((s) => s.rows);
  const batch = useBatchStore((s) => s.batches.find((b) => b.id === s.selectedId));
  const retryFailed = useBatchStore((s) => s.retryFailed);
  const historyRowId = useBatchStore((s) => s.historyRowId);
  // The history's line joins the table once it has arrived (the row's ▾ says it is on its way): one change of the
  // table's lines per opening, at about its real height, instead of a "loading" line measured and then replaced.
  const history = useBatchStore((s) => (s.history && s.history.rowId === s.historyRowId ? s.history : undefined));
  const shownHistory = history?.rowId;
  const toggleHistory = useBatchStore((s) => s.toggleHistory);
  const models = useSettingsStore((s) => s.models);
  const scrollRef = useRef<HTMLDivElement>(null);
  const items = useMemo(() => linesOf(rows, shownHistory), [rows, shownHistory]);
  const historyHeight = history ? 30 + 22 * (history.attempts.length + 1) + 19 * history.events.length : 160;
  const failed = useMemo(() => rows.filter((r) => r.state === 'failed' && r.errorKind !== 'marked_lost').length, [rows]);
  // Stable callbacks: the virtualizer recomputes every line's place (O(rows)) whenever one of them changes identity.
  const estimateSize = useCallback(
    (i: number) => (items[i]?.kind === 'row' ? BATCH_ROW_HEIGHT : items[i]?.kind === 'detail' ? 40 : historyHeight),
    [items, historyHeight],
  );
  const getItemKey = useCallback((i: number) => `${items[i]?.kind}-${items[i]?.row.id}`, [items]);
  const getScrollElement = useCallback(() => scrollRef.current, []);
  const virtualizer = useVirtualizer({
    count: items.length,
    getScrollElement,
    estimateSize,
    getItemKey,
    paddingStart: HEAD_HEIGHT,
    overscan: 10,
  });
  // Another batch opens at its first row, not where the last one was scrolled to.
  const batchId = batch?.id;
  useEffect(() => {
    if (scrollRef.current) scrollRef.current.scrollTop = 0;
  }, [batchId]);
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
    return (
      <BatchRowLine
        key={`row-${r.id}`}
        row={r}
        index={index}
        open={historyRowId === r.id}
        rehearsal={batch.rehearsal}
        modelLabel={modelName(r.model, models)}
        onHistory={toggleHistory}
      />
    );
  };

  return (
    <section className="panel batch-panel" aria-label={`Batch ${batch.name}`}>
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
