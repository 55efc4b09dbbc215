/**
 * The copy behind `venice-batch studio import`: one local queue's batches written into the studio's PostgreSQL, in
 * ONE transaction (all of it lands, or none), with every id remapped (the shared queue numbers its own rows).
 *
 * Each batch carries a `studio_import` event naming where it came from (machine, queue file, local batch id and
 * creation time): that is how a second import finds it "already there" instead of copying it twice. Paid queue_ids
 * are unique in the shared queue too (attempts_queue_id), and are checked before anything is written, so a copy of
 * the same local queue imported from elsewhere is refused rather than half-merged.
 *
 * Rows come over unheld (no lease) and as a worker on the shared queue must find them: a row that was being sent
 * when its engine stopped (`submitting`, no answer saved) arrives IN DOUBT for a person, exactly as a restart would
 * leave it (recover.ts): never ready, so never paid twice. Paid jobs (queued/processing) are due for a poll at once,
 * by their queue_id.
 */
import type pg from 'pg';
import type { Db } from './db';
import type { SqlRow } from './store-records';
import { copyRecentCalls } from './studio-import-calls';

export const IMPORT_EVENT = 'studio_import';
/**
 * Set on the local batches (paused) for the time of the move, before the studio's commit: if the machine dies after
 * that commit but before its file is set aside, its own engine still cannot send those rows (the studio may be
 * sending them). Running the import again finishes the move.
 */
export const MOVING_REASON = 'Being moved into the studio queue: run `venice-batch studio import` again to finish. Do not resume it here.';
/** What a batch caught mid-move by a crash (its real status unknown) says in the studio: a person resumes it. */
const CAUGHT_MID_MOVE = 'Paused while it was moved into the studio queue: resume it when ready.';
/** Same words as a restart's recovery, so the person sees one message for one situation. */
const INTERRUPTED_MESSAGE = 'Venice may have charged for this clip: the app stopped while it was being sent. Re-submit it or mark it lost.';
/** Any constant unlikely to clash with another application's advisory locks: one import at a time, studio-wide. */
const IMPORT_LOCK = 7_346_201_917;

/** Where a local batch came from: the key a second import looks for. */
export interface BatchSource {
  host: string;
  queueFile: string;
  localBatchId: number;
  createdAt: number;
}

export const sourceKey = (s: BatchSource) => `${s.host}:${s.queueFile}#${s.localBatchId}@${s.createdAt}`;

export interface MovedBatch {
  localBatchId: number;
  batchId: number;
  name: string;
  rows: number;
  /** Paid jobs (queue_ids) carried over, on any attempt. */
  paidJobs: number;
  /** Jobs still on Venice (queued/processing): a worker on the shared queue polls them. */
  onVenice: number;
  inDoubt: number;
  done: number;
  timeline: boolean;
}

export interface CopyResult {
  moved: MovedBatch[];
  alreadyThere: Array<{ localBatchId: number; batchId: number; name: string }>;
  clipProbes: number;
  /** This machine's calls to Venice in the last minute, now counted by the studio's account limiter. */
  recentCalls: number;
}

export class StudioImportConflictError extends Error {
  override readonly name = 'StudioImportConflictError';
}

/** COMMIT was sent but not answered: the move may or may not be in the studio queue. */
export class StudioCommitUnknownError extends Error {
  override readonly name = 'StudioCommitUnknownError';
}

const all = (db: Db, sql: string, ...args: Array<string | number | null>) => db.prepare(sql).all(...args) as SqlRow[];
const bool = (v: unknown) => Number(v) === 1;
const n = (v: unknown) => (v === null || v === undefined ? null : Number(v));

async function one(q: pg.ClientBase, sql: string, values: unknown[]): Promise<SqlRow> {
  return (await q.query(sql, values)).rows[0] as SqlRow;
}

