/**
 * The studio queue: QueueStoreApi on a shared PostgreSQL (`VENICE_BATCH_DB=postgres://...`). Every machine of a
 * studio opens the same database; rows are shared out by claims with leases (claims.ts), and the schema is created
 * and migrated by the app itself (schema.ts).
 */
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import pg from 'pg';
import { connectionConfig } from './connection-config';
import type { KnownProbe } from '../../media/media-info';
import { toRow, type SqlRow } from '../store-records';
import {
  DEFAULT_LEASE_TIMING,
  LeaseLostError,
  RowStateError,
  type ClaimedCompletion,
  type ClaimedRow,
  type ClaimOptions,
  type ExpirySummary,
  type HoldStoreApi,
  type Lease,
  type LeaseTiming,
  type LeaseView,
  type PaidAnswer,
  type PaidAnswerOutcome,
  type PollMove,
  type QueueStoreApi,
  type QueueTx,
  type SubmissionClaim,
  type SubmissionClaimOptions,
  type WorkerInfo,
  type WriteGuard,
} from '../store-api';
import { applyExpiry, claimDue, claimOwedCompletes, claimReady, EXPIRY_LOCK, renew } from './claims';
import { applyPaidAnswer } from './paid-answer';
import { PgHolds } from './pg-holds';
import { PgAccountLimiter, type PgLimiterOptions } from './pg-limiter';
import { PgOps, type Queryable } from './pg-ops';
import { PgTimelines } from './pg-timelines';
import { listLeases, listWorkers } from './workers';
import { migrate, SCHEMA } from './schema';

export interface PgStoreOptions {
  lease?: Partial<LeaseTiming>;
  /** Connections this process keeps open. */
  poolSize?: number;
  /** Called when an idle connection breaks (the next query reconnects); the engine pauses on it. */
  onConnectionError?: (e: Error) => void;
}

/** A worker unseen for this long, holding nothing, is forgotten. */
const FORGET_WORKER_MS = 10 * 60_000;

/** host/database of a connection URL, for the user: never the user name or password. */
export function describePgUrl(url: string): string {
  try {
    const u = new URL(url);
    return `PostgreSQL ${u.hostname}${u.port ? `:${u.port}` : ''}${u.pathname}`;
  } catch {
    return 'PostgreSQL (unreadable address)';
  }
}

function leaseOf(r: SqlRow): ClaimedRow {
  return {
    row: toRow(r),
    lease: { rowId: Number(r.id), owner: String(r.lease_owner), token: String(r.lease_token) },
    leaseUntil: Number(r.lease_until),
  };
}

/**
 * A connection taken from the pool for several statements. The pool listens for errors of idle connections only:
 * one that breaks while checked out (the server stopped mid-transaction) emits 'error' on the client, which unheard
 * would end the process. The failing query rejects by itself; a broken connection is thrown away, not given back.
 */
async function checkOut(pool: pg.Pool): Promise<{ client: pg.PoolClient; giveBack: (broken?: boolean) => void }> {
  const client = await pool.connect();
  let lost = false;
  const onError = () => {
    lost = true;
  };
  client.on('error', onError);
  return {
    client,
    giveBack: (broken = false) => {
      client.off('error', onError);
      client.release(broken || lost);
    },
  };
}

export class PgQueueStore extends PgOps implements QueueStoreApi {
  readonly kind = 'postgres' as const;
  readonly timelines: PgTimelines;
  readonly holds: HoldStoreApi;
  private readonly lease: LeaseTiming;
  /** Database clock minus this machine's clock, measured at open and at each renewal. */
  private clockOffsetMs = 0;
  private readonly workers = new Map<string, WorkerInfo>();

  private constructor(
    private readonly pool: pg.Pool,
    private readonly url: string,
    opts: PgStoreOptions,
  ) {
    super(pool, (fn) => this.inTransaction(fn));
    this.lease = { ...DEFAULT_LEASE_TIMING, ...opts.lease };
    this.timelines = new PgTimelines(pool);
    this.holds = new PgHolds(pool, (fn) => this.inTransaction(fn));
  }

