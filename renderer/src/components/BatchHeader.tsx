/** The open batch while it runs: progress bar, counts per state, spend, balance, ETA, and Pause / Resume / Cancel. */
import { memo, useState } from 'react';
import { PHASE_LABEL, usd } from '../format';
import { downloadText } from '../editor/download';
import { unwrap } from '../bridge';
import { reportError, useAppStore } from '../state/app';
import { bridge } from '../state/bridge';
import { useBatchStore } from '../state/batches';
import { batchProgress, duration } from '../state/progress';
import { SpendCap } from './SpendCap';

/** Memoized: it reads the stores itself, so the table scrolling under it does not render it again. */
export const BatchHeader = memo(function BatchHeader() {
  const batch = useBatchStore((s) => s.batches.find((b) => b.id === s.selectedId));
  const rows = useBatchStore((s) => s.rows);
  const act = useBatchStore((s) => s.act);
  const balance = useAppStore((s) => s.balance);
  const [confirmCancel, setConfirmCancel] = useState(false);
  const [exporting, setExporting] = useState(false);
  const [editingCap, setEditingCap] = useState(false);
  const problem = useBatchStore((s) => (batch ? s.problems[batch.id] : undefined));
  if (!batch) return null;
  const resume = async () => {
    await act('resume', batch.id);
    // Refused at the cap: the cap is right there to raise.
    if (useBatchStore.getState().problems[batch.id]) setEditingCap(true);
  };
  const exportResults = async () => {
    setExporting(true);
    try {
      const { fileName, csv } = unwrap(await bridge.batch.resultsSheet({ batchId: batch.id }));
      downloadText(fileName, csv);
    } catch (e) {
      reportError(e);
    } finally {
      setExporting(false);
    }
  };
  const p = batchProgress(batch, rows, Date.now());
  const parts = [
    p.working && `${p.working} in progress`,
    p.waiting && `${p.waiting} waiting`,
    p.failed && `${p.failed} failed`,
    p.inDoubt && `${p.inDoubt} in doubt`,
    p.cancelled && `${p.cancelled} cancelled`,
  ].filter(Boolean);
  const canPause = batch.status === 'active' && batch.phase === 'running';
  const canCancel = batch.status !== 'cancelled' && batch.phase !== 'finished';
  return (
    <div className="batch-header" data-testid="batch-header">
      <div className="batch-title">
        <h2>{batch.name}</h2>
        {batch.rehearsal && <span className="badge rehearsal">Rehearsal</span>}
        <span className={`phase ${batch.phase}`} data-testid="batch-header-phase">
          {PHASE_LABEL[batch.phase] ?? batch.phase}
        </span>
        <span className="muted folder" title={batch.outputDir}>
          → {batch.outputDir}
        </span>
        <span className="spacer" />
        <button
          onClick={() => void exportResults()}
          disabled={exporting}
          title="A spreadsheet of every row: its prompt, status, cost, file and queue id"
          data-testid="export-results"
        >
          {exporting ? 'Exporting…' : 'Export results'}
        </button>
        {canPause && <button onClick={() => void act('pause', batch.id)}>Pause</button>}
        {batch.status === 'paused' && (
          <button onClick={() => void resume()} aria-describedby={problem ? `resume-problem-${batch.id}` : undefined}>
            Resume
          </button>
        )}
        {canCancel && !confirmCancel && (
          <button aria-label={`Cancel batch ${batch.name}`} onClick={() => setConfirmCancel(true)}>
            Cancel…
          </button>
        )}
      </div>
      <div
        className="progress"
        role="progressbar"
        aria-label={`${batch.name}: clips done`}
        aria-valuemin={0}
        aria-valuemax={p.total}
        aria-valuenow={p.done}
        aria-valuetext={`${p.done} of ${p.total} clips done`}
      >
        <div className="progress-done" style={{ width: `${p.percent}%` }} />
      </div>
      <div className="batch-stats" data-testid="batch-stats">
        <strong data-testid="batch-done">
          {p.done}/{p.total} done
        </strong>
        {parts.length > 0 && <span>{parts.join(' · ')}</span>}
        <span data-testid="batch-spend">
          {batch.rehearsal
            ? `would have cost ${usd(batch.spentUsd)} of ${usd(batch.quotedUsd)} quoted (Rehearsal: nothing is charged)`
            : `${usd(batch.spentUsd)} spent of ${usd(batch.quotedUsd)} quoted`}
          {batch.inDoubtUsd > 0 && <span className="warn"> (+ up to {usd(batch.inDoubtUsd)} in doubt)</span>}
        </span>
        {batch.status !== 'cancelled' && batch.phase !== 'finished' && <SpendCap batch={batch} editing={editingCap} setEditing={setEditingCap} />}
        {balance && balance.rehearsal === batch.rehearsal && (
          <span className="muted">
            {balance.rehearsal ? 'Rehearsal balance' : 'Balance'} {usd(balance.balanceUsd)}
          </span>
        )}
        {p.etaMs !== null && (
          <span data-testid="batch-eta" title={p.etaFrom === 'venice' ? "From Venice's own run-time estimates" : 'From the pace so far'}>
            {duration(p.etaMs)} left
          </span>
        )}
        {/* A refused resume says more than the pause reason (and says it once). */}
        {batch.pauseReason && batch.status === 'paused' && !problem && <span className="warn">{batch.pauseReason}</span>}
        {batch.waitingReason && batch.status === 'active' && <span className="warn" data-testid="batch-header-waiting">{batch.waitingReason}</span>}
      </div>
      {problem && (
        <p className="error" role="alert" id={`resume-problem-${batch.id}`} data-testid="resume-problem">
          {problem}
        </p>
      )}
      {confirmCancel && (
        <div className="confirm-box" role="alertdialog" aria-label="Cancel this batch?">
          <p>
            Cancel <strong>{batch.name}</strong>? Rows not yet sent will not be sent; clips already paid for still download.
          </p>
          <button className="danger" autoFocus onClick={() => void act('cancel', batch.id).then(() => setConfirmCancel(false))}>
            Cancel the batch
          </button>{' '}
          <button onClick={() => setConfirmCancel(false)}>Keep it running</button>
        </div>
      )}
    </div>
  );
});
