/**
 * The queue's reads and ordinary writes in PostgreSQL, on either the pool (each call its own transaction) or one
 * client inside `tx`. Claims, leases and workers are in pg-store.ts and pg-leases.ts.
 */
import type { HoldCause } from '../hold-store';
import { assertTransition, type JobState } from '../job-states';
import { toAttempt, toBatch, toRow, type AttemptPatch, type RowPatch, type SqlRow } from '../store-records';
import { LeaseLostError, RowStateError, type PollingJob, type QueueOps, type WriteGuard } from '../store-api';
import { pollingJob } from '../polling-job';
import { PRIOR_SAMPLE } from '../poll-prior';
import type { AttemptRecord, BatchRecord, BatchStatus, NewBatch, NewRow, RowEvent, RowParams, RowRecord } from '../types';
import { closeManualHolds, openHold } from './pg-holds';
import { attemptColumns, attemptSet, placeholders, rowColumns, rowSet, type PgValue } from './records';

export type { Queryable } from './queryable';
import type { Queryable } from './queryable';

/** Rows per INSERT when a batch is created: 11 parameters each, far under PostgreSQL's 65,535. */
const INSERT_CHUNK = 500;

const LEASE_CLEAR = 'lease_owner = NULL, lease_token = NULL, lease_until = NULL';

/**
 * The newest estimates Venice gave for one kind of clip (model, length, resolution: SQL expressions), newest first:
 * what a first poll rests on (poll-prior.ts), for one job or for every kind being polled.
 */
const recentOfKind = (model: string, duration: string, resolution: string, limit: string) =>
  `SELECT a.id, a.avg_execution_ms AS ms FROM attempts a JOIN rows r ON r.id = a.row_id
   WHERE a.model = ${model} AND a.avg_execution_ms IS NOT NULL
     AND (r.params_json::jsonb ->> 'duration') = ${duration} AND COALESCE(r.params_json::jsonb ->> 'resolution', '') = ${resolution}
   ORDER BY a.id DESC LIMIT ${limit}`;

export class PgOps implements QueueOps {
  constructor(
    protected readonly q: Queryable,
    /** Runs multi-statement work atomically: directly inside a transaction, or in a new one from the pool. */
    protected readonly atomically: <T>(fn: (q: Queryable) => Promise<T>) => Promise<T>,
  ) {}

  protected async rows(sql: string, values: readonly PgValue[] = []): Promise<SqlRow[]> {
    return (await this.q.query(sql, values as PgValue[])).rows as SqlRow[];
  }

  // ---- batches ----

