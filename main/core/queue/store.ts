/**
 * The on-disk batch queue: every state change of every row is a committed transaction here before its side effect
 * happens elsewhere. The engine is the only writer; the UI and `status` read.
 */
import { durably, openDb, transaction, type Db } from './db';
import { HoldStore, type HoldCause } from './hold-store';
import { assertTransition, type JobState } from './job-states';
import {
  ATTEMPT_COLUMNS,
  ROW_COLUMNS,
  num,
  setClause,
  toAttempt,
  toBatch,
  toRow,
  type AttemptPatch,
  type RowPatch,
  type SqlRow,
  type SqlValue,
} from './store-records';
import type { AttemptRecord, BatchRecord, BatchStatus, NewBatch, NewRow, RowEvent, RowRecord } from './types';

export type { AttemptPatch, RowPatch } from './store-records';

export class QueueStore {
  readonly db: Db;
  /** Why and how long work stood still (see hold-store.ts). */
  readonly holds: HoldStore;

  constructor(
    readonly file: string,
    private readonly now: () => number = Date.now,
    opts: { readOnly?: boolean } = {},
  ) {
    this.db = openDb(file, opts);
    this.holds = new HoldStore(this.db);
  }

  close(): void {
    this.db.close();
  }

  tx<T>(fn: () => T): T {
    return transaction(this.db, fn);
  }

  // ---- batches ----

  createBatch(batch: NewBatch, rows: NewRow[]): number {
    const at = this.now();
    return this.tx(() => {
      const res = this.db
        .prepare(
          `INSERT INTO batches (name, source_path, source_hash, settings_json, output_dir, name_template, budget_usd,
             base_url, rehearsal, status, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,'active',?,?)`,
        )
        .run(
          batch.name,
          batch.sourcePath ?? null,
          batch.sourceHash ?? null,
          JSON.stringify(batch.settings),
          batch.outputDir,
          batch.nameTemplate,
          batch.budgetUsd ?? null,
          batch.baseUrl,
          batch.rehearsal ? 1 : 0,
          at,
          at,
        );
      const batchId = Number(res.lastInsertRowid);
      const insert = this.db.prepare(
        `INSERT INTO rows (batch_id, row_index, take, position, params_json, name, extras_json, state, quote_usd, updated_at)
         VALUES (?,?,?,?,?,?,?,?,?,?)`,
      );
      for (const r of rows) {
        insert.run(
          batchId,
          r.rowIndex,
          r.take ?? 1,
          r.rowIndex,
          JSON.stringify(r.params),
          r.name ?? null,
          JSON.stringify(r.extras ?? {}),
          r.state ?? 'ready',
          r.quoteUsd ?? null,
          at,
        );
      }
      this.addEvent(batchId, null, 'batch_created', `Batch created with ${rows.length} rows`);
      return batchId;
    });
  }

  getBatch(id: number): BatchRecord | undefined {
    const r = this.db.prepare('SELECT * FROM batches WHERE id = ?').get(id) as SqlRow | undefined;
    return r ? toBatch(r) : undefined;
  }

  listBatches(): BatchRecord[] {
    return (this.db.prepare('SELECT * FROM batches ORDER BY id').all() as SqlRow[]).map(toBatch);
  }

  /** The batch a sheet was already imported as, so running the same command again resumes it. */
  findBatchBySource(sourceHash: string, outputDir: string): BatchRecord | undefined {
    const r = this.db
      .prepare('SELECT * FROM batches WHERE source_hash = ? AND output_dir = ? ORDER BY id DESC LIMIT 1')
      .get(sourceHash, outputDir) as SqlRow | undefined;
    return r ? toBatch(r) : undefined;
  }

  /**
   * Pausing opens a hold with its cause (for the morning report's time lost); resuming or cancelling closes it.
   * `cause` says who paused: the user (default), the budget, the balance, a missing key.
   */
  setBatchStatus(id: number, status: BatchStatus, reason: string | null = null, cause: HoldCause = 'user'): void {
    const at = this.now();
    this.db.prepare('UPDATE batches SET status = ?, pause_reason = ?, updated_at = ? WHERE id = ?').run(status, reason, at, id);
    if (status === 'paused') this.holds.open({ scope: 'batch', batchId: id, cause, message: reason ?? 'Paused', auto: false, at });
    else this.holds.closeManual(id, at);
  }