/** Finds the shared batch a previous import made from this local batch, if any. */
async function importedAs(q: pg.ClientBase, key: string): Promise<number | undefined> {
  const r = await q.query(`SELECT batch_id FROM events WHERE kind = $1 AND (data_json::jsonb ->> 'source') = $2 LIMIT 1`, [IMPORT_EVENT, key]);
  const hit = r.rows[0] as SqlRow | undefined;
  return hit ? Number(hit.batch_id) : undefined;
}

/**
 * Copies the local queue `db` (read while the caller holds its engine lock) into the shared queue through `q`
 * (connected, schema migrated, search_path on the app's schema). Commits or throws having written nothing.
 */
export async function copyLocalQueue(
  db: Db,
  q: pg.ClientBase,
  origin: { host: string; queueFile: string },
  opts: { apiKey?: string; originalStatus?: ReadonlyMap<number, { status: unknown; pauseReason: unknown }> } = {},
): Promise<CopyResult> {
  const result: CopyResult = { moved: [], alreadyThere: [], clipProbes: 0, recentCalls: 0 };
  await q.query('BEGIN');
  try {
    // A commit that carries paid queue_ids waits for the server's disk, whatever its default.
    await q.query('SET LOCAL synchronous_commit = on');
    await q.query('SELECT pg_advisory_xact_lock($1)', [IMPORT_LOCK]);
    const toMove: SqlRow[] = [];
    for (const read of all(db, 'SELECT * FROM batches ORDER BY id')) {
      // The status the batch had before the move paused it locally.
      const before = opts.originalStatus?.get(Number(read.id));
      const b = before ? { ...read, status: before.status, pause_reason: before.pauseReason } : read;
      const key = sourceKey({ ...origin, localBatchId: Number(b.id), createdAt: Number(b.created_at) });
      const existing = await importedAs(q, key);
      if (existing === undefined) toMove.push(b);
      else result.alreadyThere.push({ localBatchId: Number(b.id), batchId: existing, name: String(b.name) });
    }
    await refuseKnownQueueIds(db, q, toMove);
    for (const b of toMove) result.moved.push(await copyBatch(db, q, b, origin));
    result.clipProbes = await copyClipProbes(db, q);
    result.recentCalls = await copyRecentCalls(db, q, opts.apiKey);
  } catch (e) {
    await q.query('ROLLBACK').catch(() => {});
    throw e;
  }
  try {
    await q.query('COMMIT');
  } catch (e) {
    // The commit may have landed before the connection broke: nobody can tell from here.
    throw new StudioCommitUnknownError(`The studio queue did not confirm the move (${(e as Error).message}).`);
  }
  return result;
}

/** A paid job already in the shared queue under another batch: this queue (or a copy of it) was moved before. */
async function refuseKnownQueueIds(db: Db, q: pg.ClientBase, batches: SqlRow[]): Promise<void> {
  if (batches.length === 0) return;
  const ids = batches.map((b) => Number(b.id));
  const queueIds = all(
    db,
    `SELECT a.queue_id FROM attempts a JOIN rows r ON r.id = a.row_id WHERE a.queue_id IS NOT NULL AND r.batch_id IN (${ids.map(() => '?').join(',')})`,
    ...ids,
  ).map((r) => String(r.queue_id));
  if (queueIds.length === 0) return;
  const r = await q.query(
    'SELECT a.queue_id, r.batch_id FROM attempts a JOIN rows r ON r.id = a.row_id WHERE a.queue_id = ANY($1::text[]) LIMIT 1',
    [queueIds],
  );
  const hit = r.rows[0] as SqlRow | undefined;
  if (hit) {
    throw new StudioImportConflictError(
      `Paid job ${String(hit.queue_id)} is already in the studio queue (batch ${String(hit.batch_id)}): this local queue, or a copy of it, ` +
        'was moved there before from another place. Nothing was moved.',
    );
  }
}

