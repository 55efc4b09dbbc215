/** A polled job as the poll budget sees it, built the same way from either store's row. */
import type { PollingJob } from './store-api';
import type { SqlRow } from './store-records';

/**
 * `execution_ms` is how long Venice said the job had run at the last poll, and the row's `updated_at` is about when
 * that answer came; before any answer, the time since it was queued stands in. `priors` is the recent estimates of
 * clips like it, newest first: a JSON array from SQLite, an array from PostgreSQL, null once the job has its own.
 */
export function pollingJob(r: SqlRow): PollingJob {
  const now = Number(r.now);
  const elapsedMs =
    r.execution_ms !== null && r.execution_ms !== undefined
      ? Number(r.execution_ms) + Math.max(0, now - Number(r.updated_at))
      : Math.max(0, now - Number(r.queued_at ?? now));
  const priors: unknown = typeof r.priors === 'string' ? JSON.parse(r.priors) : r.priors;
  return {
    rowId: Number(r.id),
    estimateMs: r.avg_execution_ms === null || r.avg_execution_ms === undefined ? null : Number(r.avg_execution_ms),
    elapsedMs,
    recentEstimatesMs: Array.isArray(priors) ? priors.map(Number) : [],
  };
}
