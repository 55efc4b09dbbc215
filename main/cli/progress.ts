/**
 * The live progress line of `run`: counts, spend and an ETA. On a terminal it redraws one line; in a log (CI, a
 * render box) it prints a line when something changes, at most every few seconds.
 */
import type { JobState } from '../core/queue/job-states';
import type { QueueOps } from '../core/queue/store-api';
import { bar, duration, usd } from './format';

export interface ProgressSnapshot {
  total: number;
  counts: Partial<Record<JobState, number>>;
  spentUsd: number;
  inDoubtUsd: number;
}

export async function snapshot(store: QueueOps, batchId: number): Promise<ProgressSnapshot> {
  const counts = await store.countByState(batchId);
  const total = Object.values(counts).reduce((a, b) => a + (b ?? 0), 0);
  const { chargedUsd, inDoubtUsd } = await store.spend(batchId);
  return { total, counts, spentUsd: chargedUsd, inDoubtUsd };
}

/** ETA from the pace so far: finished rows per elapsed time, applied to what is left. */
export function etaMs(s: ProgressSnapshot, elapsedMs: number, finishedAtStart: number): number | undefined {
  const finished = (s.counts.done ?? 0) + (s.counts.failed ?? 0);
  const progressed = finished - finishedAtStart;
  const left = s.total - finished - (s.counts.in_doubt ?? 0) - (s.counts.cancelled ?? 0);
  if (progressed <= 0 || left <= 0) return undefined;
  return (elapsedMs / progressed) * left;
}

export function progressLine(s: ProgressSnapshot, eta: number | undefined, rehearsal: boolean): string {
  const c = s.counts;
  const done = c.done ?? 0;
  const working = (c.queued ?? 0) + (c.processing ?? 0) + (c.submitting ?? 0);
  const fetching = (c.downloading ?? 0) + (c.verifying ?? 0);
  const parts = [`${bar(s.total ? done / s.total : 0)} ${done}/${s.total} done`];
  if (working) parts.push(`${working} generating`);
  if (fetching) parts.push(`${fetching} downloading`);
  if (c.ready) parts.push(`${c.ready} waiting`);
  if (c.failed) parts.push(`${c.failed} failed`);
  if (c.in_doubt) parts.push(`${c.in_doubt} in doubt`);
  parts.push(`${usd(s.spentUsd)} ${rehearsal ? 'rehearsed' : 'spent'}`);
  if (eta !== undefined) parts.push(`ETA ${duration(eta)}`);
  return parts.join(' · ');
}
