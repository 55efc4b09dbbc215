/**
 * The scheduler: one loop per data directory that submits ready rows within the concurrency and budget limits,
 * polls paid jobs when they are due, and finishes downloads. It holds the engine lock for as long as it runs.
 * All state lives in the store; the loop itself can be killed at any instant and started again.
 */
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { track } from '../loop-watchdog';
import { ClockWatch } from './clock-watch';
import { acquireEngineLock } from './engine-lock';
import type { EngineContext, EngineEvent, SharedContext, VeniceLink } from './engine-context';
import { tempClipPath } from './engine-context';
import { completeRemote, finishClip } from './finish-clip';
import { DEFAULT_HOLD_TIMINGS, Holds, type HoldTimings } from './holds';
import { folderProblem } from './local-faults';
import { FolderGate } from './folder-wait';
import { overBudget, type Launching } from './budget-guard';
import { afterClockJump, probeEndpoint } from './engine-upkeep';
import { REMOTE_STATES, TERMINAL_STATES, type JobState } from './job-states';
import { pollJob } from './poll-job';
import { RateLimiter, VENICE_LIMITS, type RateLimits } from './rate-limiter';
import { recoverAfterStart } from './recover';
import type { QueueStore } from './store';
import { submitJob } from './submit-job';
import * as actions from './user-actions';
import { DEFAULT_POLL_POLICY, type PollPolicy } from './timing';
import type { BatchRecord, RowRecord } from './types';

export interface EngineOptions {
  store: QueueStore;
  /** Opens the link to the endpoint a batch was queued on (its base URL, or the Rehearsal marker). */
  connect: (baseUrl: string) => Promise<VeniceLink>;
  limits?: RateLimits;
  pollPolicy?: PollPolicy;
  /** Jobs in flight on Venice across all batches. */
  maxInFlight?: number;
  maxDownloadTries?: number;
  /** Base of the backoff after transient failures; default 2 s. */
  retryBaseMs?: number;
  /** How often the loop wakes when nothing is due sooner. */
  tickMs?: number;
  role?: string;
  now?: () => number;
  /** A clock that stops while the machine sleeps (performance.now): with `now`, it tells a sleep from a busy night. */
  monotonic?: () => number;
  /** How long a hold waits between checks of its cause, and how Venice's storms are waited out. */
  holdTimings?: Partial<HoldTimings>;
  random?: () => number;
  onEvent?: (e: EngineEvent) => void;
  baseDirOf?: (batchId: number) => string | undefined;
}

const IN_FLIGHT: readonly JobState[] = ['submitting', 'queued', 'processing', 'downloading', 'verifying'];



export class Engine {
  private readonly shared: SharedContext;
  /** One context per endpoint; `Promise` while connecting, `Error` when it failed (retried later). */
  private readonly links = new Map<string, EngineContext | Promise<void> | { error: Error; at: number }>();
  private readonly maxInFlight: number;
  private readonly tickMs: number;
  private running = false;
  private releaseLock: (() => void) | undefined;
  /** Rows with an operation under way in this process, so no row is worked on twice at once. */
  private readonly busy = new Map<number, Promise<void>>();
  private wake: (() => void) | undefined;
  private loopDone: Promise<void> | undefined;
  private listeners = new Set<(e: EngineEvent) => void>();
  private readonly clock: ClockWatch;
  /** Holds being checked right now (one probe per hold at a time). */
  private readonly probing = new Map<number, Promise<void>>();
  private readonly folders: FolderGate;

