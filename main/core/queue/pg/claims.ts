/**
 * Claims, renewals and expiry in PostgreSQL: the statements that let several machines share one queue without
 * two of them working on the same row, and without a dead machine's rows waiting for a person.
 *
 * The shape is pg-boss's and graphile-worker's (a CTE picks due rows `FOR UPDATE SKIP LOCKED`, an UPDATE marks them
 * taken and returns them), with what they lack for money: a random token per claim that every later write must
 * match, renewal by the holder, and expiry that depends on the row's state instead of a blind retry.
 * All times come from `vb_now_ms()`, the database's clock.
 */
import { LEASE_EXPIRED_IN_DOUBT_MESSAGE, type ExpirySummary, type Lease, type SubmissionClaim } from '../store-api';
import { toAttempt, type SqlRow } from '../store-records';
import type { AttemptRecord } from '../types';
import { attemptColumns, rowColumns } from './records';
import type { Queryable } from './queryable';

/** Transaction-level advisory lock key for expiry (a constant unlikely to clash with another application's). */
export const EXPIRY_LOCK = 7_346_201_903;

const TAKE = (owner: string, leaseMs: string) =>
  `lease_owner = ${owner}, lease_token = gen_random_uuid()::text, lease_until = vb_now_ms() + ${leaseMs}`;
const RETURNING = `RETURNING ${rowColumns('rows')}, rows.lease_owner, rows.lease_token, rows.lease_until`;

export interface ReadyClaim {
  rows: SqlRow[];
  budgetReached: SubmissionClaim['budgetReached'];
}

/**
 * Takes up to `limit` due ready rows of an active batch in submission order, within its concurrency, the queue-wide
 * in-flight cap and its budget: one call of `vb_claim_submissions` (schema migration 4), which does the counting and
 * the taking under the queue-wide submission lock, in one round trip, so the lock is never held across the network.
 */
export async function claimReady(
  q: Queryable,
  args: { owner: string; batchId: number; limit: number; leaseMs: number; maxInFlight: number },
): Promise<ReadyClaim> {
  const c = '(c.claimed)';
  const r = await q.query(
    `SELECT ${rowColumns(c)}, ${c}.lease_owner, ${c}.lease_token, ${c}.lease_until, c.batch_budget_usd, c.batch_spent_usd, c.next_quote_usd
     FROM vb_claim_submissions($1, $2, $3, $4, $5) AS c`,
    [args.owner, args.batchId, args.limit, args.leaseMs, args.maxInFlight],
  );
  const out = r.rows as SqlRow[];
  // The function's last row, when the budget stopped it, carries the figures and no claimed row.
  const stop = out.find((x) => x.batch_budget_usd !== null);
  return {
    rows: out.filter((x) => x !== stop).sort((a, b) => Number(a.position) - Number(b.position) || Number(a.id) - Number(b.id)),
    budgetReached: stop
      ? { spentUsd: Number(stop.batch_spent_usd), budgetUsd: Number(stop.batch_budget_usd), nextQuoteUsd: Number(stop.next_quote_usd) }
      : null,
  };
}

/** Claims unheld rows in `states` that are due, earliest first (polls), or in id order (resumes). */
export async function claimDue(
  q: Queryable,
  args: { owner: string; states: 'poll' | 'resume'; limit: number; leaseMs: number; batchIds?: readonly number[] },
): Promise<SqlRow[]> {
  // NULL = every batch; the array test keeps the partial index usable (it filters after the index range).
  const only = `($4::bigint[] IS NULL OR batch_id = ANY($4::bigint[]))`;
  const where =
    args.states === 'poll'
      ? `state IN ('queued', 'processing') AND lease_token IS NULL AND next_action_at <= vb_now_ms() AND ${only} ORDER BY next_action_at, id`
      : `state IN ('downloading', 'verifying') AND lease_token IS NULL AND ${only} ORDER BY id`;
  const r = await q.query(
    `WITH due AS (SELECT id FROM rows WHERE ${where} LIMIT $2 FOR UPDATE SKIP LOCKED)
     UPDATE rows SET ${TAKE('$1', '$3')} FROM due WHERE rows.id = due.id ${RETURNING}`,
    [args.owner, args.limit, args.leaseMs, args.batchIds ? [...args.batchIds] : null],
  );
  return (r.rows as SqlRow[]).sort((a, b) => Number(a.next_action_at ?? 0) - Number(b.next_action_at ?? 0) || Number(a.id) - Number(b.id));
}

/** The attempt's columns beside the row's in one result: each prefixed, as both tables share most names. */
const ATTEMPT_NAMES = attemptColumns().split(', ');
const ATTEMPT_AS = ATTEMPT_NAMES.map((c) => `a.${c} AS attempt_${c}`).join(', ');
const attemptOf = (r: SqlRow): AttemptRecord => toAttempt(Object.fromEntries(ATTEMPT_NAMES.map((c) => [c, r[`attempt_${c}`]])));

/**
 * Claims rows holding a done attempt whose copy on Venice is still to be deleted, and marks the try on the attempt
 * (so the next offer waits a minute, whatever happens to this one). The attempt comes back with its row, as this
 * statement read it: only the row's holder writes to it, and the row was unheld (its try mark is not in the record).
 */
