import { describe, expect, it } from 'vitest';
import { DEFAULT_BUDGETED_POLICY as P, pollDelayMs } from '../../main/core/queue/poll-budget';
import { PollSchedule } from '../../main/core/queue/poll-schedule';

const MIN = 60_000;
const at = (priceMs: number) => ({ priceMs: () => priceMs });

/** A 3-minute job polled 30 s in, its next poll placed at `priceMs` from t = 1,000,000. */
function placed(rowId: number, priceMs: number) {
  const job = { estimateMs: 3 * MIN, elapsedMs: 30_000, priorMs: null };
  const placedAt = 1_000_000;
  return { rowId, job, placedAt, dueAt: placedAt + pollDelayMs(job, at(priceMs)), priceMs };
}

describe('PollSchedule', () => {
  it('brings a poll placed while calls were dear forward to where the new price puts it, from when it was placed', () => {
    const s = new PollSchedule();
    const dear = placed(1, 60_000);
    s.note(dear);
    const now = dear.placedAt + 5_000;
    const moves = s.cheaper(P.minPriceMs, now, P);
    const expected = dear.placedAt + pollDelayMs(dear.job, at(P.minPriceMs));
    expect(moves).toEqual([{ rowId: 1, from: dear.dueAt, to: Math.max(now, expected) }]);
    // It really is sooner, by more than a little: the whole point.
    expect(dear.dueAt - moves[0]!.to).toBeGreaterThan(10_000);
  });

  it('never moves a poll to before now, nor later, nor for a price that barely moved', () => {
    const s = new PollSchedule();
    const dear = placed(1, 60_000);
    s.note(dear);
    // Long after it was placed, the cheaper time is in the past: the poll is due now.
    const late = dear.dueAt - 2_000;
    expect(s.cheaper(P.minPriceMs, late, P)).toEqual([{ rowId: 1, from: dear.dueAt, to: late }]);
    // A price 10% lower is noise, and a dearer one never moves a poll later.
    expect(s.cheaper(54_000, dear.placedAt + 1_000, P)).toEqual([]);
    expect(s.cheaper(600_000, dear.placedAt + 1_000, P)).toEqual([]);
  });

  it('forgets polls that came due, and those the store no longer waits for', () => {
    const s = new PollSchedule();
    const a = placed(1, 60_000);
    const b = placed(2, 60_000);
    s.note(a);
    s.note(b);
    const moves = s.cheaper(P.minPriceMs, a.placedAt + 1_000, P);
    expect(moves.map((m) => m.rowId)).toEqual([1, 2]);
    // The store moved row 1; row 2 had been polled or backed off since (its due time was not ours any more).
    s.settle(moves, [1], P.minPriceMs);
    expect(s.size).toBe(1);
    // Row 1 now waits at the new price: a second look at the same price moves nothing.
    expect(s.cheaper(P.minPriceMs, a.placedAt + 2_000, P)).toEqual([]);
    // Once due, it is forgotten (it was taken, or will be, and is noted again when placed).
    s.cheaper(P.minPriceMs, a.dueAt + 1, P);
    expect(s.size).toBe(0);
  });
});
