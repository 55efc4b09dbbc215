/**
 * Holds in the studio queue (migration 2): the same records as the local queue's hold-store.ts. Each machine keeps
 * its own holds in memory (holds.ts: its network, its key, its view of the shared folder); what lands here is the
 * history the morning report adds up, and what a machine starting again takes up.
 */
import type { HoldCause, HoldRecord, HoldScope, NewHold } from '../hold-store';
import type { HoldStoreApi } from '../store-api';
import type { SqlRow } from '../store-records';
import type { Queryable } from './queryable';

/** Opening a hold checks for an open one first: serialised per target, so two machines seeing it at once make one. */
const HOLD_LOCK = 'venice-batch hold ';

function toHold(r: SqlRow): HoldRecord {
  return {
    id: Number(r.id),
    scope: String(r.scope) as HoldScope,
    batchId: r.batch_id === null ? null : Number(r.batch_id),
    baseUrl: r.base_url === null ? null : String(r.base_url),
    cause: String(r.cause) as HoldCause,
    message: String(r.message),
    auto: r.auto === true,
    startedAt: Number(r.started_at),
    endedAt: r.ended_at === null ? null : Number(r.ended_at),
  };
}

export class PgHolds implements HoldStoreApi {
  constructor(
    private readonly q: Queryable,
    private readonly atomically: <T>(fn: (q: Queryable) => Promise<T>) => Promise<T>,
  ) {}

  open(h: NewHold): Promise<number> {
    return openHold(this.atomically, h);
  }

  async record(h: Omit<NewHold, 'at'> & { from: number; to: number }): Promise<void> {
    await this.q.query(
      'INSERT INTO holds (scope, batch_id, base_url, cause, message, auto, started_at, ended_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)',
      [h.scope, h.batchId ?? null, h.baseUrl ?? null, h.cause, h.message, h.auto, Math.round(h.from), Math.round(h.to)],
    );
  }

  async close(id: number, at: number): Promise<void> {
    await this.q.query('UPDATE holds SET ended_at = GREATEST($1, started_at) WHERE id = $2 AND ended_at IS NULL', [Math.round(at), id]);
  }

  async closeManual(batchId: number, at: number): Promise<void> {
    await closeManualHolds(this.q, batchId, at);
  }

  async openHolds(): Promise<HoldRecord[]> {
    return ((await this.q.query('SELECT * FROM holds WHERE ended_at IS NULL ORDER BY id')).rows as SqlRow[]).map(toHold);
  }

  async touching(batchId: number, baseUrl: string, from: number, to: number): Promise<HoldRecord[]> {
    const r = await this.q.query(
      `SELECT * FROM holds
       WHERE (batch_id = $1 OR (scope = 'endpoint' AND base_url = $2) OR scope = 'engine')
         AND started_at <= $3 AND (ended_at IS NULL OR ended_at >= $4)
       ORDER BY started_at, id`,
      [batchId, baseUrl, Math.round(to), Math.round(from)],
    );
    return (r.rows as SqlRow[]).map(toHold);
  }
}

/** See HoldStoreApi.open; `atomically` runs the check and the insert in one transaction. */
export function openHold(atomically: <T>(fn: (q: Queryable) => Promise<T>) => Promise<T>, h: NewHold): Promise<number> {
  return atomically(async (q) => {
    await q.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`${HOLD_LOCK}${h.scope} ${h.batchId ?? ''} ${h.baseUrl ?? ''} ${h.cause}`]);
    const existing = (
      await q.query(
        `SELECT id FROM holds WHERE ended_at IS NULL AND scope = $1 AND cause = $2
           AND batch_id IS NOT DISTINCT FROM $3 AND base_url IS NOT DISTINCT FROM $4`,
        [h.scope, h.cause, h.batchId ?? null, h.baseUrl ?? null],
      )
    ).rows[0] as SqlRow | undefined;
    if (existing) {
      await q.query('UPDATE holds SET message = $1 WHERE id = $2', [h.message, existing.id]);
      return Number(existing.id);
    }
    const r = await q.query(
      'INSERT INTO holds (scope, batch_id, base_url, cause, message, auto, started_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id',
      [h.scope, h.batchId ?? null, h.baseUrl ?? null, h.cause, h.message, h.auto, Math.round(h.at)],
    );
    return Number((r.rows[0] as SqlRow).id);
  });
}

export async function closeManualHolds(q: Queryable, batchId: number, at: number): Promise<void> {
  await q.query('UPDATE holds SET ended_at = GREATEST($1, started_at) WHERE batch_id = $2 AND auto = false AND ended_at IS NULL', [Math.round(at), batchId]);
}