export async function claimOwedCompletes(
  q: Queryable,
  args: { owner: string; limit: number; leaseMs: number; batchIds?: readonly number[] },
): Promise<Array<{ row: SqlRow; attempt: AttemptRecord }>> {
  const r = await q.query(
    `WITH owed AS (
       SELECT a.row_id, MIN(a.id) AS attempt_id FROM attempts a
       WHERE a.state = 'done' AND a.remote_deleted = false AND a.queue_id IS NOT NULL
         AND (a.complete_tried_at IS NULL OR a.complete_tried_at <= vb_now_ms() - 60000)
         AND ($4::bigint[] IS NULL OR a.row_id IN (SELECT id FROM rows WHERE batch_id = ANY($4::bigint[])))
       GROUP BY a.row_id ORDER BY MIN(a.id) LIMIT $2),
     free AS (
       SELECT r.id, owed.attempt_id FROM rows r JOIN owed ON owed.row_id = r.id
       WHERE r.lease_token IS NULL FOR UPDATE OF r SKIP LOCKED),
     tried AS (UPDATE attempts SET complete_tried_at = vb_now_ms() FROM free WHERE attempts.id = free.attempt_id)
     UPDATE rows SET ${TAKE('$1', '$3')} FROM free JOIN attempts a ON a.id = free.attempt_id WHERE rows.id = free.id
     ${RETURNING}, ${ATTEMPT_AS}`,
    [args.owner, args.limit, args.leaseMs, args.batchIds ? [...args.batchIds] : null],
  );
  return (r.rows as SqlRow[]).map((row) => ({ row, attempt: attemptOf(row) }));
}

export async function renew(q: Queryable, owner: string, leaseMs: number): Promise<SqlRow[]> {
  const r = await q.query(
    // Rows locked in id order first, as expiry locks them: two machines' renewal and expiry never deadlock (seen
    // once in the studio proof test when each locked in its own scan order).
    `WITH mine AS (SELECT id FROM rows WHERE lease_owner = $1 AND lease_token IS NOT NULL ORDER BY id FOR UPDATE)
     UPDATE rows SET lease_until = vb_now_ms() + $2 FROM mine WHERE rows.id = mine.id RETURNING rows.id, rows.lease_token`,
    [owner, leaseMs],
  );
  return r.rows as SqlRow[];
}

/**
 * The expiry rules, for rows whose lease ran out, all rows of a worker that leaves, or one lease. Statement by
 * statement in the caller's transaction.
 */
export type ExpiryScope = { expired: true } | { owner: string } | { lease: Lease };

export async function applyExpiry(q: Queryable, scope: ExpiryScope): Promise<ExpirySummary> {
  const held =
    'expired' in scope
      ? 'lease_token IS NOT NULL AND lease_until < vb_now_ms()'
      : 'owner' in scope
        ? 'lease_owner = $1'
        : 'id = $1 AND lease_owner = $2 AND lease_token = $3';
  const args: Array<string | number> = 'expired' in scope ? [] : 'owner' in scope ? [scope.owner] : [scope.lease.rowId, scope.lease.owner, scope.lease.token];
  const clear = 'lease_owner = NULL, lease_token = NULL, lease_until = NULL, updated_at = vb_now_ms()';
  const n = (r: { rows: unknown[] }) => Number((r.rows[0] as SqlRow | undefined)?.n ?? 0);
  const msg = `$${args.length + 1}`;
  // Every row this expiry may touch, locked in id order before any update (renewals lock in the same order).
  await q.query(`SELECT id FROM rows WHERE ${held} ORDER BY id FOR UPDATE`, args);

  // The request may have left: a person decides. Row, attempt and event together.
  const inDoubt = await q.query(
    `WITH x AS (
       UPDATE rows SET state = 'in_doubt', error_kind = 'in_doubt', error_message = ${msg}, ${clear}
       WHERE ${held} AND state = 'submitting' RETURNING id, batch_id, current_attempt_id),
     a AS (UPDATE attempts SET state = 'in_doubt', error_kind = 'interrupted', error_message = ${msg}
           FROM x WHERE attempts.id = x.current_attempt_id AND attempts.state = 'submitting'),
     e AS (INSERT INTO events (batch_id, row_id, at, kind, message) SELECT batch_id, id, vb_now_ms(), 'in_doubt', ${msg} FROM x)
     SELECT COUNT(*) AS n FROM x`,
    [...args, LEASE_EXPIRED_IN_DOUBT_MESSAGE],
  );
  // Paid jobs on Venice: poll them again by their queue id, now.
  const repoll = await q.query(
    `WITH x AS (UPDATE rows SET next_action_at = vb_now_ms(), ${clear} WHERE ${held} AND state IN ('queued', 'processing') RETURNING id)
     SELECT COUNT(*) AS n FROM x`,
    args,
  );
  // A download or verification cut short: released for claimResumes, which looks at the files first.
  const resume = await q.query(
    `WITH x AS (UPDATE rows SET next_action_at = vb_now_ms(), ${clear} WHERE ${held} AND state IN ('downloading', 'verifying') RETURNING id)
     SELECT COUNT(*) AS n FROM x`,
    args,
  );
  // Anything else (claimed ready rows never sent, done rows owing a complete): just released.
  const released = await q.query(`WITH x AS (UPDATE rows SET ${clear} WHERE ${held} RETURNING id) SELECT COUNT(*) AS n FROM x`, args);
  return { inDoubt: n(inDoubt), repoll: n(repoll), resume: n(resume), released: n(released) };
}
