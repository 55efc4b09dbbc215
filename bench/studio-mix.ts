/**
 * The studio bench's batch and its yardsticks, as pure functions: each row's Venice estimate and true run time, the
 * account-limit bound on the batch's wall time, and the checks read from the simulator's own records.
 *
 * Estimates are log-uniform over 30 s .. 6 min, as in the poll bench; true run times lognormal (sigma 0.35) with
 * 80% of jobs done by their estimate, which is what the budgeted poll policy assumes of Venice's P80 estimate.
 * The clip's length follows its estimate (1 s, 2 s or 3 s of the simulator's cheap model, by tercile of the
 * log-range), so the engine's prior for a new job ("the latest estimate of clips like it") is close but not exact,
 * as for real clips of one model, length and resolution.
 */
import { nextPollDelayMs, type PollPolicy } from '../main/core/queue/timing';
import { gaussian, mulberry32 } from './prng';

const Z80 = 0.8416;
export const MIN_ESTIMATE_MS = 30_000;
export const MAX_ESTIMATE_MS = 360_000;
const DURATIONS = ['1s', '2s', '3s'] as const;

export interface MixRow {
  /** 1-based, as in the sheet. */
  rowIndex: number;
  duration: (typeof DURATIONS)[number];
  /** What Venice's retrieve says (average_execution_time), in real (unscaled) ms. */
  estimateMs: number;
  /** When the clip is really ready after queueing, in real (unscaled) ms. */
  trueMs: number;
}

export function makeMix(count: number, seed: number): MixRow[] {
  const random = mulberry32(seed);
  const lo = Math.log(MIN_ESTIMATE_MS);
  const hi = Math.log(MAX_ESTIMATE_MS);
  return Array.from({ length: count }, (_, i) => {
    const u = random();
    const estimateMs = Math.exp(lo + (hi - lo) * u);
    const trueMs = estimateMs * Math.exp(0.35 * (gaussian(random) - Z80));
    return { rowIndex: i + 1, duration: DURATIONS[Math.min(2, Math.floor(u * 3))] as MixRow['duration'], estimateMs, trueMs };
  });
}

/** The prompt carries the row index, so the simulator's timing hook and the ledger checks can find the row. */
export function promptOf(rowIndex: number): string {
  return `Studio shot ${rowIndex}: a lighthouse at dusk`;
}

export function rowIndexOfPrompt(prompt: string): number | undefined {
  const m = /^Studio shot (\d+):/.exec(prompt);
  return m ? Number(m[1]) : undefined;
}

/**
 * The least wall time the account's queue limit allows: at most `perWindow` queue calls in any `windowMs`, sent at
 * the earliest instants a sliding window permits (call k at floor(k / perWindow) windows), each clip ready its true
 * run time later. Downloads and checks are counted as free, so the bound is slightly optimistic.
 *   - rowOrder: calls in the sheet's order, as the engine sends them (a perfect scheduler that keeps the order);
 *   - anyOrder: the longest generations sent first, the least time any scheduler could reach.
 */
export function accountBoundMs(trueMs: readonly number[], perWindow: number, windowMs: number): { rowOrder: number; anyOrder: number } {
  const slot = (k: number) => Math.floor(k / perWindow) * windowMs;
  const rowOrder = trueMs.reduce((m, t, k) => Math.max(m, slot(k) + t), 0);
  const longestFirst = [...trueMs].sort((a, b) => b - a);
  const anyOrder = longestFirst.reduce((m, t, k) => Math.max(m, slot(k) + t), 0);
  return { rowOrder, anyOrder };
}

export function percentile(values: readonly number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))] as number;
}

/** One charged job as the simulator saw it (bench time units). */
export interface JobPolls {
  queuedAt: number;
  /** When its clip was really ready (queued + its true run time). */
  readyAt: number;
  /** The retrieve that delivered the clip; undefined if the run stopped first. */
  deliveredAt: number | undefined;
  retrieves: number;
  genMs: number;
  /** Venice's estimate for the job. */
  estimateMs: number;
  /** How full the account's retrieve window was (0..1) in the window before the delivering retrieve. */
  fillAtDelivery: number;
}

export interface PollFigures {
  jobs: number;
  retrievesPerJob: number;
  /** Mean time from ready to delivered, and the mean run time of the same jobs. */
  meanLagMs: number;
  meanGenMs: number;
  /** The same jobs under today's policy (timing.ts) with the budget all theirs: its mean lag and calls per job. */
  todayLagMs: number;
  todayCallsPerJob: number;
}

/**
 * Today's policy (timing.ts: sleep through 40% of the estimate, then poll every tenth of it, within the floor and
 * ceiling) on one job with no limit on calls: when it would have seen the clip, and with how many calls. Times in
 * the units of the arguments (the policy's floor and ceiling scaled to match).
 */
export function todaysPolls(estimateMs: number, trueMs: number, policy: PollPolicy): { lagMs: number; calls: number } {
  let t = policy.floorMs; // the first poll: nothing is known yet
  let calls = 1;
  while (t < trueMs) {
    t += nextPollDelayMs(estimateMs, t, policy);
    calls++;
  }
  return { lagMs: t - trueMs, calls };
}

/** When the batch's retrieve budget was tight: from the window first filling up to the last job queued into it. */
export interface TightPhase {
  /** The retrieve window first (nearly) full: until then calls were free and polls were placed at the floor price. */
  from: number;
  /** The last queue call minus the longest run time: jobs queued by then ran while 40 new jobs a window arrived. */
  until: number;
}

/**
 * Splits the jobs by the budget they were polled under. 'tight': queued within the tight phase, so that the whole
 * generation fell while the retrieve window was full and new jobs still arrived at the account's queue limit, when
 * 120 retrieve calls a minute leave 3 per job. 'fillUp': queued in the same stream but before the window first
 * filled (the batch's first minute), when calls were still spare and the policy rightly polled more. 'spare':
 * delivered while the account's retrieve window was less than `spareBelow` full (the batch's tail), when the policy
 * may poll as often as it likes. Jobs not delivered are left out; jobs in none (the turn from tight to spare) only
 * count in the totals.
 */
export function pollFigures(
  jobs: readonly JobPolls[],
  phase: TightPhase,
  policy: PollPolicy,
  spareBelow = 0.75,
): { tight: PollFigures; fillUp: PollFigures; spare: PollFigures } {
  const figures = (list: readonly JobPolls[]): PollFigures => {
    const n = Math.max(1, list.length);
    const today = list.map((j) => todaysPolls(j.estimateMs, j.genMs, policy));
    return {
      jobs: list.length,
      retrievesPerJob: list.reduce((s, j) => s + j.retrieves, 0) / n,
      meanLagMs: list.reduce((s, j) => s + Math.max(0, (j.deliveredAt ?? 0) - j.readyAt), 0) / n,
      meanGenMs: list.reduce((s, j) => s + j.genMs, 0) / n,
      todayLagMs: today.reduce((s, t) => s + t.lagMs, 0) / n,
      todayCallsPerJob: today.reduce((s, t) => s + t.calls, 0) / n,
    };
  };
  const delivered = jobs.filter((j) => j.deliveredAt !== undefined);
  return {
    tight: figures(delivered.filter((j) => j.queuedAt >= phase.from && j.queuedAt <= phase.until)),
    fillUp: figures(delivered.filter((j) => j.queuedAt < phase.from && j.queuedAt <= phase.until)),
    spare: figures(delivered.filter((j) => j.queuedAt > phase.until && j.fillAtDelivery < spareBelow)),
  };
}
