/**
 * Polling that fits the account's retrieve budget (120 calls a minute, shared by every machine of a studio).
 *
 * Why not today's policy (timing.ts): it polls every job on the same rule whatever the budget, ~6.8 calls per job.
 * At 40 new jobs a minute the account allows 3, so a studio would be bound by its retrieve budget, not its queue
 * budget, and the overflow would queue behind the limiter as lag.
 *
 * The idea: put a price on a retrieve call, in milliseconds of detection lag it is worth, and poll each job where a
 * call buys the most. For a run time with hazard rate h (the chance to finish in the next instant, given not done
 * yet), the schedule minimising lag + price x calls places polls with density sqrt(h / (2 x price)) (Keller's
 * inspection rule): few polls early, when a job almost never finishes, more around Venice's estimate, and, because
 * the price is per call while lag is in seconds, relatively more polls for long jobs than for short ones. Venice's
 * `average_execution_time` is a P80 estimate, so run time is modelled as lognormal with 80% of jobs done by the
 * estimate; `execution_duration` says where a job is on that curve.
 *
 * The price follows the budget (PollBudget): the lowest price whose expected call rate, summed over every job being
 * polled on the account right now (all machines), fits the retrieve window. Spare budget: the price falls to its
 * floor and lag is today's or better. Tight budget: calls per job fall to what the account allows.
 *
 * Before a job's first answer there is no estimate of its own: what clips like it (same model, length and
 * resolution, from any machine) were estimated at lately stands in, with their spread (poll-prior.ts); with none at
 * all, one blind early poll fetches it.
 */
export interface BudgetedPollPolicy {
  /** Never poll one job more often than this (Venice documents 5 s). */
  floorMs: number;
  /** The longest gap without an estimate; with one, gaps may reach the estimate itself. */
  ceilingMs: number;
  /** When to poll a job nothing is known about (no estimate, no prior). */
  blindFirstMs: number;
  /** Assumed spread of true run times around Venice's estimate (lognormal sigma). */
  sigma: number;
  /** Bounds of the price of one retrieve call, in ms of detection lag. */
  minPriceMs: number;
  maxPriceMs: number;
}

export const DEFAULT_BUDGETED_POLICY: BudgetedPollPolicy = {
  floorMs: 5_000,
  ceilingMs: 60_000,
  blindFirstMs: 15_000,
  sigma: 0.35,
  minPriceMs: 500,
  maxPriceMs: 600_000,
};

/** z with P(Z <= z) = 0.8: the estimate is the 80th percentile of run time. */
const Z80 = 0.8416;
/** Integration step, in fractions of the estimate. */
const DR = 0.002;

/** erfc with relative error < 1.2e-7 (Numerical Recipes' erfcc): no dependency for one function. */
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/**
 * Hazard rate of r = run time / estimate, per unit of r: ln r ~ N(-sigma * Z80, sigma), so P(r <= 1) = 0.8.
 * Far in the tail the ratio pdf/survival is taken from its asymptote (z / (sigma r)) to avoid 0/0.
 */
export function runTimeHazard(r: number, sigma: number): number {
  if (r <= 0) return 0;
  const z = Math.log(r) / sigma + Z80;
  const survival = 0.5 * erfc(z / Math.SQRT2);
  if (survival < 1e-12) return Math.max(z, 0) / (sigma * r);
  const pdf = Math.exp(-(z * z) / 2) / (Math.sqrt(2 * Math.PI) * sigma * r);
  return pdf / survival;
}

/**
 * From `elapsedMs` into a job with estimate `estimateMs`, the wait until the next poll: where the poll density,
 * integrated from now, reaches one poll. Within the floor, and a gap of at most max(ceiling, estimate).
 */
export function kellerDelayMs(estimateMs: number, elapsedMs: number, priceMs: number, policy: BudgetedPollPolicy = DEFAULT_BUDGETED_POLICY): number {
  const lambda = priceMs / estimateMs;
  const maxGapMs = Math.max(policy.ceilingMs, estimateMs);
  const r0 = Math.max(0, elapsedMs) / estimateMs;
  const rMax = r0 + maxGapMs / estimateMs;
  let r = r0;
  let polls = 0;
  while (polls < 1 && r < rMax) {
    polls += Math.sqrt(runTimeHazard(r + DR / 2, policy.sigma) / (2 * lambda)) * DR;
    r += DR;
  }
  return Math.round(Math.min(maxGapMs, Math.max(policy.floorMs, (r - r0) * estimateMs)));
}

/** What a poll's wait is computed from. */
export interface PollInputs {
  /** Venice's estimate from the job's last PROCESSING answer (absent before the first). */
  estimateMs?: number | null;
  /** How long the job has run (Venice's execution_duration, or the time since it was queued). */
  elapsedMs?: number | null;
  /** The stand-in estimate before the job's own, from clips like it (poll-prior.ts)... */
  priorMs?: number | null;
  /** ...and the spread of run times around it (null: the policy's sigma). */
  priorSigma?: number | null;
}

