/**
 * Holds: the spans of time in which work stood still, and why (migration 3). A hold is either one the engine lifts
 * by itself once its cause is gone (`auto`: a full disk, a vanished output folder, no network, a refused key,
 * Venice at capacity) or a pause only a person ends (`user`, `budget`, `balance`, `no_key`). The machine sleeping is
 * written as a hold that is already over. Open holds survive a restart; closed ones feed the morning report.
 */
import type { Db } from './db';
import { num, str, type SqlRow } from './store-records';

export type HoldScope = 'batch' | 'endpoint' | 'engine';

export type HoldCause =
  | 'disk_full'
  | 'folder_missing'
  | 'folder_unwritable'
  | 'offline'
  | 'capacity'
  | 'key'
  | 'sleep'
  | 'user'
  | 'budget'
  | 'balance'
  | 'no_key'
  /** The studio queue's database cannot be reached (never written: it is the store that is away). */
  | 'queue_offline';

export interface HoldRecord {
  id: number;
  scope: HoldScope;
  batchId: number | null;
  baseUrl: string | null;
  cause: HoldCause;
  message: string;
  /** True when the engine lifts it by itself. */
  auto: boolean;
  startedAt: number;
  endedAt: number | null;
}

export interface NewHold {
  scope: HoldScope;
  batchId?: number | null;
  baseUrl?: string | null;
  cause: HoldCause;
  message: string;
  auto: boolean;
  at: number;
}

function toHold(r: SqlRow): HoldRecord {
  return {
    id: Number(r.id),
    scope: String(r.scope) as HoldScope,
    batchId: num(r.batch_id),
    baseUrl: str(r.base_url),
    cause: String(r.cause) as HoldCause,
    message: String(r.message),
    auto: Number(r.auto) === 1,
    startedAt: Number(r.started_at),
    endedAt: num(r.ended_at),
  };
}

export class HoldStore {
  constructor(private readonly db: Db) {}

  /**
   * Opens a hold, or returns the one already open for the same target and cause (its message updated): a cause
   * that persists is one hold, however often it is noticed.
   */
  open(h: NewHold): number {
    const existing = this.db
      .prepare('SELECT id FROM holds WHERE ended_at IS NULL AND scope = ? AND cause = ? AND batch_id IS ? AND base_url IS ?')
      .get(h.scope, h.cause, h.batchId ?? null, h.baseUrl ?? null) as SqlRow | undefined;
    if (existing) {
      this.db.prepare('UPDATE holds SET message = ? WHERE id = ?').run(h.message, Number(existing.id));
      return Number(existing.id);
    }
    const res = this.db
      .prepare('INSERT INTO holds (scope, batch_id, base_url, cause, message, auto, started_at) VALUES (?,?,?,?,?,?,?)')
      .run(h.scope, h.batchId ?? null, h.baseUrl ?? null, h.cause, h.message, h.auto ? 1 : 0, h.at);
    return Number(res.lastInsertRowid);
  }

  /** A span that is already over (the machine was asleep from `from` to `to`). */
  record(h: Omit<NewHold, 'at'> & { from: number; to: number }): void {
    this.db
      .prepare('INSERT INTO holds (scope, batch_id, base_url, cause, message, auto, started_at, ended_at) VALUES (?,?,?,?,?,?,?,?)')
      .run(h.scope, h.batchId ?? null, h.baseUrl ?? null, h.cause, h.message, h.auto ? 1 : 0, h.from, h.to);
  }

  close(id: number, at: number): void {
    this.db.prepare('UPDATE holds SET ended_at = MAX(?, started_at) WHERE id = ? AND ended_at IS NULL').run(at, id);
  }

  /** Ends the open person-made pauses of a batch (it was resumed or cancelled). */
  closeManual(batchId: number, at: number): void {
    this.db.prepare('UPDATE holds SET ended_at = MAX(?, started_at) WHERE batch_id = ? AND auto = 0 AND ended_at IS NULL').run(at, batchId);
  }

  /** Every hold still in force. */
  openHolds(): HoldRecord[] {
    return (this.db.prepare('SELECT * FROM holds WHERE ended_at IS NULL ORDER BY id').all() as SqlRow[]).map(toHold);
  }

  /**
   * Holds that touched a batch between `from` and `to`: its own, its endpoint's, and the machine's (asleep). An
   * open hold counts up to `to`.
   */
  touching(batchId: number, baseUrl: string, from: number, to: number): HoldRecord[] {
    return (
      this.db
        .prepare(
          `SELECT * FROM holds
           WHERE (batch_id = ? OR (scope = 'endpoint' AND base_url = ?) OR scope = 'engine')
             AND started_at <= ? AND (ended_at IS NULL OR ended_at >= ?)
           ORDER BY started_at, id`,
        )
        .all(batchId, baseUrl, to, from) as SqlRow[]
    ).map(toHold);
  }
}