  /** Connects, creates or migrates the schema, and measures the database's clock. */
  static async open(url: string, opts: PgStoreOptions = {}): Promise<PgQueueStore> {
    const pool = new pg.Pool({
      ...connectionConfig(url),
      max: opts.poolSize ?? 4,
      // Every connection works in the app's own schema.
      options: `-c search_path=${SCHEMA}`,
      connectionTimeoutMillis: 10_000,
      // A database that vanished without closing its connections (a cable pulled, a VPN dropped) must not leave a
      // query waiting for ever: the scheduler would hold a claim or a send reservation with nothing behind it. Any
      // call past this fails as "cannot be reached" and the engine pauses as for any other outage.
      query_timeout: 60_000,
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
    });
    // An idle connection that breaks must not crash the process: report it; the next query reconnects.
    pool.on('error', (e) => opts.onConnectionError?.(e));
    // Nor one being thrown away: a connection given back broken is ended with no listener of the pool's on it, and
    // the server's "terminating connection" can still arrive on it (seen once as an uncaught error when the
    // database stopped under a running engine). Its queries fail by themselves; the event itself is news to no one.
    pool.on('connect', (client) => client.on('error', () => undefined));
    const store = new PgQueueStore(pool, url, opts);
    try {
      const { client, giveBack } = await checkOut(pool);
      try {
        await migrate(client);
      } finally {
        giveBack();
      }
      await store.measureClock();
    } catch (e) {
      await pool.end().catch(() => {});
      throw e;
    }
    return store;
  }

  describe(): string {
    return describePgUrl(this.url);
  }

  /** The account's limiter, in this database, shared with every machine using the same key. */
  accountLimiter(account: string, opts: PgLimiterOptions = {}): PgAccountLimiter {
    return new PgAccountLimiter(this.pool, account, opts);
  }

  now(): number {
    return Date.now() + this.clockOffsetMs;
  }

  private async measureClock(): Promise<void> {
    const t0 = Date.now();
    const r = await this.pool.query('SELECT vb_now_ms() AS t');
    const t1 = Date.now();
    this.clockOffsetMs = Math.round(Number((r.rows[0] as SqlRow).t) - (t0 + t1) / 2);
  }

  private async inTransaction<T>(fn: (q: Queryable) => Promise<T>, opts: { durable?: boolean } = {}): Promise<T> {
    const { client, giveBack } = await checkOut(this.pool);
    let broken = false;
    try {
      await client.query('BEGIN');
      // Whatever the server's default, a commit that precedes money waits for the WAL to reach disk.
      if (opts.durable) await client.query('SET LOCAL synchronous_commit = on');
      const out = await fn(client);
      await client.query('COMMIT');
      return out;
    } catch (e) {
      await client.query('ROLLBACK').catch(() => {
        broken = true;
      });
      throw e;
    } finally {
      giveBack(broken);
    }
  }

  async tx<T>(fn: (t: QueueTx) => Promise<T>): Promise<T> {
    return this.inTransaction((client) => fn(new PgOps(client, (inner) => inner(client))));
  }

  // ---- money ----

  async beginSubmit(guard: WriteGuard, model: string, requestJson: string, quoteUsd: number | null): Promise<number> {
    const { rowId, owner, token } = guard.lease;
    return this.inTransaction(
      async (q) => {
        // One statement: the row must be ready and ours; the attempt and the row's move commit together.
        const r = await q.query(
          `WITH held AS (
             SELECT id FROM rows WHERE id = $1 AND state = 'ready' AND lease_owner = $2 AND lease_token = $3 FOR UPDATE),
           a AS (
             INSERT INTO attempts (row_id, attempt_no, state, model, request_json, quote_usd, submitted_at)
             SELECT held.id, (SELECT COALESCE(MAX(attempt_no), 0) + 1 FROM attempts WHERE row_id = held.id),
                    'submitting', $4, $5, $6, vb_now_ms() FROM held
             RETURNING id, row_id)
           UPDATE rows SET state = 'submitting', current_attempt_id = a.id, error_kind = NULL, error_message = NULL,
             suggested_prompt = NULL, updated_at = vb_now_ms()
           FROM a WHERE rows.id = a.row_id RETURNING a.id AS attempt_id`,
          [rowId, owner, token, model, requestJson, quoteUsd],
        );
        const hit = r.rows[0] as SqlRow | undefined;
        if (hit) return Number(hit.attempt_id);
        const now = (await q.query('SELECT state, lease_owner, lease_token FROM rows WHERE id = $1', [rowId])).rows[0] as SqlRow | undefined;
        if (!now) throw new Error(`Row ${rowId} does not exist`);
        if (now.lease_owner !== owner || now.lease_token !== token) throw new LeaseLostError(rowId);
        throw new RowStateError(rowId, 'ready');
      },
      { durable: true },
    );
  }

