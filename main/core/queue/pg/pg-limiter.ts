/**
 * The account limiter of the studio queue: every machine's calls to Venice in one table (`venice_calls`), checked
 * and taken in one function call under an advisory lock (`vb_take_call_slot`, schema.ts), by the database clock. BullMQ's
 * Postgres limiter counts claims in a fixed window (2x the limit can pass across a boundary) and takes "now" from
 * its callers; this one counts requests in a sliding window and asks the server for the time.
 */
import type pg from 'pg';
import { ACCOUNT_WINDOW_MS, limitOf, type Acquired, type AccountLimiter, type AccountUsage, type SlotRef } from '../account-limiter';
import { routeBucket, VENICE_LIMITS, type LimitedRoute, type RateLimits } from '../rate-limiter';
import type { SqlRow } from '../store-records';

/** Rows older than this are never counted again; one call in 50 clears them. */
const KEEP_MS = 10 * 60_000;

export interface PgLimiterOptions {
  limits?: RateLimits;
  /** The sliding window (tests shrink it); Venice's is a minute, ours a little more. */
  windowMs?: number;
}

export class PgAccountLimiter implements AccountLimiter {
  private readonly limits: RateLimits;
  private readonly windowMs: number;

  constructor(
    private readonly pool: Pick<pg.Pool, 'query'>,
    /** accountIdFor(baseUrl, key): never the key itself. */
    private readonly account: string,
    opts: PgLimiterOptions = {},
  ) {
    this.limits = opts.limits ?? VENICE_LIMITS;
    this.windowMs = opts.windowMs ?? ACCOUNT_WINDOW_MS;
  }

  async acquire(route: string): Promise<Acquired> {
    const bucket = routeBucket(route);
    const r = await this.pool.query('SELECT wait, slot_id FROM vb_take_call_slot($1, $2, $3, $4, $5, $6)', this.windowArgs(bucket));
    if (Math.random() < 0.02) await this.prune();
    const row = r.rows[0] as SqlRow;
    const wait = Number(row.wait);
    return wait > 0 ? { ok: false, waitMs: wait } : { ok: true, slot: { bucket, id: Number(row.slot_id) } };
  }

  async freeInMs(route: string): Promise<number> {
    const r = await this.pool.query('SELECT vb_slot_wait($1, $2, $3, $4, $5, $6, vb_now_ms()) AS wait', this.windowArgs(routeBucket(route)));
    return Number((r.rows[0] as SqlRow).wait);
  }

  /** The account, the route and its window, and the error budget: what vb_take_call_slot and vb_slot_wait read. */
  private windowArgs(bucket: LimitedRoute): Array<string | number> {
    return [this.account, bucket, limitOf(this.limits, bucket), this.windowMs, this.limits.errorBudget, this.limits.errorWindowMs];
  }

  async restamp(slot: SlotRef): Promise<boolean> {
    // No advisory lock needed: a slot only moves later, within the window, and every slot taken meanwhile counted it.
    const r = await this.pool.query(
      `UPDATE venice_calls SET at = GREATEST(at, vb_now_ms()) WHERE id = $1 AND kind = 'slot' AND at > vb_now_ms() - $2 RETURNING id`,
      [slot.id, this.windowMs],
    );
    return (r.rowCount ?? 0) > 0;
  }

  async recordError(route: string): Promise<void> {
    await this.pool.query(`INSERT INTO venice_calls (account, route, kind, at) VALUES ($1, $2, 'error', vb_now_ms())`, [this.account, routeBucket(route)]);
  }

  async blockUntil(route: string, at: number): Promise<void> {
    await this.pool.query(`INSERT INTO venice_calls (account, route, kind, at, until) VALUES ($1, $2, 'block', vb_now_ms(), $3)`, [
      this.account,
      routeBucket(route),
      Math.round(at),
    ]);
  }

  async usage(): Promise<AccountUsage> {
    const r = await this.pool.query(
      `SELECT kind, route, COUNT(*) AS n FROM venice_calls
       WHERE account = $1 AND ((kind = 'slot' AND at > vb_now_ms() - $2) OR (kind = 'error' AND at > vb_now_ms() - $3))
       GROUP BY kind, route`,
      [this.account, this.windowMs, this.limits.errorWindowMs],
    );
    const used: Record<LimitedRoute, number> = { queue: 0, retrieve: 0, other: 0 };
    let errors = 0;
    for (const row of r.rows as SqlRow[]) {
      if (row.kind === 'error') errors += Number(row.n);
      else used[row.route as LimitedRoute] = Number(row.n);
    }
    const route = (b: LimitedRoute) => ({ used: used[b], limit: limitOf(this.limits, b) });
    return {
      windowMs: this.windowMs,
      queue: route('queue'),
      retrieve: route('retrieve'),
      other: route('other'),
      recentErrors: errors,
      errorBudget: this.limits.errorBudget,
    };
  }

  private async prune(): Promise<void> {
    await this.pool.query('DELETE FROM venice_calls WHERE at < vb_now_ms() - $1 AND (until IS NULL OR until < vb_now_ms())', [KEEP_MS]);
  }
}