  /** When the user last saw the batch's morning report (null: never). */
  reportSeenAt(batchId: number): number | null {
    const r = this.db.prepare('SELECT report_seen_at FROM batches WHERE id = ?').get(batchId) as SqlRow | undefined;
    return r ? num(r.report_seen_at) : null;
  }

  markReportSeen(batchId: number, at: number = this.now()): void {
    this.db.prepare('UPDATE batches SET report_seen_at = ? WHERE id = ?').run(at, batchId);
  }

  /** Makes the given batches' waiting rows due now (a hold on them was lifted): one statement. */
  wakeRows(batchIds: readonly number[], at: number): void {
    if (batchIds.length === 0) return;
    const marks = batchIds.map(() => '?').join(',');
    this.db
      .prepare(
        `UPDATE rows SET next_action_at = ?, updated_at = ? WHERE batch_id IN (${marks})
           AND state IN ('ready', 'queued', 'processing') AND (next_action_at IS NULL OR next_action_at > ?)`,
      )
      .run(at, this.now(), ...batchIds, at);
  }

  setBatchSettings(id: number, patch: { concurrency?: number; budgetUsd?: number | null }): void {
    const b = this.getBatch(id);
    if (!b) return;
    const settings = { ...b.settings, ...(patch.concurrency !== undefined ? { concurrency: patch.concurrency } : {}) };
    this.db
      .prepare('UPDATE batches SET settings_json = ?, budget_usd = ?, updated_at = ? WHERE id = ?')
      .run(JSON.stringify(settings), patch.budgetUsd === undefined ? b.budgetUsd : patch.budgetUsd, this.now(), id);
  }

  // ---- rows ----

  getRow(id: number): RowRecord | undefined {
    const r = this.db.prepare('SELECT * FROM rows WHERE id = ?').get(id) as SqlRow | undefined;
    return r ? toRow(r) : undefined;
  }

  listRows(batchId: number): RowRecord[] {
    return (this.db.prepare('SELECT * FROM rows WHERE batch_id = ? ORDER BY position, id').all(batchId) as SqlRow[]).map(toRow);
  }

  rowsInStates(states: readonly JobState[], batchId?: number): RowRecord[] {
    const marks = states.map(() => '?').join(',');
    const sql = `SELECT * FROM rows WHERE state IN (${marks})${batchId === undefined ? '' : ' AND batch_id = ?'} ORDER BY batch_id, position, id`;
    const args: SqlValue[] = [...states, ...(batchId === undefined ? [] : [batchId])];
    return (this.db.prepare(sql).all(...args) as SqlRow[]).map(toRow);
  }

  /** Rows in `states` that are due by `now` (no wait set, or its time has come), in submission order. */
  dueRows(states: readonly JobState[], now: number, limit: number, batchId?: number): RowRecord[] {
    const marks = states.map(() => '?').join(',');
    const sql = `SELECT * FROM rows WHERE state IN (${marks}) AND (next_action_at IS NULL OR next_action_at <= ?)${
      batchId === undefined ? '' : ' AND batch_id = ?'
    } ORDER BY batch_id, position, id LIMIT ?`;
    const args: SqlValue[] = [...states, now, ...(batchId === undefined ? [] : [batchId]), limit];
    return (this.db.prepare(sql).all(...args) as SqlRow[]).map(toRow);
  }

  /** The earliest future time at which a row in `states` becomes due, if any. */
  nextDueAt(states: readonly JobState[], now: number, batchId?: number): number | undefined {
    const marks = states.map(() => '?').join(',');
    const sql = `SELECT MIN(next_action_at) AS t FROM rows WHERE state IN (${marks}) AND next_action_at > ?${
      batchId === undefined ? '' : ' AND batch_id = ?'
    }`;
    const r = this.db.prepare(sql).get(...states, now, ...(batchId === undefined ? [] : [batchId])) as SqlRow;
    return r.t === null ? undefined : Number(r.t);
  }

  /** Any one row of a batch (what a free probe request is modelled on), or undefined for an empty batch. */
  anyRow(batchId: number): RowRecord | undefined {
    const r = this.db.prepare('SELECT * FROM rows WHERE batch_id = ? ORDER BY id LIMIT 1').get(batchId) as SqlRow | undefined;
    return r ? toRow(r) : undefined;
  }

