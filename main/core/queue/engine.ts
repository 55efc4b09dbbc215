/**
 * The scheduler: a loop that submits ready rows within the concurrency and budget limits, polls paid jobs when they
 * are due, and finishes downloads, on either queue (the local SQLite file or a studio's shared PostgreSQL). Every
 * row it works on is claimed from the store under a lease (engine-pass.ts), renewed while the work lasts
 * (engine-leases.ts). All state lives in the store; the loop itself can be killed at any instant and started again,
 * here or on another machine.
 */
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { track } from '../loop-watchdog';
import { LocalAccountLimiter, accountIdFor, type AccountLimiter } from './account-limiter';
import { ClockWatch } from './clock-watch';
import { DEFAULT_PROCESSING_LIMITS, leaseTag, type EngineContext, type EngineEvent, type ProcessingLimits, type SharedContext, type VeniceLink, type Work } from './engine-context';
import { LeaseKeeper } from './engine-leases';
import { passOverEndpoint, type PassDeps } from './engine-pass';
import { sendNext } from './engine-send';
import { afterClockJump, probeEndpoint } from './engine-upkeep';
import { FolderGate } from './folder-wait';
import { DEFAULT_HOLD_TIMINGS, Holds, type HoldTimings } from './holds';
import { REMOTE_STATES, TERMINAL_STATES, type JobState } from './job-states';
import { folderProblem } from './local-faults';
import { PaidJournal } from './paid-journal';
import { isStoreUnreachable } from './pg/pg-errors';
import { DEFAULT_BUDGETED_POLICY, PollBudget, type BudgetedPollPolicy } from './poll-budget';
import { PollSchedule } from './poll-schedule';
import { pollPrior } from './poll-prior';
import { RateLimiter, VENICE_LIMITS, type RateLimits } from './rate-limiter';
import { recoverAfterStart, type Recovered } from './recover';
import { SqliteQueueStore } from './sqlite-adapter/store';
import { QueueStore } from './store';
import { DEFAULT_LEASE_TIMING, LeaseLostError, type ClaimedRow, type LeaseTiming, type QueueStoreApi, type WorkerInfo } from './store-api';
import { DEFAULT_POLL_POLICY, type PollPolicy } from './timing';
import type { BatchRecord } from './types';
import * as actions from './user-actions';

export interface EngineOptions {
  /** The queue: the store interface (either database), or the local SQLite store, which the engine then wraps. */
  store: QueueStoreApi | QueueStore;
  /** Opens the link to the endpoint a batch was queued on (its base URL, or the Rehearsal marker). */
  connect: (baseUrl: string) => Promise<VeniceLink>;
  limits?: RateLimits;
  pollPolicy?: PollPolicy;
  /** Jobs in flight on Venice across all batches (on the studio queue: across all machines). */
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
  /** Lease timing (tests shorten it to see a dead machine's rows taken over quickly). */
  lease?: Partial<LeaseTiming>;
  /**
   * The local paid journal (paid-journal.ts). Default: beside the local queue file; the studio queue needs one
   * given (the CLI and the app keep it in their data folder).
   */
  journalFile?: string;
  /** When a job answering PROCESSING for ever is given up on (the row fails, its paid job kept for Retry). */
  processingLimits?: Partial<ProcessingLimits>;
  /** The account limiter of an endpoint (default: the studio queue's shared one, or a local one). */
  accountLimiter?: (baseUrl: string, apiKey: string | undefined) => AccountLimiter;
  /** How often the price of a retrieve call is worked out again (default 5 s; a bench on a time scale shrinks it). */
  pollPriceEveryMs?: number;
  /** The retrieve budget of an endpoint (default: poll-budget.ts's, priced from the account's window). */
  pollBudget?: (baseUrl: string, policy: BudgetedPollPolicy) => PollBudget;
}

const POLL_PRICE_EVERY_MS = 5_000;
/** Unfinished downloads (a machine stopped mid-download) are looked for every this many ticks (2 s by default). */
const RESUME_LOOK_PASSES = 8;

