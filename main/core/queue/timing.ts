/**
 * When to poll next and how long to back off: pure functions, so the policy is tested and benchmarked apart from
 * the engine.
 */
export interface PollPolicy {
  /** Never poll a job more often than this (Venice documents 5 s). */
  floorMs: number;
  /** Never leave a job unpolled longer than this. */
  ceilingMs: number;
}

export const DEFAULT_POLL_POLICY: PollPolicy = { floorMs: 5_000, ceilingMs: 60_000 };

/** Before this share of Venice's estimate has passed, hardly any job is done (the estimate is a P80 of run time). */
export const QUIET_SHARE = 0.4;
/** After that, poll every this share of the estimate: the lag stays proportional to the job's own length. */
export const STEP_SHARE = 0.1;

/**
 * Venice's `average_execution_time` is a P80 estimate of the whole run; `execution_duration` is how long this job
 * has run. Sleep through the quiet first part of the estimate, then poll at a tenth of the estimate (late jobs
 * too), always within the floor and the ceiling. The benchmark compares this with fixed pollers at equal lag.
 */
export function nextPollDelayMs(
  averageExecutionMs: number | undefined,
  executionDurationMs: number | undefined,
  policy: PollPolicy = DEFAULT_POLL_POLICY,
): number {
  if (averageExecutionMs === undefined || averageExecutionMs <= 0) return policy.floorMs;
  const elapsed = executionDurationMs ?? 0;
  const quietUntil = averageExecutionMs * QUIET_SHARE;
  const wait = elapsed < quietUntil ? quietUntil - elapsed : averageExecutionMs * STEP_SHARE;
  return Math.round(Math.min(policy.ceilingMs, Math.max(policy.floorMs, wait)));
}

/** "Full jitter" exponential backoff: a random wait in [0, min(cap, base * 2^attempt)], never below `minMs`. */
export function backoffMs(attempt: number, opts: { baseMs?: number; capMs?: number; minMs?: number } = {}, random: () => number = Math.random): number {
  const base = opts.baseMs ?? 2_000;
  const cap = opts.capMs ?? 120_000;
  const min = opts.minMs ?? 500;
  const ceiling = Math.min(cap, base * 2 ** Math.min(attempt, 30));
  return Math.max(min, Math.round(random() * ceiling));
}

/**
 * Shorter timings for demos, tests and benches, from the environment (the CLI and browser mode read them):
 * VENICE_BATCH_POLL_FLOOR_MS shortens the poll floor (Venice documents 5 s: never shorter against the real API),
 * VENICE_BATCH_HOLD_CHECK_MS how often a hold's cause is checked again (default 30 s).
 */
export function timingsFromEnv(env: NodeJS.ProcessEnv): {
  pollPolicy?: PollPolicy;
  tickMs?: number;
  holdTimings?: { probeMs: number; capacityMs: number; capacityMaxMs: number };
} {
  const floor = Number(env.VENICE_BATCH_POLL_FLOOR_MS);
  const hold = Number(env.VENICE_BATCH_HOLD_CHECK_MS);
  return {
    ...(floor > 0 ? { pollPolicy: { floorMs: floor, ceilingMs: Math.max(floor * 4, 1_000) }, tickMs: Math.min(250, floor) } : {}),
    ...(hold > 0 ? { holdTimings: { probeMs: hold, capacityMs: hold, capacityMaxMs: hold * 10 } } : {}),
  };
}
