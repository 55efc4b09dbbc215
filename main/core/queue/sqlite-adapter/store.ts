/**
 * The local queue (one machine, one SQLite file: the default) behind QueueStoreApi, over today's QueueStore. The
 * same contract as the studio queue (pg/pg-store.ts); what differs is only where leases live (lease-book.ts) and
 * that one process owns the file (the engine lock, taken by `registerWorker`).
 */
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type { KnownProbe } from '../../media/media-info';
import { clipProbe, saveClipProbe } from '../clip-probes';
import { durably } from '../db';
import { acquireEngineLock, liveLockOwner } from '../engine-lock';
import type { JobState } from '../job-states';
import type { QueueStore } from '../store';
import {
  DEFAULT_LEASE_TIMING,
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
  type TimelineStoreApi,
  type WorkerInfo,
  type WriteGuard,
} from '../store-api';
import { TimelineStore } from '../timeline-store';
import type { NewBatch, NewRow, RowRecord } from '../types';
import { LeaseBook } from './lease-book';
import { SqliteOps } from './ops';
import { applyPaidAnswerSqlite, expireRow } from './rules';

const inBatches = (row: RowRecord, opts: ClaimOptions) => !opts.batchIds || opts.batchIds.includes(row.batchId);

const IN_FLIGHT: readonly JobState[] = ['submitting', 'queued', 'processing', 'downloading', 'verifying'];

export class SqliteQueueStore extends SqliteOps implements QueueStoreApi {
  readonly kind = 'sqlite' as const;
  readonly timelines: TimelineStoreApi;
  readonly holds: HoldStoreApi;
  private tail: Promise<unknown> = Promise.resolve();
  private readonly workers = new Map<string, WorkerInfo>();
  private releaseEngineLock: (() => void) | undefined;
  /** When each attempt's /video/complete was last offered (at most once a minute, as the studio queue does). */
  private readonly completeOfferedAt = new Map<number, number>();

  constructor(
    store: QueueStore,
    private readonly file: string,
    opts: { lease?: Partial<LeaseTiming>; now?: () => number } = {},
  ) {
    const now = opts.now ?? Date.now;
    const leases = new LeaseBook(now, { ...DEFAULT_LEASE_TIMING, ...opts.lease }.leaseMs);
    super(store, leases, (fn) => this.exclusive(fn), now);
    const timelines = new TimelineStore(store.db, now);
    const run = this.run;
    this.timelines = {
      getTimeline: (batchId) => run(() => timelines.getTimeline(batchId)),
      saveTimeline: (batchId, clips, markers) => run(() => timelines.saveTimeline(batchId, clips, markers)),
      getMusic: (batchId) => run(() => timelines.getMusic(batchId)),
      setMusicFile: (batchId, filePath, fileName, durationSec) => run(() => timelines.setMusicFile(batchId, filePath, fileName, durationSec)),
      setMusicMix: (batchId, volume, fadeOutSec) => run(() => timelines.setMusicMix(batchId, volume, fadeOutSec)),
      clearMusic: (batchId) => run(() => timelines.clearMusic(batchId)),
    };
    const holds = store.holds;
    this.holds = {
      open: (h) => run(() => holds.open(h)),
      record: (h) => run(() => holds.record(h)),
      close: (id, at) => run(() => holds.close(id, at)),
      closeManual: (batchId, at) => run(() => holds.closeManual(batchId, at)),
      openHolds: () => run(() => holds.openHolds()),
      touching: (batchId, baseUrl, from, to) => run(() => holds.touching(batchId, baseUrl, from, to)),
    };
  }

  /** The SQLite store underneath (one process owns it): for what only the local queue has, such as its request log. */
  get local(): QueueStore {
    return this.store;
  }

  /** Runs after everything queued before it, alone: the adapter's lock over the one connection. */
  private exclusive<T>(fn: () => T | Promise<T>): Promise<T> {
    const out = this.tail.then(fn);
    this.tail = out.catch(() => undefined);
    return out;
  }

  describe(): string {
    return `Local queue ${this.file}`;
  }

  now(): number {
    return this.clock();
  }

  createBatch(batch: NewBatch, rows: NewRow[]): Promise<number> {
    return this.run(() => this.store.createBatch(batch, rows));
  }

  tx<T>(fn: (t: QueueTx) => Promise<T>): Promise<T> {
    return this.exclusive(async () => {
      let open = true;
      const direct = <R>(f: () => R): Promise<R> => {
        if (!open) return Promise.reject(new Error('This transaction has ended'));
        return Promise.resolve().then(f);
      };
      const handle = new SqliteOps(this.store, this.leases, direct, this.clock);
      this.store.db.exec('BEGIN IMMEDIATE');
      try {
        const out = await fn(handle);
        this.store.db.exec('COMMIT');
        return out;
      } catch (e) {
        this.store.db.exec('ROLLBACK');
        throw e;
      } finally {
        open = false;
      }
    });
  }