  countRows(batchId: number): number {
    const r = this.db.prepare('SELECT COUNT(*) AS n FROM rows WHERE batch_id = ?').get(batchId) as SqlRow;
    return Number(r.n);
  }

  countByState(batchId: number): Partial<Record<JobState, number>> {
    const rows = this.db.prepare('SELECT state, COUNT(*) AS n FROM rows WHERE batch_id = ? GROUP BY state').all(batchId) as SqlRow[];
    return Object.fromEntries(rows.map((r) => [String(r.state), Number(r.n)]));
  }

  /**
   * Moves a row to a new state (checked against the state machine) and applies the patch, in the caller's
   * transaction if there is one. Throws if the row is not in `from` (a lost race must never be papered over).
   */
  transitionRow(rowId: number, from: JobState, to: JobState, patch: RowPatch = {}): void {
    assertTransition(from, to);
    const { sql, values } = setClause(patch, ROW_COLUMNS);
    const res = this.db
      .prepare(`UPDATE rows SET state = ?, updated_at = ?${sql ? `, ${sql}` : ''} WHERE id = ? AND state = ?`)
      .run(to, this.now(), ...values, rowId, from);
    if (Number(res.changes) !== 1) throw new Error(`Row ${rowId} was not in state ${from}`);
  }

  patchRow(rowId: number, patch: RowPatch): void {
    const { sql, values } = setClause(patch, ROW_COLUMNS);
    if (!sql) return;
    this.db.prepare(`UPDATE rows SET ${sql}, updated_at = ? WHERE id = ?`).run(...values, this.now(), rowId);
  }

  /**
   * Changes what a row asks for. Only before it is sent, or after it failed or was cancelled: a row with a paid
   * job on Venice keeps the parameters it was paid for.
   */
  setRowParams(rowId: number, params: RowRecord['params']): void {
    const res = this.db
      .prepare("UPDATE rows SET params_json = ?, updated_at = ? WHERE id = ? AND state IN ('draft', 'ready', 'failed', 'cancelled')")
      .run(JSON.stringify(params), this.now(), rowId);
    if (Number(res.changes) !== 1) throw new Error(`Row ${rowId} cannot be changed in its current state`);
  }

  /** Moves each row's poll from `from` to `to` if it is still polled and waits for exactly `from`; ids moved. */
  advancePolls(moves: readonly { rowId: number; from: number; to: number }[]): number[] {
    const stmt = this.db.prepare(
      "UPDATE rows SET next_action_at = ? WHERE id = ? AND next_action_at = ? AND ? < ? AND state IN ('queued', 'processing')",
    );
    return this.tx(() => moves.filter((m) => Number(stmt.run(m.to, m.rowId, m.from, m.to, m.from).changes) === 1).map((m) => m.rowId));
  }

  /** Makes every job on Venice due now (after a restart), in one statement. Returns how many there are. */
  pollAllNow(at: number): number {
    const res = this.db
      .prepare("UPDATE rows SET next_action_at = ?, updated_at = ? WHERE state IN ('queued', 'processing')")
      .run(at, this.now());
    return Number(res.changes);
  }

  setRowPosition(rowId: number, position: number): void {
    this.db.prepare('UPDATE rows SET position = ?, updated_at = ? WHERE id = ?').run(position, this.now(), rowId);
  }

  // ---- attempts ----

  /**
   * Records, durably, that a paid request is about to leave: the attempt exists in `submitting` and the row points
   * at it. Only after this returns may the request be sent; a crash from here on leaves the row in doubt.
   */
  beginSubmit(rowId: number, model: string, requestJson: string, quoteUsd: number | null): number {
    return durably(this.db, () => {
      const row = this.getRow(rowId);
      if (!row) throw new Error(`Row ${rowId} does not exist`);
      const n = this.db.prepare('SELECT COUNT(*) AS n FROM attempts WHERE row_id = ?').get(rowId) as SqlRow;
      const res = this.db
        .prepare(
          `INSERT INTO attempts (row_id, attempt_no, state, model, request_json, quote_usd, submitted_at)
           VALUES (?,?,?,?,?,?,?)`,
        )
        .run(rowId, Number(n.n) + 1, 'submitting', model, requestJson, quoteUsd, this.now());
      const attemptId = Number(res.lastInsertRowid);
      this.transitionRow(rowId, row.state, 'submitting', {
        currentAttemptId: attemptId,
        errorKind: null,
        errorMessage: null,
        suggestedPrompt: null,
      });
      return attemptId;
    });
  }

