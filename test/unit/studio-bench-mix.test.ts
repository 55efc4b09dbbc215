/**
 * The studio bench's yardsticks (bench/studio-mix.ts): the account-limit bound and the split of jobs by the retrieve
 * budget they were polled under. A wrong yardstick would pass or fail the scheduler for the wrong reason.
 */
import { describe, expect, it } from 'vitest';
import { firstFullAt } from '../../bench/sliding-window';
import { accountBoundMs, pollFigures, todaysPolls, type JobPolls } from '../../bench/studio-mix';

describe('studio bench yardsticks', () => {
  it('bounds the wall time by the queue window: 40 sends a window, each clip ready its run time after', () => {
    // 80 jobs of 10 s: the second 40 leave one window (60 s) later, so the last is ready at 70 s.
    expect(accountBoundMs(Array(80).fill(10_000), 40, 60_000)).toEqual({ rowOrder: 70_000, anyOrder: 70_000 });
    // A long job last in the sheet waits for its window; sent first (any order), it does not.
    const b = accountBoundMs([...Array(40).fill(1_000), 100_000], 40, 60_000);
    expect(b.rowOrder).toBe(160_000);
    expect(b.anyOrder).toBe(100_000);
  });

  it('tells the jobs polled under a tight budget from the tail, and leaves undelivered jobs out', () => {
    const job = (queuedAt: number, genMs: number, lagMs: number | undefined, retrieves: number, fillAtDelivery = 0.5): JobPolls => ({
      queuedAt,
      readyAt: queuedAt + genMs,
      deliveredAt: lagMs === undefined ? undefined : queuedAt + genMs + lagMs,
      retrieves,
      genMs,
      estimateMs: genMs,
      fillAtDelivery,
    });
    // Before the retrieve window first filled (at 20), calls were spare: that job is counted apart. After the tight
    // phase, a job delivered while the window was still nearly full is in neither group.
    const policy = { floorMs: 5, ceilingMs: 60 };
    const f = pollFigures(
      [job(0, 100, 2, 7), job(20, 100, 10, 3), job(50, 100, 20, 2), job(200, 100, 4, 6), job(205, 100, 9, 4, 0.95), job(210, 100, undefined, 5)],
      { from: 20, until: 100 },
      policy,
    );
    const today = todaysPolls(100, 100, policy);
    expect(f.tight).toEqual({ jobs: 2, retrievesPerJob: 2.5, meanLagMs: 15, meanGenMs: 100, todayLagMs: today.lagMs, todayCallsPerJob: today.calls });
    expect(f.fillUp).toMatchObject({ jobs: 1, retrievesPerJob: 7, meanLagMs: 2 });
    expect(f.spare).toMatchObject({ jobs: 1, retrievesPerJob: 6, meanLagMs: 4, meanGenMs: 100 });
  });

  it('finds when a sliding window first held a given number of calls', () => {
    expect(firstFullAt([0, 10, 20, 30, 95, 100, 105], 100, 3)).toBe(20);
    // In any order: 50, 120 and 130 are the first three within one window, (30, 130].
    expect(firstFullAt([50, 0, 120, 130], 100, 3)).toBe(130);
    expect(firstFullAt([0, 200, 400], 100, 2)).toBeUndefined();
  });

  it("replays today's policy on one job: a first poll at the floor, quiet until 40% of the estimate, then every tenth", () => {
    // Estimate 100 s, ready at 73 s: polls at 5 s, 40 s, 50 s, 60 s, 70 s, 80 s: seen 7 s late, with 6 calls.
    expect(todaysPolls(100_000, 73_000, { floorMs: 5_000, ceilingMs: 60_000 })).toEqual({ lagMs: 7_000, calls: 6 });
    // Ready before the first poll: seen at it.
    expect(todaysPolls(100_000, 2_000, { floorMs: 5_000, ceilingMs: 60_000 })).toEqual({ lagMs: 3_000, calls: 1 });
  });
});