/** The budgeted poll policy on the engine's poll bounds (tests shrink the floor, and the other times with it). */
function budgetedPolicy(p: PollPolicy): BudgetedPollPolicy {
  const scale = p.floorMs / DEFAULT_POLL_POLICY.floorMs;
  if (scale === 1 && p.ceilingMs === DEFAULT_POLL_POLICY.ceilingMs) return DEFAULT_BUDGETED_POLICY;
  return {
    ...DEFAULT_BUDGETED_POLICY,
    floorMs: p.floorMs,
    ceilingMs: p.ceilingMs,
    blindFirstMs: Math.max(p.floorMs, DEFAULT_BUDGETED_POLICY.blindFirstMs * scale),
    minPriceMs: DEFAULT_BUDGETED_POLICY.minPriceMs * scale,
  };
}

export class Engine {
  readonly queue: QueueStoreApi;
  private readonly shared: SharedContext;
  /** One context per endpoint; `Promise` while connecting, `Error` when it failed (retried later). */
  private readonly links = new Map<string, EngineContext | Promise<void> | { error: Error; at: number }>();
  private readonly maxInFlight: number;
  private readonly tickMs: number;
  private readonly leaseTiming: LeaseTiming;
  private running = false;
  private worker: WorkerInfo | undefined;
  /** Rows with work under way in this process: the row's batch, and the work's end. */
  private readonly busy = new Map<number, { batchId: number; done: Promise<void> }>();
  /** When each endpoint was last looked at for unfinished downloads (engine-pass.ts). */
  private readonly resumesLookedAt = new Map<string, number>();
  private readonly polling = new Set<number>();
  private readonly sendingTo = new Map<string, number>();
  /** The live batches of each endpoint, as the last scheduling pass saw them (for a send started between passes). */
  private batchesByEndpoint = new Map<string, BatchRecord[]>();
  private readonly sendsStarting = new Set<Promise<void>>();
  private readonly sendTimers = new Map<string, NodeJS.Timeout>();
  private wake: (() => void) | undefined;
  private loopDone: Promise<void> | undefined;
  private listeners = new Set<(e: EngineEvent) => void>();
  private readonly clock: ClockWatch;
  /** Holds being checked right now (one probe per hold at a time). */
  private readonly probing = new Map<number, Promise<void>>();
  private readonly folders: FolderGate;
  private readonly keeper: LeaseKeeper;
  /** When each endpoint's retrieve price was last set (per endpoint: each has its own account and budget). */
  private readonly pricedAt = new Map<string, number>();

  constructor(private readonly opts: EngineOptions) {
    this.leaseTiming = { ...DEFAULT_LEASE_TIMING, ...opts.lease };
    this.queue =
      opts.store instanceof QueueStore ? new SqliteQueueStore(opts.store, opts.store.file, { now: opts.now, lease: this.leaseTiming }) : opts.store;
    const queue = this.queue;
    const now = opts.now ?? (() => queue.now());
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
    const journalFile = opts.journalFile ?? (opts.store instanceof QueueStore && opts.store.file !== ':memory:' ? path.join(path.dirname(opts.store.file), 'paid-journal.jsonl') : undefined);
    const journal = journalFile ? new PaidJournal(journalFile) : undefined;
    this.keeper = new LeaseKeeper(queue, this.leaseTiming, journal, emit, () => this.poke());
    this.shared = {
      store: queue,
      pollPolicy: budgetedPolicy(opts.pollPolicy ?? DEFAULT_POLL_POLICY),
      processingLimits: { ...DEFAULT_PROCESSING_LIMITS, ...opts.processingLimits },
      maxDownloadTries: opts.maxDownloadTries ?? 6,
      retryBaseMs: opts.retryBaseMs ?? 2_000,
      failureStreak: new Map(),
      now,
      random: opts.random ?? Math.random,
      emit,
      holds: new Holds(queue, now, emit, { ...DEFAULT_HOLD_TIMINGS, ...opts.holdTimings }),
      // Relative image paths in a sheet are relative to the sheet's own folder.
      baseDirOf: async (id) => {
        if (opts.baseDirOf) return opts.baseDirOf(id);
        const source = (await queue.getBatch(id))?.sourcePath;
        return source ? path.dirname(source) : undefined;
      },
      journal,
      storeTrouble: (e) => this.keeper.trouble(e),
    };
    this.folders = new FolderGate(this.shared);
  }

