/**
 * Where a running batch stands, in numbers the header shows: done/total, rows per plain state, and an ETA. Pure
 * functions of the views (no bridge, no clock of their own) so they are tested in plain Node.
 */
import type { CallOutput } from '../../../main/contract';

type BatchView = CallOutput<'batch:get'>['batch'];
type RowView = CallOutput<'batch:get'>['rows'][number];

export interface BatchProgress {
  total: number;
  done: number;
  working: number;
  waiting: number;
  failed: number;
  inDoubt: number;
  cancelled: number;
  /** 0..100, of rows done. */
  percent: number;
  /** Milliseconds until every row still to run should be done, or null when there is nothing to go on. */
  etaMs: number | null;
  /** Where the ETA comes from, said in the header. */
  etaFrom: 'venice' | 'pace' | null;
}

const WORKING = ['submitting', 'queued', 'processing', 'downloading', 'verifying'] as const;

export function batchProgress(batch: BatchView, rows: readonly RowView[], now: number): BatchProgress {
  const c = batch.counts;
  const total = batch.total;
  const done = c.done ?? 0;
  const working = WORKING.reduce((n, s) => n + (c[s] ?? 0), 0);
  const waiting = (c.ready ?? 0) + (c.draft ?? 0);
  const failed = c.failed ?? 0;
  const inDoubt = c.in_doubt ?? 0;
  const cancelled = c.cancelled ?? 0;
  const percent = total ? Math.round((done / total) * 100) : 0;
  const toGo = working + (batch.status === 'cancelled' ? 0 : waiting);
  let etaMs: number | null = null;
  let etaFrom: BatchProgress['etaFrom'] = null;
  if (toGo > 0 && batch.phase === 'running') {
    // Venice's own estimates of the jobs in flight: what is left of the longest one, then the rows still waiting
    // at the average estimate, `concurrency` at a time.
    const estimates = rows.filter((r) => r.estimateMs !== null && r.estimateMs > 0);
    if (estimates.length) {
      const avg = estimates.reduce((n, r) => n + (r.estimateMs ?? 0), 0) / estimates.length;
      const inFlight = rows.filter((r) => (r.state === 'queued' || r.state === 'processing') && r.estimateMs !== null);
      const left = inFlight.reduce((m, r) => Math.max(m, (r.estimateMs ?? 0) - (r.runMs ?? 0)), 0);
      const rounds = Math.ceil((batch.status === 'cancelled' ? 0 : waiting) / Math.max(1, batch.concurrency));
      etaMs = Math.max(0, left) + rounds * avg;
      etaFrom = 'venice';
    } else if (done > 0) {
      const perRow = Math.max(0, now - batch.createdAt) / done;
      etaMs = perRow * toGo;
      etaFrom = 'pace';
    }
  }
  return { total, done, working, waiting, failed, inDoubt, cancelled, percent, etaMs, etaFrom };
}

/** "about 3 min", "under a minute", "about 1 h 20 min". */
export function duration(ms: number): string {
  const min = Math.round(ms / 60_000);
  if (min < 1) return 'under a minute';
  if (min < 60) return `about ${min} min`;
  const h = Math.floor(min / 60);
  const m = min % 60;
  return `about ${h} h${m ? ` ${m} min` : ''}`;
}

/**
 * The fetched rows (or batches), each replaced by the copy already held when that copy is newer (it came from an
 * event while the answer was on its way). A late answer must not put back a batch's old state: its notices are
 * pruned by that state, and a paused batch seen as active for a moment lost its "paused" notice for good.
 */
export function newerOf<T extends { id: number; updatedAt: number }>(fetched: T[], held: readonly T[]): T[] {
  const byId = new Map(held.map((r) => [r.id, r]));
  return fetched.map((r) => {
    const h = byId.get(r.id);
    return h && h.updatedAt > r.updatedAt ? h : r;
  });
}
