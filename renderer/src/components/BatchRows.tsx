/** The open batch's rows: one compact line each, with what can be done about a row right where it is. */
import { Fragment } from 'react';
import { STATE_LABEL, usd } from '../format';
import { useBatchStore, type RowView } from '../state/batches';
import { duration } from '../state/progress';
import { BatchHeader } from './BatchHeader';
import { RowHistoryView } from './RowHistory';

function RowActions({ row, rehearsal }: { row: RowView; rehearsal: boolean }) {
  const retryRows = useBatchStore((s) => s.retryRows);
  const resolve = useBatchStore((s) => s.resolve);
  const useSuggested = useBatchStore((s) => s.useSuggestedPrompt);
  const skipRows = useBatchStore((s) => s.skipRows);
  if (row.state === 'ready' || row.state === 'draft')
    return (
      <button className="small" aria-label={`Skip row ${row.row}: it will not be sent`} onClick={() => void skipRows([row.id])}>
        Skip
      </button>
    );
  if (row.state === 'cancelled')
    return (
      <button className="small" aria-label={`Send row ${row.row} after all`} onClick={() => void retryRows([row.id])}>
        Send after all
      </button>
    );
  if (row.state === 'failed' && row.errorKind !== 'marked_lost')
    return (
      <>
        {row.suggestedPrompt && (
          <>
            <button className="small" aria-label={`Use the suggested prompt for row ${row.row} and send it again`} onClick={() => void useSuggested(row.id)}>
              Use suggested prompt
            </button>{' '}
          </>
        )}
        <button className="small" aria-label={`Retry row ${row.row}`} onClick={() => void retryRows([row.id])}>
          Retry
        </button>
      </>
    );
  if (row.state === 'in_doubt')
    return (
      <>
        <button
          className="small"
          aria-label={`Send row ${row.row} again${rehearsal ? '' : ' (may charge twice)'}`}
          onClick={() => void resolve(row.id, 'resubmit')}
        >
          Send again
        </button>{' '}
        <button className="small" aria-label={`Mark row ${row.row} lost`} onClick={() => void resolve(row.id, 'lost')}>
          Mark lost
        </button>
      </>
    );
  return null;
}

/** What the last column says: the clip, the problem, or how long is left. */
function outcome(r: RowView): string {
  if (r.fileName) return r.fileName;
  if (r.errorMessage) return r.errorMessage;
  if ((r.state === 'queued' || r.state === 'processing') && r.estimateMs) return `${duration(Math.max(0, r.estimateMs - (r.runMs ?? 0)))} left`;
  return '';
}

function RowDetail({ row, rehearsal }: { row: RowView; rehearsal: boolean }) {
  if (row.state === 'in_doubt')
    return (
      <p data-testid="in-doubt-help">
        {rehearsal ? 'The simulator' : 'Venice'} may have charged for this clip; the app will not send it again unless you choose:{' '}
        <strong>Send again</strong> (may charge twice) or <strong>Mark lost</strong>.
      </p>
    );
  if (row.state === 'failed' && !row.suggestedPrompt) return <p>{row.errorMessage ?? 'It failed; the app gave no reason.'}</p>;
  if (row.state === 'failed' && row.suggestedPrompt) {
    const suggested = row.suggestedPrompt;
    return (
      <p>
        {row.errorMessage?.replace(/\.?$/, '.')} Suggested prompt: <q data-testid="suggested-prompt">{suggested}</q>{' '}
        <button className="small" aria-label={`Copy the suggested prompt for row ${row.row}`} onClick={() => void navigator.clipboard?.writeText(suggested)}>
          Copy
        </button>{' '}
        <span className="muted">(Use suggested prompt sends it again with this prompt; Retry keeps yours)</span>
      </p>
    );
  }
  return null;
}

export function BatchRows() {
  const rows = useBatchStore((s) => s.rows);
  const batch = useBatchStore((s) => s.batches.find((b) => b.id === s.selectedId));
  const retryFailed = useBatchStore((s) => s.retryFailed);
  const historyRowId = useBatchStore((s) => s.historyRowId);
  const toggleHistory = useBatchStore((s) => s.toggleHistory);
  if (!batch) return null;
  const failed = rows.filter((r) => r.state === 'failed' && r.errorKind !== 'marked_lost').length;
  return (
    <section className="panel" aria-label={`Batch ${batch.name}`}>
      <BatchHeader />
      {failed > 1 && (
        <button onClick={() => void retryFailed()}>
          Retry all {failed} failed rows{batch.rehearsal ? '' : ' (a new charge each, unless only the download failed)'}
        </button>
      )}
      <table className="rows compact" data-testid="batch-rows">
        <thead>
          <tr>
            <th>#</th>
            <th>Prompt</th>
            <th>Model</th>
            <th>Length</th>
            <th>Price</th>
            <th>Status</th>
            <th>Clip, problem or action</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => {
            const detail = r.state === 'in_doubt' || (r.state === 'failed' && r.errorKind !== 'marked_lost');
            return (
              <Fragment key={r.id}>
                <tr data-testid={`row-${r.row}`} className={detail ? 'has-detail' : ''}>
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
                  <td>{r.model}</td>
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
                {detail && (
                  <tr className="detail" data-testid={`row-${r.row}-detail`}>
                    <td />
                    <td colSpan={6}>
                      <RowDetail row={r} rehearsal={batch.rehearsal} />
                    </td>
                  </tr>
                )}
                {historyRowId === r.id && (
                  <tr className="detail history-row">
                    <td />
                    <td colSpan={6}>
                      <RowHistoryView row={r.row} />
                    </td>
                  </tr>
                )}
              </Fragment>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