  // ---- money ----

  beginSubmit(guard: WriteGuard, model: string, requestJson: string, quoteUsd: number | null): Promise<number> {
    return this.run(() => {
      this.assertHeld(guard);
      const row = this.store.getRow(guard.lease.rowId);
      if (!row) throw new Error(`Row ${guard.lease.rowId} does not exist`);
      if (row.state !== 'ready') throw new RowStateError(row.id, 'ready');
      return this.store.beginSubmit(row.id, model, requestJson, quoteUsd);
    });
  }

  applyPaidAnswer(answer: PaidAnswer): Promise<PaidAnswerOutcome> {
    return this.run(() => {
      const out = durably(this.store.db, () => applyPaidAnswerSqlite(this.store, answer));
      if (out === 'applied') this.leases.drop(answer.rowId);
      return out;
    });
  }

  // ---- workers and leases ----

  registerWorker(role: string): Promise<WorkerInfo> {
    return this.run(() => {
      // One engine per data folder: a second process gets EngineBusyError here.
      if (!this.releaseEngineLock) this.releaseEngineLock = acquireEngineLock(this.store.db, role);
      const at = this.clock();
      const info: WorkerInfo = { id: randomUUID(), host: os.hostname(), pid: process.pid, role, startedAt: at, lastSeenAt: at };
      this.workers.set(info.id, info);
      return info;
    });
  }

  unregisterWorker(workerId: string): Promise<void> {
    return this.run(() => {
      this.expire({ owner: workerId });
      this.workers.delete(workerId);
      if (this.workers.size === 0) {
        this.releaseEngineLock?.();
        this.releaseEngineLock = undefined;
      }
    });
  }

  listWorkers(): Promise<WorkerInfo[]> {
    return this.run(() => {
      if (this.workers.size) return [...this.workers.values()];
      // Another process's engine, as far as the lock tells.
      const owner = liveLockOwner(this.store.db);
      return owner ? [{ id: `pid-${owner.pid}`, host: owner.host, pid: owner.pid, role: owner.role, startedAt: owner.startedAt, lastSeenAt: owner.startedAt }] : [];
    });
  }

  private claim(workerId: string, rows: RowRecord[], limit: number): ClaimedRow[] {
    const out: ClaimedRow[] = [];
    for (const row of rows) {
      if (out.length >= limit) break;
      if (this.leases.isHeld(row.id)) continue;
      const { lease, until } = this.leases.take(row.id, workerId);
      out.push({ row, lease, leaseUntil: until });
    }
    return out;
  }

  claimSubmissions(workerId: string, batchId: number, opts: SubmissionClaimOptions): Promise<SubmissionClaim> {
    return this.run(() => {
      const batch = this.store.getBatch(batchId);
      if (!batch || batch.status !== 'active') return { claimed: [], budgetReached: null };
      const claimedReady = this.leases.entries().map((e) => this.store.getRow(e.rowId)).filter((r): r is RowRecord => r?.state === 'ready');
      const inFlight = this.store.rowsInStates(IN_FLIGHT);
      const room = Math.min(
        opts.maxInFlight - inFlight.length - claimedReady.length,
        batch.settings.concurrency - inFlight.filter((r) => r.batchId === batchId).length - claimedReady.filter((r) => r.batchId === batchId).length,
      );
      const limit = Math.min(opts.limit, room);
      if (limit <= 0) return { claimed: [], budgetReached: null };
      const due = this.store.dueRows(['ready'], this.clock(), limit + this.leases.entries().length, batchId).filter((r) => !this.leases.isHeld(r.id));
      let spentUsd = 0;
      if (batch.budgetUsd !== null) {
        const s = this.store.spend(batchId);
        spentUsd = s.chargedUsd + s.inDoubtUsd + claimedReady.filter((r) => r.batchId === batchId).reduce((n, r) => n + (r.quoteUsd ?? 0), 0);
      }
      const affordable: RowRecord[] = [];
      let budgetReached: SubmissionClaim['budgetReached'] = null;
      for (const row of due.slice(0, limit)) {
        const quote = row.quoteUsd ?? 0;
        if (batch.budgetUsd !== null && spentUsd + quote > batch.budgetUsd + 1e-9) {
          budgetReached = { spentUsd, budgetUsd: batch.budgetUsd, nextQuoteUsd: quote };
          break;
        }
        spentUsd += quote;
        affordable.push(row);
      }
      return { claimed: this.claim(workerId, affordable, limit), budgetReached };
    });
  }

