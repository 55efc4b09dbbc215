import { PHASE_LABEL, usd } from '../format';
import { useBatchStore } from '../state/batches';

function counts(c: Record<string, number | undefined>, total: number): string {
  const done = c.done ?? 0;
  const parts = [`${done}/${total} done`];
  const working = (c.submitting ?? 0) + (c.queued ?? 0) + (c.processing ?? 0) + (c.downloading ?? 0) + (c.verifying ?? 0);
  if (working) parts.push(`${working} in progress`);
  if (c.failed) parts.push(`${c.failed} failed`);
  if (c.in_doubt) parts.push(`${c.in_doubt} in doubt`);
  return parts.join(' · ');
}

export function BatchList() {
  const batches = useBatchStore((s) => s.batches);
  const selectedId = useBatchStore((s) => s.selectedId);
  const select = useBatchStore((s) => s.select);
  const act = useBatchStore((s) => s.act);
  const problems = useBatchStore((s) => s.problems);
  if (!batches.length) return <p className="muted">No batches yet. Import a sheet to start one.</p>;
  return (
    <ul className="batches" data-testid="batches">
      {batches.map((b) => (
        <li key={b.id} className={b.id === selectedId ? 'selected' : ''} data-testid={`batch-${b.id}`}>
          <button className="link title" onClick={() => void select(b.id)}>
            {b.name}
          </button>
          {b.rehearsal && <span className="badge rehearsal">Rehearsal</span>}
          <span className={`phase ${b.phase}`} data-testid="batch-phase">
            {PHASE_LABEL[b.phase] ?? b.phase}
          </span>
          <span className="muted">{counts(b.counts, b.total)}</span>
          <span className="muted">
            {b.rehearsal ? `would have cost ${usd(b.spentUsd)}` : `${usd(b.spentUsd)} spent`}
            {b.inDoubtUsd > 0 && ` (+ up to ${usd(b.inDoubtUsd)} in doubt)`}
          </span>
          <span className="spacer" />
          {b.status === 'active' && b.phase === 'running' && <button aria-label={`Pause ${b.name}`} onClick={() => void act('pause', b.id)}>Pause</button>}
          {b.status === 'paused' && <button aria-label={`Resume ${b.name}`} onClick={() => void act('resume', b.id)}>Resume</button>}
          {/* The reason goes on a line of its own under the card's first line, so a long one never pushes the
              Pause/Resume button below the pane's edge. */}
          {b.pauseReason && b.status === 'paused' && <span className="warn reason">{b.pauseReason}</span>}
          {b.waitingReason && b.status === 'active' && (
            <span className="warn reason" data-testid="batch-waiting">
              {b.waitingReason}
            </span>
          )}
          {problems[b.id] && (
            <span className="error problem" role="alert">
              {problems[b.id]}
            </span>
          )}
        </li>
      ))}
    </ul>
  );
}