  getAttempt(id: number): AttemptRecord | undefined {
    const r = this.db.prepare('SELECT * FROM attempts WHERE id = ?').get(id) as SqlRow | undefined;
    return r ? toAttempt(r) : undefined;
  }

  listAttempts(rowId: number): AttemptRecord[] {
    return (this.db.prepare('SELECT * FROM attempts WHERE row_id = ? ORDER BY attempt_no').all(rowId) as SqlRow[]).map(toAttempt);
  }

  patchAttempt(id: number, patch: AttemptPatch): void {
    const { sql, values } = setClause(patch, ATTEMPT_COLUMNS);
    if (!sql) return;
    this.db.prepare(`UPDATE attempts SET ${sql} WHERE id = ?`).run(...values, id);
  }

  /** Attempts finished locally whose copy on Venice has not been deleted yet (/video/complete still owed). */
  attemptsOwingComplete(limit = 20): AttemptRecord[] {
    return (
      this.db
        .prepare(`SELECT * FROM attempts WHERE state = 'done' AND remote_deleted = 0 AND queue_id IS NOT NULL ORDER BY id LIMIT ?`)
        .all(limit) as SqlRow[]
    ).map(toAttempt);
  }

  /** Money spent (confirmed charges, by quote) and money possibly spent (in doubt) for a batch, or all batches. */
  spend(batchId?: number): { chargedUsd: number; inDoubtUsd: number } {
    const where = batchId === undefined ? '' : 'WHERE r.batch_id = ?';
    const args = batchId === undefined ? [] : [batchId];
    const r = this.db
      .prepare(
        `SELECT COALESCE(SUM(CASE WHEN a.charged = 1 THEN a.quote_usd END), 0) AS charged,
                COALESCE(SUM(CASE WHEN a.state = 'in_doubt' OR (a.state = 'submitting') THEN a.quote_usd END), 0) AS doubt
         FROM attempts a JOIN rows r ON r.id = a.row_id ${where}`,
      )
      .get(...args) as SqlRow;
    return { chargedUsd: Number(r.charged), inDoubtUsd: Number(r.doubt) };
  }

  // ---- events ----

  addEvent(batchId: number, rowId: number | null, kind: string, message: string, data?: unknown): void {
    this.db
      .prepare('INSERT INTO events (batch_id, row_id, at, kind, message, data_json) VALUES (?,?,?,?,?,?)')
      .run(batchId, rowId, this.now(), kind, message, data === undefined ? null : JSON.stringify(data));
  }

  rowEvents(rowId: number): RowEvent[] {
    return (this.db.prepare('SELECT * FROM events WHERE row_id = ? ORDER BY id').all(rowId) as SqlRow[]).map((r) => ({
      id: Number(r.id),
      batchId: Number(r.batch_id),
      rowId: num(r.row_id),
      at: Number(r.at),
      kind: String(r.kind),
      message: String(r.message),
      data: r.data_json ? JSON.parse(String(r.data_json)) : null,
    }));
  }

  // ---- request log (lets the rate limiter resume its windows after a restart) ----

  logRequest(baseUrl: string, route: string, ok: boolean, at: number = this.now()): void {
    this.db.prepare('INSERT INTO request_log (at, base_url, route, ok) VALUES (?,?,?,?)').run(at, baseUrl, route, ok ? 1 : 0);
  }

  recentRequests(baseUrl: string, since: number): Array<{ at: number; route: string; ok: boolean }> {
    const rows = this.db
      .prepare('SELECT at, route, ok FROM request_log WHERE base_url = ? AND at >= ? ORDER BY at')
      .all(baseUrl, since) as SqlRow[];
    return rows.map((r) => ({
      at: Number(r.at),
      route: String(r.route),
      ok: Number(r.ok) === 1,
    }));
  }

  pruneRequestLog(before: number): void {
    this.db.prepare('DELETE FROM request_log WHERE at < ?').run(before);
  }

  integrityCheck(): string {
    const r = this.db.prepare('PRAGMA integrity_check').get() as SqlRow;
    return String(r.integrity_check);
  }
}
