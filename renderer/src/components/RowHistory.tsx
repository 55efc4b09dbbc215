/** One row's history, under the row: every attempt (state, cost, run time, file or error) and the row's log. */
import { STATE_LABEL, usd } from '../format';
import { useBatchStore } from '../state/batches';

const time = (ms: number | null): string => (ms === null ? '—' : new Date(ms).toLocaleTimeString());
const secs = (ms: number | null): string | null => (ms === null ? null : ms < 1000 ? 'under 1 s' : `${Math.round(ms / 1000)} s`);

/** Attempt states read like row states, plus the two only attempts have. */
const ATTEMPT_LABEL: Record<string, string> = { ...STATE_LABEL, refused: 'refused', lost: 'marked lost' };

/** What an attempt cost, or in Rehearsal what it would have cost (the simulator charges nothing real). */
export function costText(a: { quoteUsd: number | null; charged: boolean; state: string }, rehearsal: boolean): string {
  const price = usd(a.quoteUsd);
  if (rehearsal) return a.charged ? `would cost ${price}` : a.state === 'in_doubt' ? `${price}, if it was taken` : `${price}, would not be charged`;
  return `${price} ${a.charged ? 'charged' : a.state === 'in_doubt' ? 'maybe charged' : 'not charged'}`;
}

export function RowHistoryView({ row, rehearsal }: { row: number; rehearsal: boolean }) {
  const history = useBatchStore((s) => s.history);
  if (!history) return <p className="muted">Loading the history…</p>;
  return (
    <div className="history" data-testid="row-history" aria-label={`History of row ${row}`}>
      {history.attempts.length === 0 ? (
        <p className="muted">Not sent yet.</p>
      ) : (
        <table className="history-table">
          <thead>
            <tr>
              <th>Try</th>
              <th>Result</th>
              <th>{rehearsal ? 'Cost if real' : 'Cost'}</th>
              <th>Sent</th>
              <th>Finished</th>
              <th>Run time</th>
              <th>File or error</th>
            </tr>
          </thead>
          <tbody>
            {history.attempts.map((a) => (
              <tr key={a.attemptNo}>
                <td>{a.attemptNo}</td>
                <td className={`state ${a.state}`}>{ATTEMPT_LABEL[a.state] ?? a.state}</td>
                <td>{costText(a, rehearsal)}</td>
                <td>{time(a.submittedAt)}</td>
                <td>{time(a.finishedAt)}</td>
                <td>
                  {secs(a.runMs) ?? '—'}
                  {a.estimateMs !== null && <span className="muted"> (Venice expected {secs(a.estimateMs)})</span>}
                </td>
                <td className="history-detail">{a.fileName ?? a.errorMessage ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {history.events.length > 0 && (
        <ol className="history-log">
          {history.events.map((e, i) => (
            <li key={i}>
              <span className="muted">{time(e.at)}</span> {e.message}
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