  async createBatch(batch: NewBatch, rows: NewRow[]): Promise<number> {
    return this.atomically(async (q) => {
      const res = await q.query(
        `INSERT INTO batches (name, source_path, source_hash, settings_json, output_dir, name_template, budget_usd, base_url,
           rehearsal, status, created_at, updated_at)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,'active',vb_now_ms(),vb_now_ms()) RETURNING id`,
        [
          batch.name,
          batch.sourcePath ?? null,
          batch.sourceHash ?? null,
          JSON.stringify(batch.settings),
          batch.outputDir,
          batch.nameTemplate,
          batch.budgetUsd ?? null,
          batch.baseUrl,
          batch.rehearsal ?? false,
        ],
      );
      const batchId = Number(res.rows[0].id);
      for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
        const values: PgValue[] = [];
        const tuples = rows.slice(i, i + INSERT_CHUNK).map(
          (r) =>
            `(${placeholders(values, [
              batchId,
              r.rowIndex,
              r.take ?? 1,
              r.rowIndex,
              JSON.stringify(r.params),
              r.name ?? null,
              JSON.stringify(r.extras ?? {}),
              r.state ?? 'ready',
              r.quoteUsd ?? null,
            ])}, vb_now_ms())`,
        );
        await q.query(
          `INSERT INTO rows (batch_id, row_index, take, position, params_json, name, extras_json, state, quote_usd, updated_at)
           VALUES ${tuples.join(', ')}`,
          values,
        );
      }
      await q.query('INSERT INTO events (batch_id, row_id, at, kind, message) VALUES ($1, NULL, vb_now_ms(), $2, $3)', [
        batchId,
        'batch_created',
        `Batch created with ${rows.length} rows`,
      ]);
      return batchId;
    });
  }

  async getBatch(id: number): Promise<BatchRecord | undefined> {
    const [r] = await this.rows('SELECT * FROM batches WHERE id = $1', [id]);
    return r ? toBatch(r) : undefined;
  }

  async listBatches(): Promise<BatchRecord[]> {
    return (await this.rows('SELECT * FROM batches ORDER BY id')).map(toBatch);
  }

  async findBatchBySource(sourceHash: string, outputDir: string): Promise<BatchRecord | undefined> {
    const [r] = await this.rows('SELECT * FROM batches WHERE source_hash = $1 AND output_dir = $2 ORDER BY id DESC LIMIT 1', [sourceHash, outputDir]);
    return r ? toBatch(r) : undefined;
  }

  async setBatchStatus(id: number, status: BatchStatus, reason: string | null = null, cause: HoldCause = 'user'): Promise<void> {
    await this.atomically(async (q) => {
      const r = await q.query('UPDATE batches SET status = $1, pause_reason = $2, updated_at = vb_now_ms() WHERE id = $3 RETURNING updated_at', [
        status,
        reason,
        id,
      ]);
      const at = Number((r.rows[0] as SqlRow | undefined)?.updated_at ?? 0);
      if (!at) return;
      // The same hold records as the local queue (store.ts): a pause opens one, a resume or cancel ends it.
      if (status === 'paused') {
        await openHold((fn) => fn(q), { scope: 'batch', batchId: id, cause, message: reason ?? 'Paused', auto: false, at });
      } else await closeManualHolds(q, id, at);
    });
  }

  async reportSeenAt(batchId: number): Promise<number | null> {
    const [r] = await this.rows('SELECT report_seen_at FROM batches WHERE id = $1', [batchId]);
    return r?.report_seen_at === null || r?.report_seen_at === undefined ? null : Number(r.report_seen_at);
  }

  async markReportSeen(batchId: number, at?: number): Promise<void> {
    await this.q.query('UPDATE batches SET report_seen_at = COALESCE($1, vb_now_ms()) WHERE id = $2', [at === undefined ? null : Math.round(at), batchId]);
  }

  async setBatchSettings(id: number, patch: { concurrency?: number; budgetUsd?: number | null }): Promise<void> {
    // One statement, so two machines changing different settings at once both land.
    const values: PgValue[] = [id];
    const sets: string[] = [];
    if (patch.concurrency !== undefined) {
      values.push(patch.concurrency);
      sets.push(`settings_json = jsonb_set(settings_json::jsonb, '{concurrency}', to_jsonb($${values.length}::int))::text`);
    }
    if (patch.budgetUsd !== undefined) {
      values.push(patch.budgetUsd);
      sets.push(`budget_usd = $${values.length}`);
    }
    if (!sets.length) return;
    await this.q.query(`UPDATE batches SET ${sets.join(', ')}, updated_at = vb_now_ms() WHERE id = $1`, values);
  }

  // ---- rows: reads ----

  async getRow(id: number): Promise<RowRecord | undefined> {
    const [r] = await this.rows(`SELECT ${rowColumns()} FROM rows WHERE id = $1`, [id]);
    return r ? toRow(r) : undefined;
  }

  async listRows(batchId: number): Promise<RowRecord[]> {
    return (await this.rows(`SELECT ${rowColumns()} FROM rows WHERE batch_id = $1 ORDER BY position, id`, [batchId])).map(toRow);
  }

  async rowsInStates(states: readonly JobState[], batchId?: number): Promise<RowRecord[]> {
    const values: PgValue[] = [];
    const marks = placeholders(values, states);
    let where = `state IN (${marks})`;
    if (batchId !== undefined) where += ` AND batch_id = ${placeholders(values, [batchId])}`;
    return (await this.rows(`SELECT ${rowColumns()} FROM rows WHERE ${where} ORDER BY batch_id, position, id`, values)).map(toRow);
  }

  async nextDueAt(states: readonly JobState[], batchId?: number): Promise<number | undefined> {
    const values: PgValue[] = [];
    const marks = placeholders(values, states);
    let where = `state IN (${marks}) AND next_action_at > vb_now_ms()`;
    if (batchId !== undefined) where += ` AND batch_id = ${placeholders(values, [batchId])}`;
    const [r] = await this.rows(`SELECT MIN(next_action_at) AS t FROM rows WHERE ${where}`, values);
    return r?.t === null || r?.t === undefined ? undefined : Number(r.t);
  }

  async liveBatchIds(): Promise<number[]> {
    const rows = await this.rows(
      `SELECT r.batch_id AS id FROM rows r JOIN batches b ON b.id = r.batch_id
         WHERE r.state IN ('submitting', 'queued', 'processing', 'downloading', 'verifying') OR (r.state = 'ready' AND b.status = 'active')
       UNION
       SELECT r.batch_id AS id FROM attempts a JOIN rows r ON r.id = a.row_id
         WHERE a.state = 'done' AND a.remote_deleted = false AND a.queue_id IS NOT NULL
       ORDER BY id`,
    );
    return rows.map((r) => Number(r.id));
  }

  async anyRow(batchId: number): Promise<RowRecord | undefined> {
    const [r] = await this.rows(`SELECT ${rowColumns()} FROM rows WHERE batch_id = $1 ORDER BY id LIMIT 1`, [batchId]);
    return r ? toRow(r) : undefined;
  }

  async wakeRows(batchIds: readonly number[], at?: number): Promise<void> {
    if (batchIds.length === 0) return;
    // "Due now" is 0 in this schema; a row already due (or due sooner) keeps its time.
    await this.q.query(
      `UPDATE rows SET next_action_at = COALESCE($2, vb_now_ms()), updated_at = vb_now_ms()
       WHERE batch_id = ANY($1::bigint[]) AND state IN ('ready', 'queued', 'processing') AND next_action_at > COALESCE($2, vb_now_ms())`,
      [batchIds as unknown as PgValue, at === undefined ? null : Math.round(at)],
    );
  }

  async countRows(batchId: number): Promise<number> {
    const [r] = await this.rows('SELECT COUNT(*) AS n FROM rows WHERE batch_id = $1', [batchId]);
    return Number(r?.n ?? 0);
  }

  async countByState(batchId: number): Promise<Partial<Record<JobState, number>>> {
    const rows = await this.rows('SELECT state, COUNT(*) AS n FROM rows WHERE batch_id = $1 GROUP BY state', [batchId]);
    return Object.fromEntries(rows.map((r) => [String(r.state), Number(r.n)]));
  }

  async batchTotals(batchId: number): Promise<{ rows: number; quotedUsd: number }> {
    const [r] = await this.rows('SELECT COUNT(*) AS n, COALESCE(SUM(quote_usd), 0) AS q FROM rows WHERE batch_id = $1', [batchId]);
    return { rows: Number(r?.n ?? 0), quotedUsd: Number(r?.q ?? 0) };
  }

  // ---- rows: writes ----

  async transitionRow(rowId: number, from: JobState, to: JobState, patch: RowPatch = {}, guard?: WriteGuard): Promise<void> {
    assertTransition(from, to);
    const values: PgValue[] = [to];
    const set = rowSet(patch, values);
    // Unguarded moves are a person's decisions (or recovery): they override any machine's hold on the row, whose
    // holder then finds its lease gone at its next write.
    const lease = !guard || guard.release ? `, ${LEASE_CLEAR}` : '';
    await this.guardedRowUpdate(rowId, `state = $1, updated_at = vb_now_ms()${set ? `, ${set}` : ''}${lease}`, values, from, guard);
  }

  async patchRow(rowId: number, patch: RowPatch, guard?: WriteGuard): Promise<void> {
    const values: PgValue[] = [];
    const set = rowSet(patch, values);
    const release = guard?.release ? `, ${LEASE_CLEAR}` : '';
    if (!set && !release) return;
    await this.guardedRowUpdate(rowId, `${set ? `${set}, ` : ''}updated_at = vb_now_ms()${release}`, values, undefined, guard);
  }

  private async guardedRowUpdate(rowId: number, set: string, values: PgValue[], from: JobState | undefined, guard?: WriteGuard): Promise<void> {
    let where = `id = ${placeholders(values, [rowId])}`;
    if (from) where += ` AND state = ${placeholders(values, [from])}`;
    if (guard) where += ` AND lease_owner = ${placeholders(values, [guard.lease.owner])} AND lease_token = ${placeholders(values, [guard.lease.token])}`;
    const res = await this.q.query(`UPDATE rows SET ${set} WHERE ${where}`, values);
    if (res.rowCount === 1) return;
    if (guard && !(await this.stillHeld(guard))) throw new LeaseLostError(rowId);
    if (from) throw new RowStateError(rowId, from);
  }

  protected async stillHeld(guard: WriteGuard): Promise<boolean> {
    const [r] = await this.rows('SELECT 1 AS ok FROM rows WHERE id = $1 AND lease_owner = $2 AND lease_token = $3', [
      guard.lease.rowId,
      guard.lease.owner,
      guard.lease.token,
    ]);
    return r !== undefined;
  }

  async setRowParams(rowId: number, params: RowParams): Promise<void> {
    const res = await this.q.query(
      `UPDATE rows SET params_json = $1, updated_at = vb_now_ms()
       WHERE id = $2 AND state IN ('draft', 'ready', 'failed', 'cancelled') AND lease_token IS NULL`,
      [JSON.stringify(params), rowId],
    );
    if (res.rowCount !== 1) throw new Error(`Row ${rowId} cannot be changed in its current state`);
  }

  async setRowPosition(rowId: number, position: number): Promise<void> {
    await this.q.query('UPDATE rows SET position = $1, updated_at = vb_now_ms() WHERE id = $2', [position, rowId]);
  }

  // ---- attempts ----

  async getAttempt(id: number): Promise<AttemptRecord | undefined> {
    const [r] = await this.rows(`SELECT ${attemptColumns()} FROM attempts WHERE id = $1`, [id]);
    return r ? toAttempt(r) : undefined;
  }

  async listAttempts(rowId: number): Promise<AttemptRecord[]> {
    return (await this.rows(`SELECT ${attemptColumns()} FROM attempts WHERE row_id = $1 ORDER BY attempt_no`, [rowId])).map(toAttempt);
  }

  async countAttempts(rowId: number): Promise<number> {
    const [r] = await this.rows('SELECT COUNT(*) AS n FROM attempts WHERE row_id = $1', [rowId]);
    return Number(r?.n ?? 0);
  }

  async listBatchAttempts(batchId: number): Promise<AttemptRecord[]> {
    return (
      await this.rows(
        `SELECT ${attemptColumns('a')} FROM attempts a JOIN rows r ON r.id = a.row_id WHERE r.batch_id = $1 ORDER BY a.row_id, a.attempt_no`,
        [batchId],
      )
    ).map(toAttempt);
  }

  async patchAttempt(id: number, patch: AttemptPatch, guard?: WriteGuard): Promise<void> {
    const values: PgValue[] = [];
    const set = attemptSet(patch, values);
    if (!set) return;
    const idMark = placeholders(values, [id]);
    if (!guard) {
      await this.q.query(`UPDATE attempts SET ${set} WHERE id = ${idMark}`, values);
      return;
    }
    // The row lock taken here holds off a takeover until this statement's transaction ends.
    const owner = placeholders(values, [guard.lease.owner]);
    const token = placeholders(values, [guard.lease.token]);
    const res = await this.q.query(
      `WITH held AS (
         SELECT r.id FROM rows r JOIN attempts a ON a.row_id = r.id
         WHERE a.id = ${idMark} AND r.lease_owner = ${owner} AND r.lease_token = ${token} FOR UPDATE OF r)
       UPDATE attempts SET ${set} WHERE id = ${idMark} AND EXISTS (SELECT 1 FROM held)`,
      values,
    );
    if (res.rowCount !== 1) throw new LeaseLostError(guard.lease.rowId);
  }

  async spend(batchId?: number): Promise<{ chargedUsd: number; inDoubtUsd: number }> {
    const [r] = await this.rows(
      `SELECT COALESCE(SUM(CASE WHEN a.charged THEN a.quote_usd END), 0) AS charged,
              COALESCE(SUM(CASE WHEN a.state IN ('in_doubt', 'submitting') THEN a.quote_usd END), 0) AS doubt
       FROM attempts a JOIN rows r ON r.id = a.row_id ${batchId === undefined ? '' : 'WHERE r.batch_id = $1'}`,
      batchId === undefined ? [] : [batchId],
    );
    return { chargedUsd: Number(r?.charged ?? 0), inDoubtUsd: Number(r?.doubt ?? 0) };
  }

  async recentEstimatesMs(params: Pick<RowParams, 'model' | 'duration' | 'resolution'>): Promise<number[]> {
    const rows = await this.rows(recentOfKind('$1', '$2', '$3', '$4'), [params.model, params.duration, params.resolution ?? '', PRIOR_SAMPLE]);
    return rows.map((r) => Number(r.ms));
  }

  async pollingJobs(baseUrl: string): Promise<PollingJob[]> {
    // The recent estimates are looked up once per kind of clip (model, length, resolution) among the jobs still
    // without their own, not once per job: the lookup walks attempts newest first and reads each row's params.
    const rows = await this.rows(
      `WITH polled AS (
         SELECT r.id, a.model, a.avg_execution_ms, a.execution_ms, a.queued_at, r.updated_at,
                r.params_json::jsonb ->> 'duration' AS duration, COALESCE(r.params_json::jsonb ->> 'resolution', '') AS resolution
         FROM rows r JOIN attempts a ON a.id = r.current_attempt_id JOIN batches b ON b.id = r.batch_id
         WHERE r.state IN ('queued', 'processing') AND b.base_url = $1),
       kinds AS (SELECT DISTINCT model, duration, resolution FROM polled WHERE avg_execution_ms IS NULL),
       priors AS (
         SELECT k.model, k.duration, k.resolution, recent.priors FROM kinds k CROSS JOIN LATERAL (
           SELECT array_agg(x.ms ORDER BY x.id DESC) AS priors FROM (${recentOfKind('k.model', 'k.duration', 'k.resolution', '$2')}) x) recent)
       SELECT p.id, p.avg_execution_ms, p.execution_ms, p.queued_at, p.updated_at, vb_now_ms() AS now, k.priors
       FROM polled p LEFT JOIN priors k
         ON p.avg_execution_ms IS NULL AND k.model = p.model AND k.duration IS NOT DISTINCT FROM p.duration AND k.resolution = p.resolution`,
      [baseUrl, PRIOR_SAMPLE],
    );
    return rows.map((r) => pollingJob(r));
  }

  // ---- events ----

  async addEvent(batchId: number, rowId: number | null, kind: string, message: string, data?: unknown): Promise<void> {
    await this.q.query('INSERT INTO events (batch_id, row_id, at, kind, message, data_json) VALUES ($1, $2, vb_now_ms(), $3, $4, $5)', [
      batchId,
      rowId,
      kind,
      message,
      data === undefined ? null : JSON.stringify(data),
    ]);
  }

  async rowEvents(rowId: number): Promise<RowEvent[]> {
    return (await this.rows('SELECT * FROM events WHERE row_id = $1 ORDER BY id', [rowId])).map((r) => ({
      id: Number(r.id),
      batchId: Number(r.batch_id),
      rowId: r.row_id === null ? null : Number(r.row_id),
      at: Number(r.at),
      kind: String(r.kind),
      message: String(r.message),
      data: r.data_json ? JSON.parse(String(r.data_json)) : null,
    }));
  }
}