  constructor(private readonly opts: EngineOptions) {
    const now = opts.now ?? Date.now;
    this.maxInFlight = opts.maxInFlight ?? 20;
    this.tickMs = opts.tickMs ?? 250;
    if (opts.onEvent) this.listeners.add(opts.onEvent);
    this.clock = new ClockWatch(now, opts.monotonic ?? (() => performance.now()));
    const emit = (e: EngineEvent) => {
      // A listener's bug (the UI, the CLI's progress line) must never break a transition of the queue.
      for (const l of this.listeners) {
        try {
          l(e);
        } catch {
          /* the listener's problem, not the queue's */
        }
      }
    };
    this.shared = {
      store: opts.store,
      pollPolicy: opts.pollPolicy ?? DEFAULT_POLL_POLICY,
      maxDownloadTries: opts.maxDownloadTries ?? 6,
      retryBaseMs: opts.retryBaseMs ?? 2_000,
      failureStreak: new Map(),
      now,
      random: opts.random ?? Math.random,
      emit,
      holds: new Holds(opts.store, now, emit, { ...DEFAULT_HOLD_TIMINGS, ...opts.holdTimings }),
      // Relative image paths in a sheet are relative to the sheet's own folder.
      baseDirOf: opts.baseDirOf ?? ((id) => {
        const source = this.opts.store.getBatch(id)?.sourcePath;
        return source ? path.dirname(source) : undefined;
      }),
    };
    this.folders = new FolderGate(this.shared);
  }

  get store(): QueueStore {
    return this.opts.store;
  }

  /** The context for a batch's endpoint, or undefined while it is being opened. */
  private contextFor(baseUrl: string): EngineContext | undefined {
    const link = this.links.get(baseUrl);
    if (link && 'client' in link) return link;
    if (link instanceof Promise) return undefined;
    if (link && 'error' in link && this.shared.now() - link.at < 30_000) return undefined;
    const opening = this.opts
      .connect(baseUrl)
      .then((l) => {
        const limiter = new RateLimiter(this.opts.limits ?? VENICE_LIMITS, this.shared.now);
        limiter.restore(this.store.recentRequests(baseUrl, this.shared.now() - 61_000));
        this.links.set(baseUrl, { ...this.shared, baseUrl, client: l.client, apiKey: l.apiKey, limiter });
      })
      .catch((e: Error) => {
        this.links.set(baseUrl, { error: e, at: this.shared.now() });
        this.shared.emit({ type: 'notice', level: 'error', message: `Could not reach ${baseUrl}: ${e.message}` });
      })
      .finally(() => this.poke());
    this.links.set(baseUrl, opening);
    return undefined;
  }

  /** The rate limiter of an endpoint already in use (for tests and the status view). */
  limiterFor(baseUrl: string): RateLimiter | undefined {
    const link = this.links.get(baseUrl);
    return link && 'client' in link ? link.limiter : undefined;
  }

  subscribe(fn: (e: EngineEvent) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Takes the lock, recovers from whatever the last run left, and starts the loop. */
  async start(opts: { loop?: boolean } = {}): Promise<{ inDoubt: number; reattached: number; resumed: number }> {
    this.releaseLock = acquireEngineLock(this.store.db, this.opts.role ?? 'engine');
    const recovered = await recoverAfterStart(this.shared);
    this.shared.holds.load();
    if (recovered.inDoubt > 0) {
      this.shared.emit({
        type: 'notice',
        level: 'warning',
        message: `${recovered.inDoubt} clip(s) were being sent when the app stopped and may have been charged: review them before re-sending.`,
      });
    }
    this.running = true;
    // Without the loop, `tick()` drives the engine one pass at a time (the state-machine property test does).
    if (opts.loop !== false) this.loopDone = this.loop();
    return recovered;
  }

  /** Stops taking new work and waits for operations under way (a queue request is never abandoned mid-flight). */
  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loopDone;
    await Promise.allSettled([...this.busy.values(), ...this.probing.values()]);
    await Promise.allSettled([...this.links.values()].filter((l) => l instanceof Promise));
    this.releaseLock?.();
    this.releaseLock = undefined;
  }

  /**
   * One scheduling pass, then waits for what it started (connecting, sends, polls, checks of holds), except work
   * still running after `settleMs`: a request that hangs stays in flight, as it would when the app is killed.
   */
  async tick(settleMs = 1_000): Promise<void> {
    const jump = this.clock.look();
    if (jump) afterClockJump(this.shared, jump, this.contexts(), () => this.forgetTimes());
    this.dispatch();
    const started = [...this.busy.values(), ...this.probing.values(), ...[...this.links.values()].filter((l) => l instanceof Promise)];
    await Promise.race([Promise.allSettled(started), new Promise((r) => setTimeout(r, settleMs))]);
  }

