/**
 * The stand-in for a job's own run-time estimate before Venice's first answer about it: what clips like it (same
 * model, length and resolution) were estimated at lately, on any machine.
 *
 * Why not just the latest such estimate: clips of one kind do not share one estimate (prompt, queue load), and a
 * first poll placed on a neighbour's estimate that happens to be long comes far too late for this job: in the
 * studio bench's mix (three kinds, each spanning 2.3x of estimates) the latest-estimate prior cost 1.3-1.6 points of
 * detection lag over knowing each job's own estimate. So the prior says how much the kind varies: run time is
 * modelled as lognormal around the kind's typical estimate with the spread of estimates added to Venice's own
 * (sigma' = sqrt(sigma^2 + s^2)), and the poll policy places the first poll on that wider curve (earlier, where a
 * short one may already be done). Same mix, virtual time: 11.7% -> 11.0% of generation time at the same calls.
 */

/** How many recent estimates of a kind make its prior (a rolling sample: estimates drift with Venice's load). */
export const PRIOR_SAMPLE = 20;
/** Below this many estimates the spread is not yet known: the latest estimate stands in, at Venice's own sigma. */
const MIN_FOR_SPREAD = 3;
/** z with P(Z <= z) = 0.8: Venice's estimate is about the 80th percentile of run time. */
const Z80 = 0.8416;

export interface PollPrior {
  /** An estimate (80th percentile of run time) for the job, in ms; null when nothing like it was seen. */
  priorMs: number | null;
  /** The lognormal sigma of run time around priorMs; null means the policy's own. */
  priorSigma: number | null;
}

export const NO_PRIOR: PollPrior = { priorMs: null, priorSigma: null };

/**
 * From the recent estimates of clips like this one (newest first, ms), the prior a first poll is placed on.
 * `sigma` is the spread of true run times around one job's own estimate (the policy's).
 */
export function pollPrior(recentEstimatesMs: readonly number[], sigma: number): PollPrior {
  const sample = recentEstimatesMs.filter((ms) => Number.isFinite(ms) && ms > 0).slice(0, PRIOR_SAMPLE);
  if (sample.length === 0) return NO_PRIOR;
  if (sample.length < MIN_FOR_SPREAD) return { priorMs: sample[0] as number, priorSigma: null };
  const logs = sample.map(Math.log);
  const mean = logs.reduce((a, b) => a + b, 0) / logs.length;
  const spread = Math.sqrt(logs.reduce((a, b) => a + (b - mean) ** 2, 0) / (logs.length - 1));
  const wide = Math.sqrt(sigma ** 2 + spread ** 2);
  // The same median run time as a job estimated at the kind's typical (geometric mean) estimate, on the wider curve:
  // median = estimate x exp(-sigma x Z80), so the wider curve's 80th percentile sits higher.
  return { priorMs: Math.exp(mean + (wide - sigma) * Z80), priorSigma: wide };
}