  claimPolls(workerId: string, opts: ClaimOptions): Promise<ClaimedRow[]> {
    return this.run(() => {
      // Rows held (or of other batches) are skipped after reading, so read that many more.
      const extra = this.leases.entries().length + (opts.batchIds ? 10_000 : 0);
      const due = this.store.dueRows(['queued', 'processing'], this.clock(), opts.limit + extra).filter((r) => inBatches(r, opts));
      due.sort((a, b) => (a.nextActionAt ?? 0) - (b.nextActionAt ?? 0) || a.id - b.id);
      return this.claim(workerId, due, opts.limit);
    });
  }

  claimResumes(workerId: string, opts: ClaimOptions): Promise<ClaimedRow[]> {
    return this.run(() =>
      this.claim(
        workerId,
        this.store
          .rowsInStates(['downloading', 'verifying'])
          .filter((r) => inBatches(r, opts))
          .sort((a, b) => a.id - b.id),
        opts.limit,
      ),
    );
  }

  claimCompletes(workerId: string, opts: ClaimOptions): Promise<ClaimedCompletion[]> {
    return this.run(() => {
      const now = this.clock();
      const out: ClaimedCompletion[] = [];
      for (const attempt of this.store.attemptsOwingComplete(opts.limit + this.leases.entries().length + this.completeOfferedAt.size + 200)) {
        if (out.length >= opts.limit) break;
        if (this.leases.isHeld(attempt.rowId) || (this.completeOfferedAt.get(attempt.id) ?? -Infinity) > now - 60_000) continue;
        if (out.some((c) => c.row.id === attempt.rowId)) continue;
        const row = this.store.getRow(attempt.rowId);
        if (!row || !inBatches(row, opts)) continue;
        this.completeOfferedAt.set(attempt.id, now);
        const [claimed] = this.claim(workerId, [row], 1);
        if (claimed) out.push({ ...claimed, attempt });
      }
      return out;
    });
  }

  renewLeases(workerId: string): Promise<Lease[]> {
    return this.run(() => this.leases.renew(workerId));
  }

  releaseLease(lease: Lease): Promise<void> {
    return this.run(() => {
      if (!this.leases.matches(lease)) return;
      this.leases.drop(lease.rowId);
      // A row being sent always has a holder; given back, it is in doubt (the expiry rule for it).
      const row = this.store.getRow(lease.rowId);
      if (row?.state === 'submitting') this.store.tx(() => expireRow(this.store, row, this.clock()));
    });
  }

  expireLeases(): Promise<ExpirySummary> {
    return this.run(() => this.expire({ expired: true }));
  }

  private expire(scope: { expired: true } | { owner: string }): ExpirySummary {
    const summary: ExpirySummary = { inDoubt: 0, repoll: 0, resume: 0, released: 0 };
    const ids = this.leases.takeExpired(scope);
    const at = this.clock();
    this.store.tx(() => {
      for (const id of ids) {
        const row = this.store.getRow(id);
        if (row) summary[expireRow(this.store, row, at)]++;
      }
    });
    return summary;
  }

  listLeases(batchId?: number): Promise<LeaseView[]> {
    return this.run(() =>
      this.leases
        .entries()
        .map((e) => ({ e, row: this.store.getRow(e.rowId) }))
        .filter(({ row }) => row && (batchId === undefined || row.batchId === batchId))
        .map(({ e, row }) => {
          const w = this.workers.get(e.owner);
          return {
            rowId: e.rowId,
            batchId: (row as RowRecord).batchId,
            state: (row as RowRecord).state,
            worker: w ? { id: w.id, host: w.host, pid: w.pid, role: w.role } : null,
            leaseUntil: e.until,
          };
        }),
    );
  }

  saveClipProbe(filePath: string, probe: KnownProbe): Promise<void> {
    return this.run(() => saveClipProbe(this.store.db, filePath, probe, this.clock()));
  }

  clipProbe(filePath: string): Promise<KnownProbe | undefined> {
    return this.run(() => clipProbe(this.store.db, filePath));
  }

  advancePolls(moves: readonly PollMove[]): Promise<number[]> {
    return this.run(() => this.store.advancePolls(moves.filter((m) => !this.leases.isHeld(m.rowId))));
  }

  pollAllNow(): Promise<number> {
    return this.run(() => this.store.pollAllNow(this.clock()));
  }

  check(): Promise<string> {
    return this.run(() => this.store.integrityCheck());
  }

  close(): Promise<void> {
    return this.run(() => {
      this.releaseEngineLock?.();
      this.releaseEngineLock = undefined;
      this.store.close();
    });
  }
}

