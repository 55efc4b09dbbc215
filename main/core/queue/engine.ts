/**
 * The scheduler: one loop per data directory that submits ready rows within the concurrency and budget limits,
 * polls paid jobs when they are due, and finishes downloads. It holds the engine lock for as long as it runs.
 * All state lives in the store; the loop itself can be killed at any instant and started again.
 */
import { acquireEngineLock } from './engine-lock';
import type { EngineClient, EngineContext, EngineEvent } from './engine-context';
import { tempClipPath } from './engine-context';
import { finishClip } from './finish-clip';
import { REMOTE_STATES, TERMINAL_STATES, isCancellable, type JobState } from './job-states';
import { pollJob } from './poll-job';
import { RateLimiter, VENICE_LIMITS, type RateLimits } from './rate-limiter';
import { recoverAfterStart } from './recover';
import type { QueueStore } from './store';
import { submitJob } from './submit-job';
import { DEFAULT_POLL_POLICY, type PollPolicy } from './timing';
import type { BatchRecord, RowRecord } from './types';

export interface EngineOptions {
  store: QueueStore;
  client: EngineClient;
  apiKey: () => Promise<string | undefined>;
  limits?: RateLimits;
  pollPolicy?: PollPolicy;
  /** Jobs in flight on Venice across all batches. */
  maxInFlight?: number;
  maxDownloadTries?: number;
  /** How often the loop wakes when nothing is due sooner. */
  tickMs?: number;
  role?: string;
  now?: () => number;
  random?: () => number;
  onEvent?: (e: EngineEvent) => void;
  baseDirOf?: (batchId: number) => string | undefined;
}

const IN_FLIGHT: readonly JobState[] = ['submitting', 'queued', 'processing', 'downloading', 'verifying'];

export class Engine {
  private readonly ctx: EngineContext;
  private readonly maxInFlight: number;
  private readonly tickMs: number;
  private running = false;
  private releaseLock: (() => void) | undefined;
  /** Rows with an operation under way in this process, so no row is worked on twice at once. */
  private readonly busy = new Map<number, Promise<void>>();
  private wake: (() => void) | undefined;
  private loopDone: Promise<void> | undefined;
  private listeners = new Set<(e: EngineEvent) => void>();

  constructor(private readonly opts: EngineOptions) {
    const now = opts.now ?? Date.now;
    this.maxInFlight = opts.maxInFlight ?? 20;
    this.tickMs = opts.tickMs ?? 250;
    if (opts.onEvent) this.listeners.add(opts.onEvent);
    this.ctx = {
      store: opts.store,
      client: opts.client,
      limiter: new RateLimiter(opts.limits ?? VENICE_LIMITS, now),
      apiKey: opts.apiKey,
      pollPolicy: opts.pollPolicy ?? DEFAULT_POLL_POLICY,
      maxDownloadTries: opts.maxDownloadTries ?? 6,
      now,
      random: opts.random ?? Math.random,
      emit: (e) => {
        for (const l of this.listeners) l(e);
      },
      baseDirOf: opts.baseDirOf ?? ((id) => this.opts.store.getBatch(id)?.sourcePath?.replace(/[\\/][^\\/]*$/, '') || undefined),
    };
  }

  get store(): QueueStore {
    return this.opts.store;
  }

  get limiter(): RateLimiter {
    return this.ctx.limiter;
  }

  subscribe(fn: (e: EngineEvent) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Takes the lock, recovers from whatever the last run left, and starts the loop. */
  async start(): Promise<{ inDoubt: number; reattached: number; resumed: number }> {
    this.releaseLock = acquireEngineLock(this.store.db, this.opts.role ?? 'engine');
    const recovered = await recoverAfterStart(this.ctx);
    if (recovered.inDoubt > 0) {
      this.ctx.emit({
        type: 'notice',
        level: 'warning',
        message: `${recovered.inDoubt} clip(s) were being sent when the app stopped and may have been charged: review them before re-sending.`,
      });
    }
    this.running = true;
    this.loopDone = this.loop();
    return recovered;
  }

  /** Stops taking new work and waits for operations under way (a queue request is never abandoned mid-flight). */
  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loopDone;
    await Promise.allSettled([...this.busy.values()]);
    this.releaseLock?.();
    this.releaseLock = undefined;
  }

  /** Nudges the loop (after a user action). */
  poke(): void {
    this.wake?.();
  }

  private async loop(): Promise<void> {
    while (this.running) {
      let nextDue = this.ctx.now() + this.tickMs;
      try {
        nextDue = Math.min(nextDue, this.dispatch());
      } catch (e) {
        this.ctx.emit({ type: 'notice', level: 'error', message: `Scheduler error: ${(e as Error).message}` });
      }
      const wait = Math.max(10, Math.min(this.tickMs, nextDue - this.ctx.now()));
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, wait);
        this.wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }

