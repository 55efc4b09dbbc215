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

/**
 * Venice's `average_execution_time` is a P80 estimate of the whole run; `execution_duration` is how long this job
 * has run. While well short of the estimate, wait half the remaining time (so polls thin out where nothing can
 * happen and close in as the estimate nears); past it, poll at the floor.
 */
export function nextPollDelayMs(
  averageExecutionMs: number | undefined,
  executionDurationMs: number | undefined,
  policy: PollPolicy = DEFAULT_POLL_POLICY,
): number {
  if (averageExecutionMs === undefined || averageExecutionMs <= 0) return policy.floorMs;
  const remaining = averageExecutionMs - (executionDurationMs ?? 0);
  const wait = remaining > 0 ? remaining / 2 : policy.floorMs;
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
