/**
 * QueueOps over today's synchronous QueueStore. Each call runs through `run`: the adapter's lock for calls on the
 * store itself, or directly for calls on a transaction handle (which already holds the lock). The lock matters:
 * node:sqlite has one connection, so without it a statement of one async flow could land inside another flow's
 * open transaction and be rolled back with it.
 */
import type { HoldCause } from '../hold-store';
import type { JobState } from '../job-states';
import type { QueueStore } from '../store';
import { pollingJob } from '../polling-job';
import { PRIOR_SAMPLE } from '../poll-prior';
import { LeaseLostError, RowStateError, type PollingJob, type QueueTx, type WriteGuard } from '../store-api';
import { toAttempt, type AttemptPatch, type RowPatch, type SqlRow } from '../store-records';
import type { AttemptRecord, BatchRecord, BatchStatus, RowEvent, RowParams, RowRecord } from '../types';
import type { LeaseBook } from './lease-book';

export type Runner = <T>(fn: () => T) => Promise<T>;

/**
 * The newest estimates Venice gave for one kind of clip (model, length, resolution: SQL expressions), newest first:
 * what a first poll rests on (poll-prior.ts), for one job or for every kind being polled (as pg-ops).
 */
const recentOfKind = (model: string, duration: string, resolution: string, limit: string) =>
  `SELECT a.id, a.avg_execution_ms AS ms FROM attempts a JOIN rows r ON r.id = a.row_id
   WHERE a.model = ${model} AND a.avg_execution_ms IS NOT NULL
     AND json_extract(r.params_json, '$.duration') = ${duration} AND COALESCE(json_extract(r.params_json, '$.resolution'), '') = ${resolution}
   ORDER BY a.id DESC LIMIT ${limit}`;

export class SqliteOps implements QueueTx {
  constructor(
    protected readonly store: QueueStore,
    protected readonly leases: LeaseBook,
    protected readonly run: Runner,
    protected readonly clock: () => number,
  ) {}

  /** Throws LeaseLostError unless the row is held under the guard's lease. */
  protected assertHeld(guard: WriteGuard | undefined): void {
    if (guard && !this.leases.matches(guard.lease)) throw new LeaseLostError(guard.lease.rowId);
  }

  getBatch(id: number): Promise<BatchRecord | undefined> {
    return this.run(() => this.store.getBatch(id));
  }

  listBatches(): Promise<BatchRecord[]> {
    return this.run(() => this.store.listBatches());
  }

  findBatchBySource(sourceHash: string, outputDir: string): Promise<BatchRecord | undefined> {
    return this.run(() => this.store.findBatchBySource(sourceHash, outputDir));
  }

  setBatchStatus(id: number, status: BatchStatus, reason: string | null = null, cause: HoldCause = 'user'): Promise<void> {
    return this.run(() => this.store.setBatchStatus(id, status, reason, cause));
  }

  reportSeenAt(batchId: number): Promise<number | null> {
    return this.run(() => this.store.reportSeenAt(batchId));
  }

  markReportSeen(batchId: number, at: number = this.clock()): Promise<void> {
    return this.run(() => this.store.markReportSeen(batchId, at));
  }

  liveBatchIds(): Promise<number[]> {
    return this.run(() => {
      const rows = this.store.db
        .prepare(
          `SELECT r.batch_id AS id FROM rows r JOIN batches b ON b.id = r.batch_id
             WHERE r.state IN ('submitting', 'queued', 'processing', 'downloading', 'verifying') OR (r.state = 'ready' AND b.status = 'active')
           UNION
           SELECT r.batch_id AS id FROM attempts a JOIN rows r ON r.id = a.row_id
             WHERE a.state = 'done' AND a.remote_deleted = 0 AND a.queue_id IS NOT NULL
           ORDER BY id`,
        )
        .all() as Array<{ id: number }>;
      return rows.map((r) => Number(r.id));
    });
  }

  anyRow(batchId: number): Promise<RowRecord | undefined> {
    return this.run(() => this.store.anyRow(batchId));
  }

  wakeRows(batchIds: readonly number[], at: number = this.clock()): Promise<void> {
    return this.run(() => this.store.wakeRows(batchIds, at));
  }

  setBatchSettings(id: number, patch: { concurrency?: number; budgetUsd?: number | null }): Promise<void> {
    return this.run(() => this.store.setBatchSettings(id, patch));
  }

  getRow(id: number): Promise<RowRecord | undefined> {
    return this.run(() => this.store.getRow(id));
  }

  listRows(batchId: number): Promise<RowRecord[]> {
    return this.run(() => this.store.listRows(batchId));
  }

  rowsInStates(states: readonly JobState[], batchId?: number): Promise<RowRecord[]> {
    return this.run(() => this.store.rowsInStates(states, batchId));
  }

  nextDueAt(states: readonly JobState[], batchId?: number): Promise<number | undefined> {
    return this.run(() => this.store.nextDueAt(states, this.clock(), batchId));
  }

  countRows(batchId: number): Promise<number> {
    return this.run(() => this.store.countRows(batchId));
  }

  countByState(batchId: number): Promise<Partial<Record<JobState, number>>> {
    return this.run(() => this.store.countByState(batchId));
  }