/** The estimate a job's polls are placed on, and the spread around it; undefined when nothing is known. */
function curveOf(job: PollInputs, policy: BudgetedPollPolicy): { estimateMs: number; policy: BudgetedPollPolicy } | undefined {
  if (job.estimateMs && job.estimateMs > 0) return { estimateMs: job.estimateMs, policy };
  if (!job.priorMs || job.priorMs <= 0) return undefined;
  return { estimateMs: job.priorMs, policy: job.priorSigma && job.priorSigma > 0 ? { ...policy, sigma: job.priorSigma } : policy };
}

/** The wait before the next poll of a job, at a given price of a retrieve call. */
export function budgetedPollDelayMs(job: PollInputs, priceMs: number, policy: BudgetedPollPolicy = DEFAULT_BUDGETED_POLICY): number {
  const curve = curveOf(job, policy);
  if (curve === undefined) return Math.max(policy.floorMs, policy.blindFirstMs - Math.max(0, job.elapsedMs ?? 0));
  return kellerDelayMs(curve.estimateMs, job.elapsedMs ?? 0, priceMs, curve.policy);
}

/** A job being polled, as the budget sees it. */
export interface PolledJob extends PollInputs {
  estimateMs: number | null;
  elapsedMs: number;
}

/** The account's retrieve budget. */
export interface RetrieveWindow {
  /** Calls allowed per window (120 a minute for retrieve). */
  limit: number;
  windowMs: number;
  /** Calls per window the account needs for other things in the same bucket (e.g. /video/complete). */
  reserved?: number;
}

/**
 * Sets the price of a retrieve call from the budget: the lowest price at which the polls the account's jobs would
 * make right now (each at its density rate, capped by the floor), summed over every job of every machine, fit the
 * window. Each machine computes it from the same shared rows, so all of them arrive at about the same price.
 *
 * No feedback loop on the window's fill: the limiter already keeps the account under its limit (a call over budget
 * waits for a slot, which shows up as lag), and in the bench a controller that also raised the price whenever the
 * window filled cost more lag than it saved (10.9% vs 9.8% of run time at 40 jobs a minute).
 */
export class PollBudget {
  private price: number;

  constructor(
    private readonly policy: BudgetedPollPolicy = DEFAULT_BUDGETED_POLICY,
    /** Share of the window to plan for. The limiter is exact (slots are taken before sending), so all of it. */
    private readonly targetShare = 1,
  ) {
    this.price = policy.minPriceMs;
  }

  priceMs(): number {
    return this.price;
  }

  /** Expected retrieve calls per ms the jobs would make at `priceMs`. */
  demandPerMs(jobs: readonly PolledJob[], priceMs: number): number {
    let rate = 0;
    for (const j of jobs) {
      const curve = curveOf(j, this.policy);
      if (curve === undefined) {
        // One blind poll soon, whatever the price.
        rate += 1 / Math.max(this.policy.floorMs, this.policy.blindFirstMs);
        continue;
      }
      const h = runTimeHazard(Math.max(j.elapsedMs, 0) / curve.estimateMs, curve.policy.sigma);
      rate += Math.min(1 / this.policy.floorMs, Math.sqrt(h / (2 * priceMs * curve.estimateMs)));
    }
    return rate;
  }

  /** Recomputes the price for the jobs being polled now; returns it. */
  update(jobs: readonly PolledJob[], window: RetrieveWindow): number {
    const budgetPerMs = Math.max(0, this.targetShare * window.limit - (window.reserved ?? 0)) / window.windowMs;
    const { minPriceMs, maxPriceMs } = this.policy;
    if (this.demandPerMs(jobs, minPriceMs) <= budgetPerMs) this.price = minPriceMs;
    else if (this.demandPerMs(jobs, maxPriceMs) > budgetPerMs) this.price = maxPriceMs;
    else {
      // Demand falls as the price rises: bisect on its logarithm.
      let lo = Math.log(minPriceMs);
      let hi = Math.log(maxPriceMs);
      for (let i = 0; i < 40; i++) {
        const mid = (lo + hi) / 2;
        if (this.demandPerMs(jobs, Math.exp(mid)) > budgetPerMs) lo = mid;
        else hi = mid;
      }
      this.price = Math.exp(hi);
    }
    return this.price;
  }
}

/**
 * The engine's wait before the next poll: `budgetedPollDelayMs` at the budget's current price, except that a job
 * nothing is known about is first polled at the floor while the budget is spare (as the fixed poller did: spare
 * budget must never make the lag worse); the blind wait only applies when calls are scarce.
 */
export function pollDelayMs(
  job: PollInputs,
  budget: Pick<PollBudget, 'priceMs'>,
  policy: BudgetedPollPolicy = DEFAULT_BUDGETED_POLICY,
): number {
  const price = budget.priceMs();
  const spare = price <= policy.minPriceMs;
  return budgetedPollDelayMs(job, price, spare ? { ...policy, blindFirstMs: policy.floorMs } : policy);
}