async function copyBatch(db: Db, q: pg.ClientBase, b: SqlRow, origin: { host: string; queueFile: string }): Promise<MovedBatch> {
  const localId = Number(b.id);
  const nb = await one(
    q,
    `INSERT INTO batches (name, source_path, source_hash, settings_json, output_dir, name_template, budget_usd, base_url,
       rehearsal, status, pause_reason, created_at, updated_at, report_seen_at)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14) RETURNING id`,
    [b.name, b.source_path, b.source_hash, b.settings_json, b.output_dir, b.name_template, b.budget_usd, b.base_url,
      bool(b.rehearsal), b.status, b.pause_reason === MOVING_REASON ? CAUGHT_MID_MOVE : b.pause_reason, b.created_at, b.updated_at,
      n(b.report_seen_at)],
  );
  const batchId = Number(nb.id);
  const moved: MovedBatch = { localBatchId: localId, batchId, name: String(b.name), rows: 0, paidJobs: 0, onVenice: 0, inDoubt: 0, done: 0, timeline: false };

  const rowIds = new Map<number, number>();
  const interrupted = new Set<number>();
  for (const r of all(db, 'SELECT * FROM rows WHERE batch_id = ? ORDER BY position, id', localId)) {
    let state = String(r.state);
    let errorKind = r.error_kind;
    let errorMessage = r.error_message;
    if (state === 'submitting') {
      // Sent or not, nobody knows: a person decides (recover.ts does the same after a local restart).
      state = 'in_doubt';
      errorKind = 'in_doubt';
      errorMessage = INTERRUPTED_MESSAGE;
      interrupted.add(Number(r.id));
    }
    // Work a machine picks up is due at once; nothing is due "later" on another machine's reckoning.
    const due = ['ready', 'queued', 'processing', 'downloading', 'verifying'].includes(state) ? 0 : (n(r.next_action_at) ?? 0);
    const nr = await one(
      q,
      `INSERT INTO rows (batch_id, row_index, position, take, params_json, name, extras_json, state, quote_usd, error_kind,
         error_message, suggested_prompt, file_path, next_action_at, updated_at)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15) RETURNING id`,
      [batchId, r.row_index, r.position, r.take, r.params_json, r.name, r.extras_json, state, r.quote_usd, errorKind,
        errorMessage, r.suggested_prompt, r.file_path, due, r.updated_at],
    );
    rowIds.set(Number(r.id), Number(nr.id));
    moved.rows++;
    if (state === 'queued' || state === 'processing') moved.onVenice++;
    if (state === 'in_doubt') moved.inDoubt++;
    if (state === 'done') moved.done++;
  }

  const attemptIds = new Map<number, number>();
  const localRows = [...rowIds.keys()];
  const attempts = localRows.length
    ? all(db, `SELECT a.* FROM attempts a JOIN rows r ON r.id = a.row_id WHERE r.batch_id = ? ORDER BY a.id`, localId)
    : [];
  for (const a of attempts) {
    const interruptedNow = interrupted.has(Number(a.row_id)) && a.state === 'submitting';
    const na = await one(
      q,
      `INSERT INTO attempts (row_id, attempt_no, state, model, request_json, queue_id, download_url_enc, quote_usd, charged,
         submitted_at, queued_at, finished_at, avg_execution_ms, execution_ms, polls, download_tries, bytes, file_path,
         remote_deleted, error_kind, error_message, request_id)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21,$22) RETURNING id`,
      [rowIds.get(Number(a.row_id)), a.attempt_no, interruptedNow ? 'in_doubt' : a.state, a.model, a.request_json, a.queue_id,
        a.download_url_enc, a.quote_usd, bool(a.charged), a.submitted_at, a.queued_at, a.finished_at, a.avg_execution_ms,
        a.execution_ms, a.polls, a.download_tries, a.bytes, a.file_path, bool(a.remote_deleted),
        interruptedNow ? 'interrupted' : a.error_kind, interruptedNow ? INTERRUPTED_MESSAGE : a.error_message, a.request_id],
    );
    attemptIds.set(Number(a.id), Number(na.id));
    if (a.queue_id !== null) moved.paidJobs++;
  }
  for (const r of all(db, 'SELECT id, current_attempt_id FROM rows WHERE batch_id = ? AND current_attempt_id IS NOT NULL', localId)) {
    await q.query('UPDATE rows SET current_attempt_id = $1 WHERE id = $2', [attemptIds.get(Number(r.current_attempt_id)), rowIds.get(Number(r.id))]);
  }

  for (const e of all(db, 'SELECT * FROM events WHERE batch_id = ? ORDER BY id', localId)) {
    const rowId = e.row_id === null ? null : (rowIds.get(Number(e.row_id)) ?? null);
    await q.query('INSERT INTO events (batch_id, row_id, at, kind, message, data_json) VALUES ($1,$2,$3,$4,$5,$6)', [batchId, rowId, e.at, e.kind, e.message, e.data_json]);
  }
  for (const localRow of interrupted) {
    await q.query("INSERT INTO events (batch_id, row_id, at, kind, message) VALUES ($1,$2,vb_now_ms(),'in_doubt',$3)", [batchId, rowIds.get(localRow), INTERRUPTED_MESSAGE]);
  }

  for (const h of all(db, 'SELECT * FROM holds WHERE batch_id = ? ORDER BY id', localId)) {
    await q.query(
      'INSERT INTO holds (scope, batch_id, base_url, cause, message, auto, started_at, ended_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)',
      [h.scope, batchId, h.base_url, h.cause, h.message, bool(h.auto), h.started_at, h.ended_at],
    );
  }

  moved.timeline = await copyTimeline(db, q, localId, batchId, rowIds);
  for (const m of all(db, 'SELECT * FROM music_beds WHERE batch_id = ?', localId)) {
    await q.query(
      'INSERT INTO music_beds (batch_id, file_path, file_name, duration_sec, volume, fade_out_sec, updated_at) VALUES ($1,$2,$3,$4,$5,$6,$7)',
      [batchId, m.file_path, m.file_name, m.duration_sec, m.volume, m.fade_out_sec, m.updated_at],
    );
  }

  const source: BatchSource = { ...origin, localBatchId: localId, createdAt: Number(b.created_at) };
  await q.query("INSERT INTO events (batch_id, row_id, at, kind, message, data_json) VALUES ($1, NULL, vb_now_ms(), $2, $3, $4)", [
    batchId,
    IMPORT_EVENT,
    `Moved into the studio queue from ${origin.host}'s own queue (its batch ${localId})`,
    JSON.stringify({ source: sourceKey(source), ...source }),
  ]);
  return moved;
}

