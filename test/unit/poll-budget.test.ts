import { describe, expect, it } from 'vitest';
import {
  budgetedPollDelayMs,
  DEFAULT_BUDGETED_POLICY as P,
  kellerDelayMs,
  PollBudget,
  runTimeHazard,
  type PolledJob,
} from '../../main/core/queue/poll-budget';

/** exp(-integral of the hazard) = the chance a job is still running at r. */
function survival(r: number, sigma = P.sigma): number {
  let acc = 0;
  const dr = 0.0005;
  for (let x = dr / 2; x < r; x += dr) acc += runTimeHazard(x, sigma) * dr;
  return Math.exp(-acc);
}

describe('run-time model', () => {
  it('has 80% of jobs done by Venice\'s estimate (it is a P80), whatever the spread', () => {
    for (const sigma of [0.15, 0.35, 0.6]) expect(survival(1, sigma)).toBeCloseTo(0.2, 2);
  });
  it('is quiet early and busiest around the estimate', () => {
    expect(runTimeHazard(0.2, P.sigma)).toBeLessThan(0.01);
    expect(runTimeHazard(1, P.sigma)).toBeGreaterThan(runTimeHazard(0.6, P.sigma));
    expect(Number.isFinite(runTimeHazard(50, P.sigma))).toBe(true);
  });
});

describe('kellerDelayMs', () => {
  it('sleeps through the quiet start, then polls more densely as the estimate nears', () => {
    const first = kellerDelayMs(100_000, 0, 1_000);
    expect(first).toBeGreaterThan(35_000);
    expect(first).toBeLessThan(60_000);
    const later = kellerDelayMs(100_000, 80_000, 1_000);
    expect(later).toBeLessThan(first / 3);
  });
  it('polls less often as a call gets dearer', () => {
    expect(kellerDelayMs(100_000, 60_000, 20_000)).toBeGreaterThan(kellerDelayMs(100_000, 60_000, 2_000));
  });
  it('gives long jobs relatively more polls than short ones at one price (lag costs seconds, calls do not)', () => {
    const shortShare = kellerDelayMs(40_000, 30_000, 5_000) / 40_000;
    const longShare = kellerDelayMs(300_000, 225_000, 5_000) / 300_000;
    expect(longShare).toBeLessThan(shortShare);
  });
  it('keeps to the floor and never waits longer than the estimate (or the ceiling)', () => {
    expect(kellerDelayMs(10_000, 9_000, 500)).toBe(P.floorMs);
    expect(kellerDelayMs(100_000, 0, P.maxPriceMs)).toBeLessThanOrEqual(100_000);
    expect(kellerDelayMs(20_000, 0, P.maxPriceMs)).toBeLessThanOrEqual(P.ceilingMs);
  });
});

describe('budgetedPollDelayMs', () => {
  it('uses the job\'s own estimate, else the latest for clips like it, else one blind early poll', () => {
    expect(budgetedPollDelayMs({ estimateMs: 100_000, elapsedMs: 0, priorMs: 30_000 }, 1_000)).toBe(kellerDelayMs(100_000, 0, 1_000));
    expect(budgetedPollDelayMs({ priorMs: 100_000 }, 1_000)).toBe(kellerDelayMs(100_000, 0, 1_000));
    expect(budgetedPollDelayMs({}, 1_000)).toBe(P.blindFirstMs);
    expect(budgetedPollDelayMs({ elapsedMs: 14_000 }, 1_000)).toBe(P.floorMs);
  });
});

describe('PollBudget', () => {
  const window = { limit: 120, windowMs: 61_000 };
  const jobsAt = (n: number, estimateMs = 110_000): PolledJob[] =>
    Array.from({ length: n }, (_, i) => ({ estimateMs, elapsedMs: ((i + 0.5) / n) * estimateMs * 1.2 }));

  it('keeps the lowest price while the budget is spare', () => {
    const b = new PollBudget();
    expect(b.update(jobsAt(10), window)).toBe(P.minPriceMs);
  });

  it('raises the price until the jobs\' expected calls fit the window, and no further', () => {
    const b = new PollBudget();
    const jobs = jobsAt(80);
    const price = b.update(jobs, window);
    expect(price).toBeGreaterThan(P.minPriceMs);
    const perWindow = b.demandPerMs(jobs, price) * window.windowMs;
    expect(perWindow).toBeLessThanOrEqual(120 + 1e-6);
    expect(perWindow).toBeGreaterThan(118);
    // More jobs on the account (any machine): dearer calls.
    expect(new PollBudget().update(jobsAt(160), window)).toBeGreaterThan(price);
    // Calls reserved for something else in the same bucket leave less for polls.
    expect(new PollBudget().update(jobs, { ...window, reserved: 40 })).toBeGreaterThan(price);
  });

  it('counts jobs waiting for their first answer by their prior, or as one blind poll', () => {
    const b = new PollBudget();
    const withPrior = b.demandPerMs([{ estimateMs: null, priorMs: 100_000, elapsedMs: 0 }], 5_000);
    const blind = b.demandPerMs([{ estimateMs: null, elapsedMs: 0 }], 5_000);
    expect(withPrior).toBeLessThan(blind / 100);
    expect(blind).toBeCloseTo(1 / P.blindFirstMs, 10);
  });
});