  /** Nudges the loop (after a user action). */
  poke(): void {
    this.wake?.();
  }

  /** Checks every hold's cause now (a key was just set, the user pressed Resume). */
  checkHoldsNow(): void {
    this.shared.holds.checkAllNow();
    this.poke();
  }

  /** The scheduler's own view, for diagnosing a batch that does not move (VENICE_BATCH_DEBUG in the CLI). */
  diagnose(): Record<string, unknown> {
    return {
      running: this.running,
      busy: [...this.busy.keys()],
      launching: [...this.launching.entries()].map(([rowId, l]) => ({ rowId, ...l })),
      probing: [...this.probing.keys()],
      holds: this.shared.holds.describe(),
      links: [...this.links.entries()].map(([url, l]) =>
        'client' in l ? { url, queueWaitMs: l.limiter.waitMs('queue'), retrieveWaitMs: l.limiter.waitMs('retrieve'), ...l.limiter.snapshot() } : { url, state: l instanceof Promise ? 'connecting' : `failed: ${l.error.message}` },
      ),
    };
  }

  /** What keeps a batch from going on by itself right now (a full disk, no network...), or null. */
  waitingReason(batch: BatchRecord): string | null {
    return this.shared.holds.reasonFor(batch);
  }

  private async loop(): Promise<void> {
    while (this.running) {
      let nextDue = this.shared.now() + this.tickMs;
      try {
        const jump = this.clock.look();
        if (jump) afterClockJump(this.shared, jump, this.contexts(), () => this.forgetTimes());
        nextDue = Math.min(nextDue, track('engine scheduling pass', () => this.dispatch()));
      } catch (e) {
        this.shared.emit({ type: 'notice', level: 'error', message: `Scheduler error: ${(e as Error).message}` });
      }
      const wait = Math.max(10, Math.min(this.tickMs, nextDue - this.shared.now()));
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
    const { store } = this.shared;
    const now = this.shared.now();
    let nextDue = Number.POSITIVE_INFINITY;
    const batches = new Map(store.listBatches().map((b) => [b.id, b]));

    const { holds } = this.shared;
    this.launchProbes();
    nextDue = Math.min(nextDue, holds.nextProbeAt() ?? Number.POSITIVE_INFINITY);

    // Finish verifications interrupted by a restart.
    for (const row of store.rowsInStates(['verifying'])) {
      const batch = batches.get(row.batchId);
      const ctx = batch && this.contextFor(batch.baseUrl);
      if (this.busy.has(row.id) || !batch || !ctx || holds.batchHold(batch.id)) continue;
      this.launch(row.id, () => this.resumeVerify(ctx, batch, row));
    }

    // Poll paid jobs first: a clip already paid for outranks a new submission.
    const pollStates: JobState[] = ['queued', 'processing'];
    for (const row of store.dueRows(pollStates, now, this.maxInFlight + this.busy.size)) {
      const batch = batches.get(row.batchId);
      const ctx = batch && this.contextFor(batch.baseUrl);
      if (this.busy.has(row.id) || !batch || !ctx) continue;
      // Waiting for its folder or for Venice: the hold's own check decides when to go on.
      if (holds.batchHold(batch.id) || holds.endpointHold(batch.baseUrl, 'poll')) continue;
      const wait = ctx.limiter.waitMs('retrieve');
      if (wait > 0) {
        nextDue = Math.min(nextDue, now + wait);
        continue;
      }
      const attempt = row.currentAttemptId ? store.getAttempt(row.currentAttemptId) : undefined;
      if (!attempt) continue;
      ctx.limiter.tryAcquire('retrieve');
      this.launch(row.id, () => pollJob(ctx, batch, row, attempt));
    }
    nextDue = Math.min(nextDue, store.nextDueAt(pollStates, now) ?? Number.POSITIVE_INFINITY);

    // Tell Venice it may delete clips we hold safely, where an earlier /video/complete failed. Best effort and
    // after everything else: it costs nothing to leave them, but the user's clips should not linger on Venice.
    for (const attempt of store.attemptsOwingComplete(2)) {
      const key = -attempt.id;
      const row = store.getRow(attempt.rowId);
      const batch = row && batches.get(row.batchId);
      const ctx = batch && this.contextFor(batch.baseUrl);
      // A row still being finished calls /video/complete itself; a second call would earn a 404 that counts
      // toward Venice's error lockout (found by the batch benchmark).
      if (this.busy.has(key) || this.busy.has(attempt.rowId) || !ctx || ctx.limiter.waitMs('complete') > 0) continue;
      if (holds.endpointHold(ctx.baseUrl, 'poll')) continue;
      if ((this.completeTriedAt.get(attempt.id) ?? 0) > now - 60_000) continue;
      this.completeTriedAt.set(attempt.id, now);
      this.launch(key, () => completeRemote(ctx, attempt));
    }

    // Submit ready rows of active batches, within per-batch and overall concurrency and the budget.
    let inFlight = store.rowsInStates(IN_FLIGHT).length;
    for (const batch of batches.values()) {
      if (batch.status !== 'active' || inFlight >= this.maxInFlight) continue;
      if (holds.batchHold(batch.id) || holds.endpointHold(batch.baseUrl, 'submit')) continue;
      // One /video/queue request in flight per endpoint: a crash (or a lost answer) can then leave at most one
      // row in doubt. Venice's 40 a minute allow far more than one answer per 1.5 s needs.
      if ([...this.launching.values()].some((l) => l.baseUrl === batch.baseUrl)) continue;
      const counts = store.countByState(batch.id);
      if (!counts.ready) continue;
      const ctx = this.contextFor(batch.baseUrl);
      if (!ctx) continue;
      const batchInFlight = IN_FLIGHT.reduce((n, s) => n + (counts[s] ?? 0), 0);
      nextDue = Math.min(nextDue, store.nextDueAt(['ready'], now, batch.id) ?? Number.POSITIVE_INFINITY);
      const room = Math.min(this.maxInFlight - inFlight, batch.settings.concurrency - batchInFlight);
      if (room <= 0) continue;
      for (const row of store.dueRows(['ready'], now, room + this.busy.size, batch.id)) {
        if (inFlight >= this.maxInFlight || batchInFlight >= batch.settings.concurrency) break;
        if (this.busy.has(row.id)) continue;
        if (overBudget(this.shared, this.launching, batch, row)) break;
        const wait = ctx.limiter.waitMs('queue');
        if (wait > 0) {
          nextDue = Math.min(nextDue, now + wait);
          break;
        }
        ctx.limiter.tryAcquire('queue');
        inFlight++;
        this.launching.set(row.id, { batchId: batch.id, baseUrl: batch.baseUrl, quoteUsd: row.quoteUsd ?? 0 });
        this.launch(row.id, async () => {
          try {
            if (await this.folders.ready(batch)) await submitJob(ctx, row);
          } finally {
            this.launching.delete(row.id);
          }
        });
        break;
      }
    }
    return nextDue;
  }

  /**
   * Submissions launched but not yet recorded as `submitting` (their image is still being read): their quotes count
   * against the budget too, or one pass could launch a whole batch past the cap.
   */
  private readonly completeTriedAt = new Map<number, number>();
  private readonly launching = new Map<number, Launching>();

  /** Every endpoint context opened so far. */
  private contexts(): EngineContext[] {
    return [...this.links.values()].filter((l): l is EngineContext => 'client' in l);
  }

  /** After a clock jump, remembered instants mean nothing: failed connections and /video/complete tries. */
  private forgetTimes(): void {
    for (const [url, l] of this.links) if ('error' in l) this.links.delete(url);
    this.completeTriedAt.clear();
  }

  /** Checks, in the background, every hold whose cause is due for another look. */
  private launchProbes(): void {
    const { holds } = this.shared;
    for (const hold of holds.dueProbes()) {
      if (this.probing.has(hold.id)) continue;
      const p = holds
        .probe(hold, async (baseUrl) => {
          const ctx = this.contextFor(baseUrl);
          return ctx ? probeEndpoint(ctx) : { ok: false, error: new Error(`not connected to ${baseUrl} yet`) };
        })
        .catch((e: Error) => this.shared.emit({ type: 'notice', level: 'error', message: `Checking a hold failed: ${e.message}` }))
        .finally(() => {
          this.probing.delete(hold.id);
          this.wake?.();
        });
      this.probing.set(hold.id, p);
    }
  }

  private async resumeVerify(ctx: EngineContext, batch: BatchRecord, row: RowRecord): Promise<void> {
    const attempt = row.currentAttemptId ? this.store.getAttempt(row.currentAttemptId) : undefined;
    if (!attempt) return;
    const outcome = await finishClip(ctx, batch, row, attempt, tempClipPath(batch.outputDir, attempt.id), undefined);
    if (outcome === 'redownload') this.store.transitionRow(row.id, 'verifying', 'processing', { nextActionAt: this.shared.now() });
  }

  private launch(rowId: number, work: () => Promise<void>): void {
    const p = (async () => {
      try {
        // Named for the event-loop watchdog (loop-watchdog.ts): a row's work that blocks the loop is reported by id.
        await track(`engine work on row ${rowId}`, work);
      } catch (e) {
        const batch = this.store.getBatch(this.store.getRow(rowId)?.batchId ?? 0);
        // A verification or placement that failed because of the folder waits for it like a download does.
        const cause = batch && (await folderProblem(batch.outputDir, e).catch(() => undefined));
        if (batch && cause) {
          this.shared.holds.holdBatch(batch, cause);
          return;
        }
        this.store.addEvent(batch?.id ?? 0, rowId, 'error', `Internal error: ${(e as Error).message}`);
        this.shared.emit({ type: 'notice', level: 'error', message: `Row ${rowId}: ${(e as Error).message}` });
      } finally {
        this.busy.delete(rowId);
        this.wake?.();
      }
    })();
    this.busy.set(rowId, p);
  }

  // ---- user actions: written to the store (so the CLI can make them without an engine), then a nudge ----

  pauseBatch(batchId: number, reason?: string): void {
    actions.pauseBatch(this.store, batchId, reason);
    this.shared.emit({ type: 'batch', batchId, status: 'paused', reason: reason ?? 'Paused by you' });
  }

  resumeBatch(batchId: number): void {
    actions.resumeBatch(this.store, batchId);
    this.shared.emit({ type: 'batch', batchId, status: 'active', reason: null });
    // "Resume" on a batch that waits by itself means "try now".
    this.checkHoldsNow();
  }

  /** Resumes every paused batch (after a top-up or a new key). */
  resumeAll(): void {
    for (const b of this.store.listBatches()) if (b.status === 'paused') this.resumeBatch(b.id);
  }

  cancelBatch(batchId: number): void {
    actions.cancelBatch(this.store, batchId);
    this.shared.emit({ type: 'batch', batchId, status: 'cancelled', reason: 'Cancelled by you' });
  }

  cancelRows(rowIds: number[]): number {
    return actions.cancelRows(this.store, rowIds.filter((id) => !this.busy.has(id)));
  }

  retryRows(rowIds: number[]): { refetch: number; resubmit: number } {
    const out = actions.retryRows(this.store, rowIds.filter((id) => !this.busy.has(id)), this.shared.now());
    this.poke();
    return out;
  }

  resolveInDoubt(rowId: number, decision: 'resubmit' | 'lost'): void {
    actions.resolveInDoubt(this.store, rowId, decision);
    this.poke();
  }

  reorderRow(rowId: number, position: number): void {
    actions.reorderRow(this.store, rowId, position);
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