  /** The local SQLite store, when the engine runs on one (tests and the status view read it directly). */
  get store(): QueueStore | undefined {
    return this.queue instanceof SqliteQueueStore ? this.queue.local : undefined;
  }

  /** The account limiter for an endpoint: shared in the studio database, or this machine's own. */
  private async limiterFor(baseUrl: string, link: VeniceLink): Promise<AccountLimiter> {
    const key = await link.apiKey().catch(() => undefined);
    if (this.opts.accountLimiter) return this.opts.accountLimiter(baseUrl, key);
    const limits = this.opts.limits ?? VENICE_LIMITS;
    // The studio queue keeps the account's windows in its database, shared by every machine using the same key.
    const shared = this.queue as QueueStoreApi & { accountLimiter?: (account: string, o: { limits: RateLimits }) => AccountLimiter };
    if (shared.accountLimiter) return shared.accountLimiter(accountIdFor(baseUrl, key ?? ''), { limits });
    const limiter = new RateLimiter(limits, this.shared.now);
    const local = this.queue instanceof SqliteQueueStore ? this.queue.local : undefined;
    if (local) limiter.restore(local.recentRequests(baseUrl, this.shared.now() - 61_000));
    return new LocalAccountLimiter(limiter, limits, local ? (route, ok) => local.logRequest(baseUrl, route, ok, this.shared.now()) : undefined);
  }

  /** The context for a batch's endpoint, or undefined while it is being opened. */
  private contextFor(baseUrl: string): EngineContext | undefined {
    const link = this.links.get(baseUrl);
    if (link && 'client' in link) return link;
    if (link instanceof Promise) return undefined;
    if (link && 'error' in link && this.shared.now() - link.at < 30_000) return undefined;
    const opening = this.opts
      .connect(baseUrl)
      .then(async (l) => {
        const limiter = await this.limiterFor(baseUrl, l);
        const pollBudget = this.opts.pollBudget?.(baseUrl, this.shared.pollPolicy) ?? new PollBudget(this.shared.pollPolicy);
        this.links.set(baseUrl, { ...this.shared, baseUrl, client: l.client, apiKey: l.apiKey, limiter, pollBudget, pollSchedule: new PollSchedule() });
      })
      .catch((e: Error) => {
        this.links.set(baseUrl, { error: e, at: this.shared.now() });
        this.shared.emit({ type: 'notice', level: 'error', message: `Could not reach ${baseUrl}: ${e.message}` });
      })
      .finally(() => this.poke());
    this.links.set(baseUrl, opening);
    return undefined;
  }

  /** The local rate limiter of an endpoint already in use (for tests and benches on the local queue). */
  localLimiterFor(baseUrl: string): RateLimiter | undefined {
    const link = this.links.get(baseUrl);
    return link && 'client' in link && link.limiter instanceof LocalAccountLimiter ? link.limiter.limiter : undefined;
  }