  /** One pass: start whatever is due. Returns when the next thing will be due. */
  private dispatch(): number {
    const { store, limiter } = this.ctx;
    const now = this.ctx.now();
    let nextDue = Number.POSITIVE_INFINITY;

    // Finish verifications interrupted by a restart.
    for (const row of store.rowsInStates(['verifying'])) {
      if (this.busy.has(row.id)) continue;
      this.launch(row.id, () => this.resumeVerify(row));
    }

    // Poll paid jobs first: a clip already paid for outranks a new submission.
    const pollStates: JobState[] = ['queued', 'processing'];
    for (const row of store.dueRows(pollStates, now, this.maxInFlight + this.busy.size)) {
      if (this.busy.has(row.id)) continue;
      const wait = limiter.waitMs('retrieve');
      if (wait > 0) {
        nextDue = Math.min(nextDue, now + wait);
        break;
      }
      const batch = store.getBatch(row.batchId);
      const attempt = row.currentAttemptId ? store.getAttempt(row.currentAttemptId) : undefined;
      if (!batch || !attempt) continue;
      limiter.tryAcquire('retrieve');
      this.launch(row.id, () => pollJob(this.ctx, batch, row, attempt));
    }
    nextDue = Math.min(nextDue, store.nextDueAt(pollStates, now) ?? Number.POSITIVE_INFINITY);

    // Submit ready rows of active batches, within per-batch and overall concurrency and the budget.
    let inFlight = store.rowsInStates(IN_FLIGHT).length;
    for (const batch of store.listBatches()) {
      if (batch.status !== 'active' || inFlight >= this.maxInFlight) continue;
      const counts = store.countByState(batch.id);
      let batchInFlight = IN_FLIGHT.reduce((n, s) => n + (counts[s] ?? 0), 0);
      if (!counts.ready) continue;
      nextDue = Math.min(nextDue, store.nextDueAt(['ready'], now, batch.id) ?? Number.POSITIVE_INFINITY);
      const room = Math.min(this.maxInFlight - inFlight, batch.settings.concurrency - batchInFlight);
      if (room <= 0) continue;
      for (const row of store.dueRows(['ready'], now, room + this.busy.size, batch.id)) {
        if (inFlight >= this.maxInFlight || batchInFlight >= batch.settings.concurrency) break;
        if (this.busy.has(row.id)) continue;
        if (this.overBudget(batch, row)) break;
        const wait = limiter.waitMs('queue');
        if (wait > 0) return Math.min(nextDue, now + wait);
        limiter.tryAcquire('queue');
        inFlight++;
        batchInFlight++;
        this.launch(row.id, async () => {
          await submitJob(this.ctx, row);
        });
      }
    }
    return nextDue;
  }

  private overBudget(batch: BatchRecord, row: RowRecord): boolean {
    if (batch.budgetUsd === null) return false;
    const { chargedUsd, inDoubtUsd } = this.store.spend(batch.id);
    if (chargedUsd + inDoubtUsd + (row.quoteUsd ?? 0) <= batch.budgetUsd + 1e-9) return false;
    const reason = `Budget reached: $${(chargedUsd + inDoubtUsd).toFixed(2)} of $${batch.budgetUsd.toFixed(2)} spent; the next clip would exceed it. Raise the budget to continue.`;
    this.store.setBatchStatus(batch.id, 'paused', reason);
    this.store.addEvent(batch.id, null, 'batch_paused', reason);
    this.ctx.emit({ type: 'batch', batchId: batch.id, status: 'paused', reason });
    return true;
  }

  private async resumeVerify(row: RowRecord): Promise<void> {
    const batch = this.store.getBatch(row.batchId);
    const attempt = row.currentAttemptId ? this.store.getAttempt(row.currentAttemptId) : undefined;
    if (!batch || !attempt) return;
    const outcome = await finishClip(this.ctx, batch, row, attempt, tempClipPath(batch.outputDir, attempt.id), undefined);
    if (outcome === 'redownload') this.store.transitionRow(row.id, 'verifying', 'processing', { nextActionAt: this.ctx.now() });
  }

  private launch(rowId: number, work: () => Promise<void>): void {
    const p = (async () => {
      try {
        await work();
      } catch (e) {
        this.store.addEvent(this.store.getRow(rowId)?.batchId ?? 0, rowId, 'error', `Internal error: ${(e as Error).message}`);
        this.ctx.emit({ type: 'notice', level: 'error', message: `Row ${rowId}: ${(e as Error).message}` });
      } finally {
        this.busy.delete(rowId);
        this.wake?.();
      }
    })();
    this.busy.set(rowId, p);
  }

  // ---- user actions ----

  pauseBatch(batchId: number, reason = 'Paused by you'): void {
    this.store.setBatchStatus(batchId, 'paused', reason);
    this.store.addEvent(batchId, null, 'batch_paused', reason);
    this.ctx.emit({ type: 'batch', batchId, status: 'paused', reason });
  }

  resumeBatch(batchId: number): void {
    this.store.setBatchStatus(batchId, 'active', null);
    this.store.addEvent(batchId, null, 'batch_resumed', 'Resumed');
    this.ctx.emit({ type: 'batch', batchId, status: 'active', reason: null });
    this.poke();
  }