  async applyPaidAnswer(answer: PaidAnswer): Promise<PaidAnswerOutcome> {
    return this.inTransaction((q) => applyPaidAnswer(q, answer), { durable: true });
  }

  // ---- workers and leases ----

  async registerWorker(role: string): Promise<WorkerInfo> {
    const id = randomUUID();
    const r = await this.pool.query(
      `INSERT INTO workers (id, host, pid, role, started_at, last_seen) VALUES ($1, $2, $3, $4, vb_now_ms(), vb_now_ms())
       RETURNING started_at`,
      [id, os.hostname(), process.pid, role],
    );
    const at = Number((r.rows[0] as SqlRow).started_at);
    const info: WorkerInfo = { id, host: os.hostname(), pid: process.pid, role, startedAt: at, lastSeenAt: at };
    this.workers.set(id, info);
    return info;
  }

  async unregisterWorker(workerId: string): Promise<void> {
    await this.inTransaction(async (q) => {
      await applyExpiry(q, { owner: workerId });
      await q.query('DELETE FROM workers WHERE id = $1', [workerId]);
    });
    this.workers.delete(workerId);
  }

  async listWorkers(): Promise<WorkerInfo[]> {
    return listWorkers(this.pool);
  }

  async claimSubmissions(workerId: string, batchId: number, opts: SubmissionClaimOptions): Promise<SubmissionClaim> {
    // One call on the pool: its own transaction, so the queue-wide lock it takes goes at its commit. Not durable (no
    // claim is): beginSubmit's durable commit, which a send waits for, flushes the claim's with it.
    const got = await claimReady(this.pool, { owner: workerId, batchId, limit: opts.limit, leaseMs: this.lease.leaseMs, maxInFlight: opts.maxInFlight });
    return { claimed: got.rows.map(leaseOf), budgetReached: got.budgetReached };
  }

  async claimPolls(workerId: string, opts: ClaimOptions): Promise<ClaimedRow[]> {
    return (await claimDue(this.pool, { owner: workerId, states: 'poll', limit: opts.limit, leaseMs: this.lease.leaseMs, batchIds: opts.batchIds })).map(leaseOf);
  }

  async claimResumes(workerId: string, opts: ClaimOptions): Promise<ClaimedRow[]> {
    return (await claimDue(this.pool, { owner: workerId, states: 'resume', limit: opts.limit, leaseMs: this.lease.leaseMs, batchIds: opts.batchIds })).map(leaseOf);
  }

  async claimCompletes(workerId: string, opts: ClaimOptions): Promise<ClaimedCompletion[]> {
    const got = await claimOwedCompletes(this.pool, { owner: workerId, limit: opts.limit, leaseMs: this.lease.leaseMs, batchIds: opts.batchIds });
    return got.map((g) => ({ ...leaseOf(g.row), attempt: g.attempt }));
  }

  async renewLeases(workerId: string): Promise<Lease[]> {
    const info = this.workers.get(workerId);
    // A worker forgotten while it could not reach the database comes back under the same id.
    if (info) {
      await this.pool.query(
        `INSERT INTO workers (id, host, pid, role, started_at, last_seen) VALUES ($1, $2, $3, $4, $5, vb_now_ms())
         ON CONFLICT (id) DO UPDATE SET last_seen = excluded.last_seen`,
        [info.id, info.host, info.pid, info.role, info.startedAt],
      );
    }
    const rows = await renew(this.pool, workerId, this.lease.leaseMs);
    await this.measureClock();
    return rows.map((r) => ({ rowId: Number(r.id), owner: workerId, token: String(r.lease_token) }));
  }

