/**
 * A studio's polling in virtual time: jobs arrive at a steady rate (40 a minute is the account's queue limit),
 * every retrieve call goes through one account-wide sliding window (120 a minute, 61 s), and a call that finds the
 * window full waits for the next free slot, which is lag too. The policies decide every wait with the product's
 * own functions (timing.ts, poll-budget.ts); nothing sleeps.
 *
 * Jobs come in kinds (model x length x resolution): Venice's estimate is the model's P80 run time, so clips of one
 * kind share an estimate (with a little drift), and the recent ones seen make the prior for the next clip of that
 * kind (poll-prior.ts, as the engine).
 * Estimates are log-uniform over 30 s .. 6 min as in the poll bench; true run times lognormal with 80% done by the
 * estimate. `priors: false` gives every job an unrelated estimate (nothing to learn from other jobs).
 */
import { nextPollDelayMs, DEFAULT_POLL_POLICY } from '../main/core/queue/timing';
import { budgetedPollDelayMs, DEFAULT_BUDGETED_POLICY, PollBudget, type PolledJob } from '../main/core/queue/poll-budget';
import { NO_PRIOR, PRIOR_SAMPLE, pollPrior, type PollPrior } from '../main/core/queue/poll-prior';
import { PollSchedule } from '../main/core/queue/poll-schedule';
import { gaussian, mean, mulberry32 } from './prng';

const Z80 = 0.8416;

export interface SimJob {
  arrivalMs: number;
  kind: number;
  estimateMs: number;
  trueMs: number;
}

export interface MixOptions {
  count: number;
  perMinute: number;
  sigma: number;
  seed: number;
  priors: boolean;
  kinds?: number;
  /** How far estimates of one kind spread (factor from shortest to longest, log-uniform); absent: 5% drift only. */
  kindSpread?: number;
}

export function makeArrivals(o: MixOptions): SimJob[] {
  const random = mulberry32(o.seed);
  const kinds = o.kinds ?? 24;
  const lo = Math.log(30_000);
  const hi = Math.log(360_000);
  const base = Array.from({ length: kinds }, () => Math.exp(lo + (hi - lo) * random()));
  const jobs: SimJob[] = [];
  for (let i = 0; i < o.count; i++) {
    const kind = Math.floor(random() * kinds);
    const within = o.kindSpread ? o.kindSpread ** (random() - 0.5) : Math.exp(0.05 * gaussian(random));
    const estimateMs = o.priors ? (base[kind] as number) * within : Math.exp(lo + (hi - lo) * random());
    jobs.push({ arrivalMs: (i * 60_000) / o.perMinute, kind, estimateMs, trueMs: estimateMs * Math.exp(o.sigma * (gaussian(random) - Z80)) });
  }
  return jobs;
}

/**
 * `pullForward`: polls placed at a higher price come forward when it falls, as the engine does (poll-schedule.ts).
 * `latestOnly`: the prior is the latest estimate of the kind alone (before poll-prior.ts), for comparison.
 * `ownFirst`: a bound, not a policy: each job's own estimate is known before its first poll (Venice gives none).
 */
export type SimPolicy =
  | { kind: 'today' }
  | { kind: 'budgeted'; priors: boolean; pullForward?: boolean; latestOnly?: boolean; ownFirst?: boolean }
  | { kind: 'fixed'; intervalMs: number };

export interface SimResult {
  pollsPerJob: number;
  meanLagMs: number;
  p95LagMs: number;
  meanGenMs: number;
  /** Mean time a poll waited for a free slot in the account's window. */
  meanSlotWaitMs: number;
  /** Highest share of the retrieve window used. */
  peakWindowShare: number;
  finalPriceMs: number;
  /** Each job's detection lag, in the order of `jobs`. */
  lagByJob: number[];
}

/** A binary min-heap of events by time (arrivals before polls at the same instant). */
interface SimEvent {
  at: number;
  job: number;
  arrival: boolean;
  /** A poll event is void once its job's poll was placed again (brought forward). */
  token?: number;
}

class Events {
  private readonly h: SimEvent[] = [];
  push(e: SimEvent): void {
    const h = this.h;
    h.push(e);
    for (let i = h.length - 1; i > 0; ) {
      const p = (i - 1) >> 1;
      if (this.less(h[p]!, h[i]!)) break;
      [h[p], h[i]] = [h[i]!, h[p]!];
      i = p;
    }
  }
  pop(): SimEvent | undefined {
    const h = this.h;
    const top = h[0];
    const last = h.pop();
    if (h.length && last) {
      h[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.less(h[l]!, h[m]!)) m = l;
        if (r < h.length && this.less(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[m], h[i]] = [h[i]!, h[m]!];
        i = m;
      }
    }
    return top;
  }
  private less(a: { at: number; arrival: boolean }, b: { at: number; arrival: boolean }): boolean {
    return a.at < b.at || (a.at === b.at && a.arrival && !b.arrival);
  }
}