  batchTotals(batchId: number): Promise<{ rows: number; quotedUsd: number }> {
    return this.run(() => {
      const r = this.store.db.prepare('SELECT COUNT(*) AS n, COALESCE(SUM(quote_usd), 0) AS q FROM rows WHERE batch_id = ?').get(batchId) as {
        n: number;
        q: number;
      };
      return { rows: Number(r.n), quotedUsd: Number(r.q) };
    });
  }

  transitionRow(rowId: number, from: JobState, to: JobState, patch: RowPatch = {}, guard?: WriteGuard): Promise<void> {
    return this.run(() => {
      this.assertHeld(guard);
      try {
        this.store.transitionRow(rowId, from, to, patch);
      } catch (e) {
        if (/was not in state/.test((e as Error).message)) throw new RowStateError(rowId, from);
        throw e;
      }
      // A guarded write may give the row back; an unguarded one (a person's decision, recovery) overrides any hold.
      if (!guard || guard.release) this.leases.drop(rowId);
    });
  }

  patchRow(rowId: number, patch: RowPatch, guard?: WriteGuard): Promise<void> {
    return this.run(() => {
      this.assertHeld(guard);
      this.store.patchRow(rowId, patch);
      if (guard?.release) this.leases.drop(rowId);
    });
  }

  setRowParams(rowId: number, params: RowParams): Promise<void> {
    return this.run(() => {
      if (this.leases.isHeld(rowId)) throw new Error(`Row ${rowId} cannot be changed in its current state`);
      this.store.setRowParams(rowId, params);
    });
  }

  setRowPosition(rowId: number, position: number): Promise<void> {
    return this.run(() => this.store.setRowPosition(rowId, position));
  }

  getAttempt(id: number): Promise<AttemptRecord | undefined> {
    return this.run(() => this.store.getAttempt(id));
  }

  listAttempts(rowId: number): Promise<AttemptRecord[]> {
    return this.run(() => this.store.listAttempts(rowId));
  }

  countAttempts(rowId: number): Promise<number> {
    return this.run(() => Number((this.store.db.prepare('SELECT COUNT(*) AS n FROM attempts WHERE row_id = ?').get(rowId) as { n: number }).n));
  }

  listBatchAttempts(batchId: number): Promise<AttemptRecord[]> {
    return this.run(() =>
      (this.store.db.prepare('SELECT a.* FROM attempts a JOIN rows r ON r.id = a.row_id WHERE r.batch_id = ? ORDER BY a.row_id, a.attempt_no').all(batchId) as SqlRow[]).map(
        toAttempt,
      ),
    );
  }

  patchAttempt(id: number, patch: AttemptPatch, guard?: WriteGuard): Promise<void> {
    return this.run(() => {
      if (guard) {
        const attempt = this.store.getAttempt(id);
        if (!attempt || attempt.rowId !== guard.lease.rowId) throw new LeaseLostError(guard.lease.rowId);
        this.assertHeld(guard);
      }
      this.store.patchAttempt(id, patch);
    });
  }

  spend(batchId?: number): Promise<{ chargedUsd: number; inDoubtUsd: number }> {
    return this.run(() => this.store.spend(batchId));
  }

  recentEstimatesMs(params: Pick<RowParams, 'model' | 'duration' | 'resolution'>): Promise<number[]> {
    return this.run(() => {
      const rows = this.store.db
        .prepare(recentOfKind('?', '?', '?', '?'))
        .all(params.model, params.duration, params.resolution ?? '', PRIOR_SAMPLE) as Array<{ ms: number }>;
      return rows.map((r) => Number(r.ms));
    });
  }

  pollingJobs(baseUrl: string): Promise<PollingJob[]> {
    // The recent estimates are looked up once per kind of clip among the jobs still without their own (as pg-ops).
    return this.run(() => {
      const rows = this.store.db
        .prepare(
          `WITH polled AS (
             SELECT r.id, a.model, a.avg_execution_ms, a.execution_ms, a.queued_at, r.updated_at,
                    json_extract(r.params_json, '$.duration') AS duration, COALESCE(json_extract(r.params_json, '$.resolution'), '') AS resolution
             FROM rows r JOIN attempts a ON a.id = r.current_attempt_id JOIN batches b ON b.id = r.batch_id
             WHERE r.state IN ('queued', 'processing') AND b.base_url = ?),
           priors AS (
             SELECT k.model, k.duration, k.resolution, (
               SELECT json_group_array(recent.ms ORDER BY recent.id DESC) FROM (${recentOfKind('k.model', 'k.duration', 'k.resolution', '?')}) recent) AS priors
             FROM (SELECT DISTINCT model, duration, resolution FROM polled WHERE avg_execution_ms IS NULL) k)
           SELECT p.id, p.avg_execution_ms, p.execution_ms, p.queued_at, p.updated_at, ? AS now, k.priors
           FROM polled p LEFT JOIN priors k
             ON p.avg_execution_ms IS NULL AND k.model = p.model AND k.duration IS p.duration AND k.resolution = p.resolution`,
        )
        .all(baseUrl, PRIOR_SAMPLE, this.clock()) as SqlRow[];
      return rows.map(pollingJob);
    });
  }

  addEvent(batchId: number, rowId: number | null, kind: string, message: string, data?: unknown): Promise<void> {
    return this.run(() => this.store.addEvent(batchId, rowId, kind, message, data));
  }

  rowEvents(rowId: number): Promise<RowEvent[]> {
    return this.run(() => this.store.rowEvents(rowId));
  }
}
