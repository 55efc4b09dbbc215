/** What a row of the running batch shows besides its cells: what can be done about it, its outcome, its problem. */
import { useBatchStore, type RowView } from '../state/batches';
import { duration } from '../state/progress';
import { useSettingsStore } from '../state/settings';
import { withModelNames } from '../format';

export function RowActions({ row, rehearsal }: { row: RowView; rehearsal: boolean }) {
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
export function outcome(r: RowView): string {
  if (r.fileName) return r.fileName;
  if (r.errorMessage) return r.errorMessage;
  if ((r.state === 'queued' || r.state === 'processing') && r.estimateMs) return `${duration(Math.max(0, r.estimateMs - (r.runMs ?? 0)))} left`;
  return '';
}

export function RowDetail({ row, rehearsal }: { row: RowView; rehearsal: boolean }) {
  const models = useSettingsStore((s) => s.models);
  if (row.state === 'in_doubt')
    return (
      <p data-testid="in-doubt-help">
        {rehearsal ? 'The simulator' : 'Venice'} may have charged for this clip; the app will not send it again unless you choose:{' '}
        <strong>Send again</strong> (may charge twice) or <strong>Mark lost</strong>.
      </p>
    );
  if (row.state === 'failed' && !row.suggestedPrompt) return <p>{row.errorMessage ? withModelNames(row.errorMessage, models) : 'It failed; the app gave no reason.'}</p>;
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