  subscribe(fn: (e: EngineEvent) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Joins the queue (on the local one: takes its lock), recovers from whatever the last run left, and starts. */
  async start(opts: { loop?: boolean } = {}): Promise<Recovered> {
    this.worker = await this.queue.registerWorker(this.opts.role ?? 'engine');
    let recovered: Recovered;
    try {
      // Paid answers this machine could not write last time come first: they decide rows recovery would doubt.
      await this.keeper.replayJournal();
      recovered = await recoverAfterStart(this.shared, { leaseMs: this.leaseTiming.leaseMs });
      if (this.queue instanceof SqliteQueueStore) this.queue.local.pruneRequestLog(this.shared.now() - 10 * 60_000);
      await this.shared.holds.load();
    } catch (e) {
      await this.queue.unregisterWorker(this.worker.id).catch(() => undefined);
      this.worker = undefined;
      throw e;
    }
    if (recovered.inDoubt > 0) {
      this.shared.emit({
        type: 'notice',
        level: 'warning',
        message: `${recovered.inDoubt} clip(s) were being sent when the app stopped and may have been charged: review them before re-sending.`,
      });
    }
    this.running = true;
    // Without the loop, `tick()` drives the engine one pass at a time (the state-machine property test does).
    if (opts.loop !== false) {
      this.keeper.start(this.worker.id);
      this.loopDone = this.loop();
    }
    return recovered;
  }

  /** Stops taking new work and waits for operations under way (a queue request is never abandoned mid-flight). */
  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loopDone;
    for (const t of this.sendTimers.values()) clearTimeout(t);
    this.sendTimers.clear();
    // A send being started between passes launches its work before it settles: wait for it first.
    await Promise.allSettled([...this.sendsStarting]);
    await Promise.allSettled([...this.busyWork(), ...this.probing.values()]);
    await Promise.allSettled([...this.links.values()].filter((l) => l instanceof Promise));
    await this.keeper.stop();
    if (this.worker) {
      // Unreachable: nothing to hand on that expiry will not hand on by itself.
      await this.queue.unregisterWorker(this.worker.id).catch(() => undefined);
      this.worker = undefined;
    }
  }