  /** Resumes every batch paused for the key or the balance (after a top-up or a new key). */
  resumeAll(): void {
    for (const b of this.store.listBatches()) if (b.status === 'paused') this.resumeBatch(b.id);
  }

  /** Stops submitting the batch's pending rows. Jobs already paid for still finish and download. */
  cancelBatch(batchId: number): void {
    this.store.tx(() => {
      this.store.setBatchStatus(batchId, 'cancelled', 'Cancelled by you');
      for (const row of this.store.rowsInStates(['draft', 'ready'], batchId)) this.store.transitionRow(row.id, row.state, 'cancelled');
      this.store.addEvent(batchId, null, 'batch_cancelled', 'Cancelled: pending rows will not be sent; paid clips still download');
    });
    this.ctx.emit({ type: 'batch', batchId, status: 'cancelled', reason: 'Cancelled by you' });
  }

  cancelRows(rowIds: number[]): number {
    let n = 0;
    this.store.tx(() => {
      for (const id of rowIds) {
        const row = this.store.getRow(id);
        if (row && isCancellable(row.state) && !this.busy.has(id)) {
          this.store.transitionRow(id, row.state, 'cancelled');
          this.store.addEvent(row.batchId, id, 'cancelled', 'Cancelled by you');
          n++;
        }
      }
    });
    return n;
  }

  /**
   * Retries failed or cancelled rows. A row whose clip Venice still holds (a failed download) goes back to
   * fetching the SAME paid job; any other row gets a new attempt (new charge), with its history kept.
   */
  retryRows(rowIds: number[]): { refetch: number; resubmit: number } {
    const out = { refetch: 0, resubmit: 0 };
    this.store.tx(() => {
      for (const id of rowIds) {
        const row = this.store.getRow(id);
        if (!row || (row.state !== 'failed' && row.state !== 'cancelled') || this.busy.has(id)) continue;
        const attempt = row.currentAttemptId ? this.store.getAttempt(row.currentAttemptId) : undefined;
        if (row.state === 'failed' && attempt?.queueId && row.errorKind === 'download_failed' && !attempt.remoteDeleted) {
          this.store.transitionRow(id, 'failed', 'processing', { nextActionAt: this.ctx.now(), errorKind: null, errorMessage: null });
          this.store.patchAttempt(attempt.id, { state: 'processing', downloadTries: 0 });
          this.store.addEvent(row.batchId, id, 'retry', 'Fetching the paid clip again');
          out.refetch++;
        } else {
          this.store.transitionRow(id, row.state, 'ready', { nextActionAt: null, errorKind: null, errorMessage: null });
          this.store.addEvent(row.batchId, id, 'retry', 'Queued for a new attempt');
          out.resubmit++;
        }
      }
    });
    this.poke();
    return out;
  }

  /** The user's decision on an in-doubt row: send it again knowingly (may pay twice), or accept it as lost. */
  resolveInDoubt(rowId: number, decision: 'resubmit' | 'lost'): void {
    const row = this.store.getRow(rowId);
    if (!row || row.state !== 'in_doubt') throw new Error(`Row ${rowId} is not in doubt`);
    this.store.tx(() => {
      if (decision === 'resubmit') {
        this.store.transitionRow(rowId, 'in_doubt', 'ready', { nextActionAt: null, errorKind: null, errorMessage: null });
        this.store.addEvent(row.batchId, rowId, 'resolved', 'You chose to send it again (Venice may charge twice)');
      } else {
        if (row.currentAttemptId) this.store.patchAttempt(row.currentAttemptId, { state: 'lost' });
        this.store.transitionRow(rowId, 'in_doubt', 'failed', { errorKind: 'marked_lost', errorMessage: 'Marked lost by you' });
        this.store.addEvent(row.batchId, rowId, 'resolved', 'You marked it lost');
      }
    });
    this.poke();
  }

  /** Moves a pending row in the submission order. */
  reorderRow(rowId: number, position: number): void {
    const row = this.store.getRow(rowId);
    if (!row || (row.state !== 'ready' && row.state !== 'draft')) throw new Error('Only rows not yet sent can be reordered');
    this.store.setRowPosition(rowId, position);
  }

  /** True when no row of the batch will change without the user (everything done, failed, in doubt or paused). */
  isSettled(batchId: number): boolean {
    const batch = this.store.getBatch(batchId);
    if (!batch) return true;
    const counts = this.store.countByState(batchId);
    const remote = [...REMOTE_STATES, 'submitting' as JobState].some((s) => (counts[s] ?? 0) > 0);
    if (remote) return false;
    if (batch.status !== 'active') return true;
    return Object.entries(counts).every(([s, n]) => !n || TERMINAL_STATES.has(s as JobState) || s === 'draft');
  }

  /** Resolves once the batch is settled. */
  async waitUntilSettled(batchId: number, checkEveryMs = 200): Promise<void> {
    while (!this.isSettled(batchId)) {
      await new Promise((r) => setTimeout(r, checkEveryMs));
    }
  }
}