  async releaseLease(lease: Lease): Promise<void> {
    await this.inTransaction(async (q) => {
      const r = await q.query('SELECT state FROM rows WHERE id = $1 AND lease_owner = $2 AND lease_token = $3 FOR UPDATE', [
        lease.rowId,
        lease.owner,
        lease.token,
      ]);
      const held = r.rows[0] as SqlRow | undefined;
      if (!held) return;
      // A row being sent always has a holder; given back, it is in doubt (the expiry rule for it).
      if (held.state === 'submitting') await applyExpiry(q, { lease });
      else await q.query('UPDATE rows SET lease_owner = NULL, lease_token = NULL, lease_until = NULL WHERE id = $1', [lease.rowId]);
    });
  }

  async expireLeases(): Promise<ExpirySummary> {
    return this.inTransaction(async (q) => {
      // One machine at a time; the others find the lock taken and leave it to that one.
      const got = await q.query('SELECT pg_try_advisory_xact_lock($1) AS ok', [EXPIRY_LOCK]);
      if (!(got.rows[0] as SqlRow).ok) return { inDoubt: 0, repoll: 0, resume: 0, released: 0 };
      const summary = await applyExpiry(q, { expired: true });
      await q.query(
        `DELETE FROM workers w WHERE w.last_seen < vb_now_ms() - $1 AND NOT EXISTS (SELECT 1 FROM rows r WHERE r.lease_owner = w.id)`,
        [FORGET_WORKER_MS],
      );
      return summary;
    });
  }

  async listLeases(batchId?: number): Promise<LeaseView[]> {
    return listLeases(this.pool, batchId);
  }

  async saveClipProbe(filePath: string, probe: KnownProbe): Promise<void> {
    await this.pool.query(
      `INSERT INTO clip_probes (file_path, size, mtime_ms, ino, info_json, updated_at) VALUES ($1, $2, $3, $4, $5, vb_now_ms())
       ON CONFLICT (file_path) DO UPDATE SET size = excluded.size, mtime_ms = excluded.mtime_ms, ino = excluded.ino,
         info_json = excluded.info_json, updated_at = excluded.updated_at`,
      [filePath, probe.size, probe.mtimeMs, probe.ino, JSON.stringify(probe.info)],
    );
  }

  async clipProbe(filePath: string): Promise<KnownProbe | undefined> {
    const r = (await this.pool.query('SELECT size, mtime_ms, ino, info_json FROM clip_probes WHERE file_path = $1', [filePath])).rows[0] as SqlRow | undefined;
    if (!r) return undefined;
    try {
      return { size: Number(r.size), mtimeMs: Number(r.mtime_ms), ino: Number(r.ino), info: JSON.parse(String(r.info_json)) as KnownProbe['info'] };
    } catch {
      return undefined;
    }
  }

  async advancePolls(moves: readonly PollMove[]): Promise<number[]> {
    if (moves.length === 0) return [];
    const r = await this.pool.query(
      `UPDATE rows r SET next_action_at = m.to_at
       FROM unnest($1::bigint[], $2::bigint[], $3::bigint[]) AS m(id, from_at, to_at)
       WHERE r.id = m.id AND r.next_action_at = m.from_at AND m.to_at < m.from_at
         AND r.state IN ('queued', 'processing') AND r.lease_token IS NULL
       RETURNING r.id`,
      [moves.map((m) => m.rowId), moves.map((m) => Math.round(m.from)), moves.map((m) => Math.round(m.to))],
    );
    return r.rows.map((x) => Number((x as SqlRow).id));
  }

  async pollAllNow(): Promise<number> {
    const r = await this.pool.query(
      "UPDATE rows SET next_action_at = vb_now_ms() WHERE state IN ('queued', 'processing') AND lease_token IS NULL",
    );
    return r.rowCount ?? 0;
  }

  async check(): Promise<string> {
    try {
      await this.pool.query('SELECT 1');
      return 'ok';
    } catch (e) {
      return `The studio queue (${this.describe()}) cannot be reached: ${(e as Error).message}`;
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
