import { describe, expect, it } from 'vitest';
import { budgetedPollDelayMs, DEFAULT_BUDGETED_POLICY as P, type PollInputs } from '../../main/core/queue/poll-budget';
import { NO_PRIOR, PRIOR_SAMPLE, pollPrior } from '../../main/core/queue/poll-prior';

const Z80 = 0.8416;
const geomean = (xs: readonly number[]) => Math.exp(xs.reduce((a, x) => a + Math.log(x), 0) / xs.length);

describe('pollPrior', () => {
  it('has nothing to offer before any clip like this one was estimated', () => {
    expect(pollPrior([], P.sigma)).toEqual(NO_PRIOR);
    expect(pollPrior([0, Number.NaN, -5], P.sigma)).toEqual(NO_PRIOR);
  });

  it('takes the latest estimate as it is while too few are known to tell their spread', () => {
    expect(pollPrior([90_000], P.sigma)).toEqual({ priorMs: 90_000, priorSigma: null });
    expect(pollPrior([90_000, 40_000], P.sigma)).toEqual({ priorMs: 90_000, priorSigma: null });
  });

  it("is Venice's own curve when clips of the kind all get the same estimate", () => {
    const p = pollPrior([90_000, 90_000, 90_000, 90_000], P.sigma);
    expect(p.priorMs).toBeCloseTo(90_000, 3);
    expect(p.priorSigma).toBeCloseTo(P.sigma, 9);
  });

  it("widens the curve by the kind's spread and keeps the typical job's median run time", () => {
    const recent = [60_000, 75_000, 90_000, 110_000, 138_000];
    const p = pollPrior(recent, P.sigma);
    const logs = recent.map(Math.log);
    const m = logs.reduce((a, b) => a + b, 0) / logs.length;
    const s = Math.sqrt(logs.reduce((a, b) => a + (b - m) ** 2, 0) / (logs.length - 1));
    expect(p.priorSigma).toBeCloseTo(Math.sqrt(P.sigma ** 2 + s ** 2), 9);
    // Median run time: an estimate is the 80th percentile, so median = estimate x exp(-sigma x Z80).
    const median = (p.priorMs as number) * Math.exp(-(p.priorSigma as number) * Z80);
    expect(median).toBeCloseTo(geomean(recent) * Math.exp(-P.sigma * Z80), 3);
  });

  it('looks at the newest PRIOR_SAMPLE estimates only (Venice drifts with its load)', () => {
    const old = Array.from({ length: 30 }, () => 300_000);
    const fresh = Array.from({ length: PRIOR_SAMPLE }, () => 60_000);
    expect(pollPrior([...fresh, ...old], P.sigma).priorMs).toBeCloseTo(60_000, 3);
  });
});

/**
 * One job polled from its first poll to its clip: the first poll placed on `prior`, every later one on the job's own
 * estimate (as Venice's first answer gives it), all at one price. Returns the detection lag and the calls made.
 */
function follow(prior: PollInputs, ownMs: number, trueMs: number, priceMs: number): { lagMs: number; calls: number } {
  let t = budgetedPollDelayMs({ estimateMs: null, elapsedMs: 0, ...prior }, priceMs);
  let calls = 1;
  while (t < trueMs) {
    t += budgetedPollDelayMs({ estimateMs: ownMs, elapsedMs: t }, priceMs);
    calls++;
  }
  return { lagMs: t - trueMs, calls };
}

describe('the first poll of a job whose kind varies', () => {
  // A kind whose estimates span 2.3x (as one of the studio bench's three kinds), and run times around each job's own
  // estimate at the deciles of Venice's spread.
  const kind = Array.from({ length: 20 }, (_, i) => 60_000 * 2.3 ** (i / 19));
  const deciles = [-1.2816, -0.8416, -0.5244, -0.2533, 0, 0.2533, 0.5244, 0.8416, 1.2816];
  const priceMs = 20_000;

  /** Mean of lag + price x calls (what the policy minimises) over every job, true run time and prior given. */
  function meanCost(priorFor: (own: number, i: number) => PollInputs[]): { cost: number; lagMs: number; calls: number } {
    let cost = 0;
    let lag = 0;
    let calls = 0;
    let n = 0;
    kind.forEach((own, i) => {
      for (const z of deciles) {
        const trueMs = own * Math.exp(P.sigma * (z - Z80));
        for (const prior of priorFor(own, i)) {
          const r = follow(prior, own, trueMs, priceMs);
          cost += r.lagMs + priceMs * r.calls;
          lag += r.lagMs;
          calls += r.calls;
          n++;
        }
      }
    });
    return { cost: cost / n, lagMs: lag / n, calls: calls / n };
  }

  it("costs less with the kind's spread than with whichever neighbour's estimate came last", () => {
    // Before: the latest estimate of a clip like it, whichever of its neighbours that was.
    const latest = meanCost((_own, i) => kind.filter((_, j) => j !== i).map((e) => ({ priorMs: e })));
    // Now: the kind's recent estimates (newest first; their order does not matter to the prior).
    const spread = meanCost((_own, i) => [pollPrior(kind.filter((_, j) => j !== i).reverse(), P.sigma)]);
    expect(spread.cost).toBeLessThan(latest.cost * 0.97);
    expect(spread.lagMs).toBeLessThan(latest.lagMs);
  });
});
