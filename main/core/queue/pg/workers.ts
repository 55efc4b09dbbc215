/** Who works on the studio queue, and who holds which row: the reads behind `status` and the app's queue view. */
import type { JobState } from '../job-states';
import type { LeaseView, WorkerInfo } from '../store-api';
import type { SqlRow } from '../store-records';
import type { Queryable } from './queryable';

export async function listWorkers(q: Queryable): Promise<WorkerInfo[]> {
  const r = await q.query('SELECT * FROM workers ORDER BY started_at, id');
  return (r.rows as SqlRow[]).map((w) => ({
    id: String(w.id),
    host: String(w.host),
    pid: Number(w.pid),
    role: String(w.role),
    startedAt: Number(w.started_at),
    lastSeenAt: Number(w.last_seen),
  }));
}

export async function listLeases(q: Queryable, batchId?: number): Promise<LeaseView[]> {
  const r = await q.query(
    `SELECT r.id, r.batch_id, r.state, r.lease_until, w.id AS worker_id, w.host, w.pid, w.role
     FROM rows r LEFT JOIN workers w ON w.id = r.lease_owner
     WHERE r.lease_token IS NOT NULL ${batchId === undefined ? '' : 'AND r.batch_id = $1'} ORDER BY r.id`,
    batchId === undefined ? [] : [batchId],
  );
  return (r.rows as SqlRow[]).map((x) => ({
    rowId: Number(x.id),
    batchId: Number(x.batch_id),
    state: String(x.state) as JobState,
    worker: x.worker_id === null ? null : { id: String(x.worker_id), host: String(x.host), pid: Number(x.pid), role: String(x.role) },
    leaseUntil: Number(x.lease_until),
  }));
}
