/**
 * The engine's side of leases: it remembers which rows this machine works on, renews their leases together every
 * `renewMs` (a lease missing from the answer was lost: that work is aborted), applies the expiry rules to other
 * machines' leases every `sweepMs` (on the studio queue: a dead machine's rows are taken over within a minute),
 * replays the local paid journal, and notices when the queue's database cannot be reached: work on this machine
 * then waits, with the reason shown, and carries on (journal first) as soon as the database answers.
 */
import type { EngineEvent } from './engine-events';
import type { PaidJournal } from './paid-journal';
import { isStoreUnreachable } from './pg/pg-errors';
import type { Lease, LeaseTiming, QueueStoreApi } from './store-api';

interface Held {
  lease: Lease;
  controller: AbortController;
  /** When this machine learnt of the claim: a renewal that started before it cannot know the lease. */
  since: number;
}

/** How often a queue that cannot be reached is asked again. */
const RECHECK_MS = 2_000;

export class LeaseKeeper {
  private readonly held = new Map<number, Held>();
  private workerId: string | undefined;
  private running = false;
  private timer: NodeJS.Timeout | undefined;
  private loopDone: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private lastRenew = 0;
  private lastSweep = 0;
  /** Leases seen without work at the last renewal (given back if the next one sees them so again). */
  private orphans = new Set<string>();
  /** Why the queue cannot be used right now, or null. */
  down: string | null = null;

  constructor(
    private readonly queue: QueueStoreApi,
    private readonly timing: LeaseTiming,
    private readonly journal: PaidJournal | undefined,
    private readonly emit: (e: EngineEvent) => void,
    /** Called when the queue answers again (the scheduler goes on at once). */
    private readonly onBack: () => void,
    /** Wall clock of this machine: when to renew (the leases themselves run on the database's clock). */
    private readonly clock: () => number = Date.now,
  ) {}

  /** A row this machine now works on, and how to stop that work if its lease is lost. */
  hold(lease: Lease, controller: AbortController): void {
    this.held.set(lease.rowId, { lease, controller, since: this.clock() });
  }

  /** The work on the row ended (its lease was released, or will be by expiry). */
  drop(rowId: number): void {
    this.held.delete(rowId);
  }

  heldRows(): number[] {
    return [...this.held.keys()];
  }

  /** Starts renewing and sweeping for this worker. */
  start(workerId: string): void {
    this.workerId = workerId;
    this.running = true;
    this.loopDone = this.loop();
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.wake?.();
    await this.loopDone;
  }

  /**
   * A store call failed: if the database cannot be reached, this machine's work waits (and says why) until it
   * answers. Anything else is not the keeper's business.
   */
  trouble(e: unknown): void {
    if (!isStoreUnreachable(e) || this.down !== null) return;
    this.down = `The studio queue (${this.queue.describe()}) cannot be reached: ${(e as Error).message}. Work on this machine waits and carries on by itself when it answers; paid answers are kept on this machine meanwhile.`;
    this.emit({ type: 'notice', level: 'warning', message: this.down });
    this.emit({ type: 'hold', active: true, cause: 'queue_offline', message: this.down, batchIds: [] });
    this.wake?.();
  }

  /** Writes the paid answers the journal kept (idempotent), oldest first. */
  async replayJournal(): Promise<void> {
    if (!this.journal) return;
    const r = await this.journal.replay(this.queue.describe(), (a) => this.queue.applyPaidAnswer(a));
    if (r.applied + r.superseded > 0) {
      this.emit({
        type: 'notice',
        level: 'info',
        message: `Wrote ${r.applied + r.superseded} paid answer(s) this machine had kept while the queue could not take them.`,
      });
    }
    for (const a of r.setAside) {
      this.emit({
        type: 'notice',
        level: 'warning',
        message:
          `Venice job ${a.queueId} was paid for, but its row is no longer in ${this.queue.describe()} (was its batch deleted?). ` +
          `Its record is kept in ${this.journal.setAsideFile} so that it is not lost.`,
      });
    }
    if (r.error) throw r.error;
  }

  private async loop(): Promise<void> {
    while (this.running) {
      const wait = this.down !== null ? RECHECK_MS : Math.max(50, Math.min(this.lastRenew + this.timing.renewMs, this.lastSweep + this.timing.sweepMs) - this.clock());
      await new Promise<void>((resolve) => {
        this.timer = setTimeout(resolve, wait);
        this.wake = () => {
          if (this.timer) clearTimeout(this.timer);
          resolve();
        };
      });
      this.wake = undefined;
      if (!this.running) break;
      try {
        if (this.down !== null) await this.comeBack();
        else await this.upkeep();
      } catch (e) {
        this.trouble(e);
        if (!isStoreUnreachable(e)) this.emit({ type: 'notice', level: 'error', message: `Keeping leases failed: ${(e as Error).message}` });
      }
    }
  }

  private async upkeep(): Promise<void> {
    const now = this.clock();
    if (now >= this.lastRenew + this.timing.renewMs) {
      this.lastRenew = now;
      await this.renew();
    }
    // Expiry is for leases of machines that stopped renewing: the local queue has one worker, whose leases die
    // with it (recovery after a start does what expiry would), so only the studio queue sweeps.
    if (this.queue.kind === 'postgres' && now >= this.lastSweep + this.timing.sweepMs) {
      this.lastSweep = now;
      await this.queue.expireLeases();
      await this.replayJournal();
    }
  }

  /** Renews every lease; work whose lease is missing is stopped, leases without work (orphans) are given back. */
  private async renew(): Promise<void> {
    if (!this.workerId) return;
    const startedAt = this.clock();
    const still = await this.queue.renewLeases(this.workerId);
    const byRow = new Map(still.map((l) => [l.rowId, l]));
    for (const [rowId, h] of this.held) {
      const now = byRow.get(rowId);
      if (h.since < startedAt && (!now || now.token !== h.lease.token)) h.controller.abort();
    }
    // Claimed while the answer was lost, or left by work that could not release it: nobody works on it here. A
    // claim whose answer is still on its way looks the same for a moment, so only a second sighting counts.
    const orphans = new Set<string>();
    for (const l of still) {
      if (this.held.get(l.rowId)?.lease.token === l.token) continue;
      if (this.orphans.has(l.token)) await this.queue.releaseLease(l);
      else orphans.add(l.token);
    }
    this.orphans = orphans;
  }

  private async comeBack(): Promise<void> {
    const status = await this.queue.check();
    if (status !== 'ok') return;
    // Paid answers first: they may decide rows other machines would otherwise treat as in doubt.
    await this.replayJournal();
    await this.renew();
    const was = this.down;
    this.down = null;
    this.emit({ type: 'notice', level: 'info', message: 'The studio queue answers again: carrying on.' });
    this.emit({ type: 'hold', active: false, cause: 'queue_offline', message: 'The studio queue answers again: carrying on.', batchIds: [] });
    if (was) this.onBack();
  }
}