  /**
   * One scheduling pass, then waits for what it started (connecting, sends, polls, checks of holds), except work
   * still running after `settleMs`: a request that hangs stays in flight, as it would when the app is killed.
   */
  async tick(settleMs = 1_000): Promise<void> {
    const jump = this.clock.look();
    if (jump) await afterClockJump(this.shared, jump, this.contexts(), () => this.forgetTimes());
    await this.dispatch();
    const started = [...this.busyWork(), ...this.probing.values(), ...[...this.links.values()].filter((l) => l instanceof Promise)];
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

  /** Which queue this engine works on, for the user. */
  describeQueue(): string {
    return this.queue.describe();
  }

  /** The scheduler's own view, for diagnosing a batch that does not move (VENICE_BATCH_DEBUG in the CLI). */
  async diagnose(): Promise<Record<string, unknown>> {
    const links = [];
    for (const [url, l] of this.links) {
      links.push('client' in l ? { url, ...(await l.limiter.usage().catch((e: Error) => ({ usage: e.message }))) } : { url, state: l instanceof Promise ? 'connecting' : `failed: ${l.error.message}` });
    }
    return {
      running: this.running,
      queue: this.queue.describe(),
      worker: this.worker?.id ?? null,
      queueDown: this.keeper.down,
      busy: [...this.busy.keys()],
      held: this.keeper.heldRows(),
      sending: [...this.sendingTo.entries()],
      probing: [...this.probing.keys()],
      holds: this.shared.holds.describe(),
      links,
    };
  }

  /** What keeps a batch from going on by itself right now (a full disk, no network, the queue away...), or null. */
  waitingReason(batch: BatchRecord): string | null {
    return this.keeper.down ?? this.shared.holds.reasonFor(batch);
  }

  private async loop(): Promise<void> {
    while (this.running) {
      let nextDue = this.shared.now() + this.tickMs;
      try {
        const jump = this.clock.look();
        if (jump) await afterClockJump(this.shared, jump, this.contexts(), () => this.forgetTimes());
        nextDue = Math.min(nextDue, await track('engine scheduling pass', () => this.dispatch()));
      } catch (e) {
        if (isStoreUnreachable(e)) this.keeper.trouble(e);
        else this.shared.emit({ type: 'notice', level: 'error', message: `Scheduler error: ${(e as Error).message}` });
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

  /** One pass over every endpoint with live work. Returns when the next thing will be due. */
  private async dispatch(): Promise<number> {
    const now = this.shared.now();
    if (this.keeper.down !== null || !this.worker) return now + 1_000;
    const live = new Set(await this.queue.liveBatchIds());
    const batches = (await this.queue.listBatches()).filter((b) => live.has(b.id));
    this.launchProbes();
    let nextDue = this.shared.holds.nextProbeAt() ?? Number.POSITIVE_INFINITY;
    const byEndpoint = new Map<string, BatchRecord[]>();
    for (const b of batches) byEndpoint.set(b.baseUrl, [...(byEndpoint.get(b.baseUrl) ?? []), b]);
    this.batchesByEndpoint = byEndpoint;
    for (const [baseUrl, list] of byEndpoint) {
      const ctx = this.contextFor(baseUrl);
      if (!ctx) continue;
      await this.priceRetrieves(ctx);
      const deps = this.passDeps(this.worker.id);
      nextDue = Math.min(nextDue, await sendNext(deps, ctx, list, now));
      nextDue = Math.min(nextDue, await passOverEndpoint(deps, ctx, list, now));
    }
    if (batches.length) nextDue = Math.min(nextDue, (await this.queue.nextDueAt(['ready', 'queued', 'processing'])) ?? Number.POSITIVE_INFINITY);
    return nextDue;
  }

  /** The price of a retrieve call from every job being polled on the account (poll-budget.ts), every few seconds. */
  private async priceRetrieves(ctx: EngineContext): Promise<void> {
    const now = this.shared.now();
    const last = this.pricedAt.get(ctx.baseUrl) ?? Number.NEGATIVE_INFINITY;
    if (now - last < (this.opts.pollPriceEveryMs ?? POLL_PRICE_EVERY_MS) && now >= last) return;
    this.pricedAt.set(ctx.baseUrl, now);
    const usage = await ctx.limiter.usage();
    const jobs = (await this.queue.pollingJobs(ctx.baseUrl)).map((j) => ({
      estimateMs: j.estimateMs,
      elapsedMs: j.elapsedMs,
      ...pollPrior(j.recentEstimatesMs, ctx.pollPolicy.sigma),
    }));
    const priceMs = ctx.pollBudget.update(jobs, { limit: usage.retrieve.limit, windowMs: usage.windowMs });
    // Polls placed while calls were dear would otherwise wait out their long gaps after the budget freed up.
    const moves = ctx.pollSchedule.cheaper(priceMs, this.shared.now(), ctx.pollPolicy);
    if (moves.length) ctx.pollSchedule.settle(moves, await this.queue.advancePolls(moves), priceMs);
  }

  private passDeps(workerId: string): PassDeps {
    return {
      queue: this.queue,
      workerId,
      maxInFlight: this.maxInFlight,
      folders: this.folders,
      take: (c) => this.take(c),
      launch: (c, work, run) => this.launch(c, work, run),
      giveBack: async (c, work, dueAt) => {
        this.keeper.drop(c.row.id);
        if (dueAt === null) await this.queue.releaseLease(c.lease);
        else await this.queue.patchRow(c.row.id, { nextActionAt: dueAt }, { lease: c.lease, release: true });
        work.released = true;
      },
      pollsInFlight: () => this.polling.size,
      resumes: {
        due: (baseUrl) => this.shared.now() - (this.resumesLookedAt.get(baseUrl) ?? Number.NEGATIVE_INFINITY) >= RESUME_LOOK_PASSES * this.tickMs,
        // Found as many as it takes: there may be more, so the next pass looks again.
        looked: (baseUrl, foundAll) => (foundAll ? this.resumesLookedAt.set(baseUrl, this.shared.now()) : this.resumesLookedAt.delete(baseUrl)),
      },
      sending: (baseUrl) => this.sendingTo.has(baseUrl),
      markSending: (baseUrl, rowId, on) => {
        if (on) this.sendingTo.set(baseUrl, rowId);
        else if (this.sendingTo.get(baseUrl) === rowId) this.sendingTo.delete(baseUrl);
      },
      sendEnded: (baseUrl) => this.sendAgain(baseUrl),
      sendAt: (baseUrl, at) => this.sendAgainAt(baseUrl, at),
      budgetReached: async (batch, r) => {
        const reason = `Budget reached: $${r.spentUsd.toFixed(2)} of $${r.budgetUsd.toFixed(2)} spent; the next clip would exceed it. Raise the budget to continue.`;
        await this.queue.setBatchStatus(batch.id, 'paused', reason, 'budget');
        await this.queue.addEvent(batch.id, null, 'batch_paused', reason);
        this.shared.emit({ type: 'batch', batchId: batch.id, status: 'paused', reason });
      },
    };
  }

  /**
   * A send to the endpoint ended: the next one starts now, with the batches the last pass saw (claimSubmissions
   * checks each batch's state in the store again), rather than after whatever the current pass is doing.
   */
  private sendAgain(baseUrl: string): void {
    const list = this.batchesByEndpoint.get(baseUrl);
    const ctx = this.running && this.keeper.down === null && this.worker && list ? this.contextFor(baseUrl) : undefined;
    if (!ctx || !list || !this.worker) return;
    const p = sendNext(this.passDeps(this.worker.id), ctx, list, this.shared.now())
      .then(() => undefined)
      .catch((e: unknown) => {
        if (isStoreUnreachable(e)) this.keeper.trouble(e);
        else this.shared.emit({ type: 'notice', level: 'error', message: `Scheduler error: ${(e as Error).message}` });
      })
      .finally(() => {
        this.sendsStarting.delete(p);
        this.wake?.();
      });
    this.sendsStarting.add(p);
  }

  /** One timer per endpoint: the instant its queue window frees a slot. */
  private sendAgainAt(baseUrl: string, at: number): void {
    if (!this.running) return;
    clearTimeout(this.sendTimers.get(baseUrl));
    const timer = setTimeout(() => {
      this.sendTimers.delete(baseUrl);
      this.sendAgain(baseUrl);
    }, Math.max(0, at - this.shared.now()));
    timer.unref();
    this.sendTimers.set(baseUrl, timer);
  }

  /** Every endpoint context opened so far. */
  private contexts(): EngineContext[] {
    return [...this.links.values()].filter((l): l is EngineContext => 'client' in l);
  }

  /** After a clock jump, remembered instants mean nothing: failed connections. */
  /** The end of every piece of work under way in this process (`busy`). */
  private busyWork(): Array<Promise<void>> {
    return [...this.busy.values()].map((w) => w.done);
  }

  private forgetTimes(): void {
    for (const [url, l] of this.links) if ('error' in l) this.links.delete(url);
    this.pricedAt.clear();
    this.resumesLookedAt.clear();
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
        .catch((e: Error) => {
          if (isStoreUnreachable(e)) this.keeper.trouble(e);
          else this.shared.emit({ type: 'notice', level: 'error', message: `Checking a hold failed: ${e.message}` });
        })
        .finally(() => {
          this.probing.delete(hold.id);
          this.wake?.();
        });
      this.probing.set(hold.id, p);
    }
  }

  /** A claimed row becomes this machine's work: its lease is kept renewed, and lost, the work is stopped. */
  private take(claimed: ClaimedRow): Work {
    const controller = new AbortController();
    this.keeper.hold(claimed.lease, controller);
    // One machine on the local queue: its temp names need no tag (and stay what they always were).
    const tempTag = this.queue.kind === 'postgres' ? leaseTag(claimed.lease) : undefined;
    return { lease: claimed.lease, signal: controller.signal, released: false, tempTag };
  }

  private launch(claimed: ClaimedRow, work: Work, run: () => Promise<void>): void {
    const rowId = claimed.row.id;
    const isPoll = claimed.row.state === 'queued' || claimed.row.state === 'processing';
    if (isPoll) this.polling.add(rowId);
    const p = (async () => {
      try {
        // Named for the event-loop watchdog (loop-watchdog.ts): a row's work that blocks the loop is reported by id.
        await track(`engine work on row ${rowId}`, run);
      } catch (e) {
        await this.workFailed(claimed, work, e);
      } finally {
        this.keeper.drop(rowId);
        if (!work.released) await this.queue.releaseLease(work.lease).catch((e) => this.keeper.trouble(e));
        this.polling.delete(rowId);
        this.busy.delete(rowId);
        this.wake?.();
      }
    })();
    this.busy.set(rowId, { batchId: claimed.row.batchId, done: p });
  }

  private async workFailed(claimed: ClaimedRow, work: Work, e: unknown): Promise<void> {
    // Taken over by another machine (or by a person's decision): that is where the row goes on.
    if (e instanceof LeaseLostError || (e as Error).name === 'LeaseLostError' || work.signal.aborted) return;
    if (isStoreUnreachable(e)) {
      this.keeper.trouble(e);
      return;
    }
    try {
      const batch = await this.queue.getBatch(claimed.row.batchId);
      // A verification or placement that failed because of the folder waits for it like a download does.
      const cause = batch && (await folderProblem(batch.outputDir, e).catch(() => undefined));
      if (batch && cause) {
        await this.shared.holds.holdBatch(batch, cause);
        return;
      }
      await this.queue.addEvent(claimed.row.batchId, claimed.row.id, 'error', `Internal error: ${(e as Error).message}`);
    } catch (inner) {
      this.keeper.trouble(inner);
    }
    this.shared.emit({ type: 'notice', level: 'error', message: `Row ${claimed.row.id}: ${(e as Error).message}` });
  }

  // ---- user actions: written to the store (so the CLI can make them without an engine), then a nudge ----

  async pauseBatch(batchId: number, reason?: string): Promise<void> {
    await actions.pauseBatch(this.queue, batchId, reason);
    this.shared.emit({ type: 'batch', batchId, status: 'paused', reason: reason ?? 'Paused by you' });
  }

  async resumeBatch(batchId: number): Promise<void> {
    await actions.resumeBatch(this.queue, batchId);
    this.shared.emit({ type: 'batch', batchId, status: 'active', reason: null });
    // "Resume" on a batch that waits by itself means "try now".
    this.checkHoldsNow();
  }

  /** Resumes every paused batch (after a top-up or a new key). */
  async resumeAll(): Promise<void> {
    for (const b of await this.queue.listBatches()) if (b.status === 'paused') await this.resumeBatch(b.id);
  }

  async cancelBatch(batchId: number): Promise<void> {
    await actions.cancelBatch(this.queue, batchId);
    this.shared.emit({ type: 'batch', batchId, status: 'cancelled', reason: 'Cancelled by you' });
  }

  async cancelRows(rowIds: number[]): Promise<number> {
    return actions.cancelRows(this.queue, rowIds.filter((id) => !this.busy.has(id)));
  }

  async retryRows(rowIds: number[]): Promise<{ refetch: number; resubmit: number }> {
    const out = await actions.retryRows(this.queue, rowIds.filter((id) => !this.busy.has(id)), this.shared.now());
    this.poke();
    return out;
  }

  async resolveInDoubt(rowId: number, decision: 'resubmit' | 'lost'): Promise<void> {
    await actions.resolveInDoubt(this.queue, rowId, decision);
    this.poke();
  }

  async reorderRow(rowId: number, position: number): Promise<void> {
    await actions.reorderRow(this.queue, rowId, position);
  }

  /** True when no row of the batch will change without the user (everything done, failed, in doubt or paused). */
  async isSettled(batchId: number): Promise<boolean> {
    return batchSettled(this.queue, batchId);
  }

  /**
   * Resolves once the batch is settled and this machine's last steps on its rows have ended too: a row is committed
   * done before its temp name is removed, its probe kept and Venice's copy deleted, and whoever waits (`run`, a test
   * looking at the folder) must find the folder as it will stay.
   */
  async waitUntilSettled(batchId: number, checkEveryMs = 200): Promise<void> {
    while (!(await this.isSettled(batchId)) || [...this.busy.values()].some((w) => w.batchId === batchId)) {
      await new Promise((r) => setTimeout(r, checkEveryMs));
    }
  }
}

/** See Engine.isSettled; any process can ask, with or without an engine (on the studio queue, any machine works it). */
export async function batchSettled(queue: QueueStoreApi, batchId: number): Promise<boolean> {
  const batch = await queue.getBatch(batchId);
  if (!batch) return true;
  const counts = await queue.countByState(batchId);
  const remote = [...REMOTE_STATES, 'submitting' as JobState].some((s) => (counts[s] ?? 0) > 0);
  if (remote) return false;
  if (batch.status !== 'active') return true;
  return Object.entries(counts).every(([s, n]) => !n || TERMINAL_STATES.has(s as JobState) || s === 'draft');
}