export function simulate(
  jobs: readonly SimJob[],
  policy: SimPolicy,
  limits = { retrievePerWindow: 120, windowMs: 61_000 },
): SimResult {
  const budget = new PollBudget(DEFAULT_BUDGETED_POLICY);
  const schedule = new PollSchedule();
  const tokens = new Array<number>(jobs.length).fill(0);
  const events = new Events();
  jobs.forEach((j, i) => events.push({ at: j.arrivalMs, job: i, arrival: true }));
  const polls = new Array<number>(jobs.length).fill(0);
  const lag = new Array<number>(jobs.length).fill(Number.NaN);
  const known = new Array<number | null>(jobs.length).fill(null);
  const active = new Set<number>();
  /** Per kind, the estimates seen, newest first (as the store's recentEstimatesMs). */
  const recentByKind = new Map<number, number[]>();
  const priorOf = new Array<PollPrior>(jobs.length).fill(NO_PRIOR);
  const slots: number[] = [];
  let head = 0;
  let clock = 0;
  let slotWait = 0;
  let peak = 0;
  let nextUpdate = 0;

  const delay = (i: number, at: number, prior: PollPrior): number => {
    const j = jobs[i] as SimJob;
    const elapsed = at - j.arrivalMs;
    if (policy.kind === 'fixed') return policy.intervalMs;
    if (policy.kind === 'today') return nextPollDelayMs(known[i] ?? undefined, known[i] === null ? undefined : elapsed, DEFAULT_POLL_POLICY);
    return budgetedPollDelayMs({ estimateMs: known[i], elapsedMs: elapsed, ...prior }, budget.priceMs());
  };

  /** Places job i's next poll from `at`, remembered as the engine remembers the polls it placed. */
  const place = (i: number, at: number, prior: PollPrior): void => {
    const dueAt = at + delay(i, at, prior);
    tokens[i] = (tokens[i] as number) + 1;
    events.push({ at: dueAt, job: i, arrival: false, token: tokens[i] });
    const elapsedMs = at - (jobs[i] as SimJob).arrivalMs;
    if (policy.kind === 'budgeted') schedule.note({ rowId: i, job: { estimateMs: known[i] as number | null, elapsedMs, ...prior }, placedAt: at, dueAt, priceMs: budget.priceMs() });
  };

  for (let e = events.pop(); e; e = events.pop()) {
    const j = jobs[e.job] as SimJob;
    if (e.arrival) {
      active.add(e.job);
      const recent = recentByKind.get(j.kind) ?? [];
      const prior =
        policy.kind !== 'budgeted' || !policy.priors
          ? NO_PRIOR
          : policy.ownFirst
            ? { priorMs: j.estimateMs, priorSigma: null }
            : pollPrior(policy.latestOnly ? recent.slice(0, 1) : recent, DEFAULT_BUDGETED_POLICY.sigma);
      priorOf[e.job] = prior;
      place(e.job, e.at, prior);
      continue;
    }
    if (e.token !== tokens[e.job]) continue;
    // Wait for a free slot in the account's window (calls go out in the order they fell due).
    let t = Math.max(e.at, clock);
    while (head < slots.length && (slots[head] as number) <= t - limits.windowMs) head++;
    if (slots.length - head >= limits.retrievePerWindow) {
      t = (slots[slots.length - limits.retrievePerWindow] as number) + limits.windowMs;
      while (head < slots.length && (slots[head] as number) <= t - limits.windowMs) head++;
    }
    slotWait += t - e.at;
    clock = t;
    slots.push(t);
    peak = Math.max(peak, (slots.length - head) / limits.retrievePerWindow);
    polls[e.job] = (polls[e.job] as number) + 1;

    if (policy.kind === 'budgeted' && t >= nextUpdate) {
      const polled: PolledJob[] = [...active].map((i) => ({
        estimateMs: known[i] as number | null,
        ...(priorOf[i] as PollPrior),
        elapsedMs: t - (jobs[i] as SimJob).arrivalMs,
      }));
      const price = budget.update(polled, { limit: limits.retrievePerWindow, windowMs: limits.windowMs });
      nextUpdate = t + 5_000;
      if (policy.pullForward) {
        const moves = schedule.cheaper(price, t, DEFAULT_BUDGETED_POLICY);
        for (const m of moves) {
          tokens[m.rowId] = (tokens[m.rowId] as number) + 1;
          events.push({ at: m.to, job: m.rowId, arrival: false, token: tokens[m.rowId] });
        }
        schedule.settle(moves, moves.map((m) => m.rowId), price);
      }
    }

    const elapsed = t - j.arrivalMs;
    if (elapsed >= j.trueMs) {
      lag[e.job] = elapsed - j.trueMs;
      active.delete(e.job);
      continue;
    }
    if (known[e.job] === null) recentByKind.set(j.kind, [j.estimateMs, ...(recentByKind.get(j.kind) ?? [])].slice(0, PRIOR_SAMPLE));
    known[e.job] = j.estimateMs;
    place(e.job, t, NO_PRIOR);
  }

  const lags = [...lag].sort((a, b) => a - b);
  return {
    pollsPerJob: mean(polls),
    meanLagMs: mean(lags),
    p95LagMs: lags[Math.floor(lags.length * 0.95)] ?? Number.NaN,
    meanGenMs: mean(jobs.map((j) => j.trueMs)),
    meanSlotWaitMs: slotWait / Math.max(1, polls.reduce((a, b) => a + b, 0)),
    peakWindowShare: peak,
    finalPriceMs: budget.priceMs(),
    lagByJob: lag,
  };
}

/** One scenario of the studio bench, both policies on the same jobs. */
export function compareAtRate(o: MixOptions): { today: SimResult; budgeted: SimResult } {
  const jobs = makeArrivals(o);
  return { today: simulate(jobs, { kind: 'today' }), budgeted: simulate(jobs, { kind: 'budgeted', priors: o.priors }) };
}