/** The timeline names rows by id: each id becomes the shared queue's id for the same row. */
async function copyTimeline(db: Db, q: pg.ClientBase, localId: number, batchId: number, rowIds: Map<number, number>): Promise<boolean> {
  const t = db.prepare('SELECT json, updated_at FROM timelines WHERE batch_id = ?').get(localId) as SqlRow | undefined;
  if (!t) return false;
  const parsed = JSON.parse(String(t.json)) as { clips?: Array<{ rowId: number }> } & Record<string, unknown>;
  const clips = (parsed.clips ?? []).filter((c) => rowIds.has(c.rowId)).map((c) => ({ ...c, rowId: rowIds.get(c.rowId) }));
  await q.query('INSERT INTO timelines (batch_id, json, updated_at) VALUES ($1,$2,$3)', [batchId, JSON.stringify({ ...parsed, clips }), t.updated_at]);
  return true;
}

/** Probes are keyed by file path; a path already probed in the shared queue keeps its entry. */
async function copyClipProbes(db: Db, q: pg.ClientBase): Promise<number> {
  let added = 0;
  for (const p of all(db, 'SELECT * FROM clip_probes')) {
    const r = await q.query(
      `INSERT INTO clip_probes (file_path, size, mtime_ms, ino, info_json, updated_at) VALUES ($1,$2,$3,$4,$5,$6)
       ON CONFLICT (file_path) DO NOTHING`,
      [p.file_path, p.size, p.mtime_ms, p.ino, p.info_json, p.updated_at],
    );
    added += r.rowCount ?? 0;
  }
  return added;
}
