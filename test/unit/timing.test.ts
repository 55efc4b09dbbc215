import { describe, expect, it } from 'vitest';
import { backoffMs, nextPollDelayMs } from '../../main/core/queue/timing';

const policy = { floorMs: 5_000, ceilingMs: 60_000 };

describe('nextPollDelayMs', () => {
  it('sleeps through the quiet first 40% of the estimate', () => {
    expect(nextPollDelayMs(120_000, 0, policy)).toBe(48_000);
    expect(nextPollDelayMs(120_000, 30_000, policy)).toBe(18_000);
    expect(nextPollDelayMs(600_000, 0, policy)).toBe(60_000); // ceiling
  });
  it('then polls at a tenth of the estimate, late jobs included, never below the floor', () => {
    expect(nextPollDelayMs(120_000, 60_000, policy)).toBe(12_000);
    expect(nextPollDelayMs(120_000, 200_000, policy)).toBe(12_000);
    expect(nextPollDelayMs(20_000, 15_000, policy)).toBe(5_000);
  });
  it('polls at the floor without an estimate', () => {
    expect(nextPollDelayMs(undefined, undefined, policy)).toBe(5_000);
    expect(nextPollDelayMs(0, 0, policy)).toBe(5_000);
  });
});

describe('backoffMs', () => {
  it('is full jitter: anywhere from the minimum up to base * 2^n, capped', () => {
    expect(backoffMs(0, { baseMs: 1000, minMs: 100 }, () => 0)).toBe(100);
    expect(backoffMs(3, { baseMs: 1000 }, () => 0.999_999)).toBe(8000);
    expect(backoffMs(50, { baseMs: 1000, capMs: 30_000 }, () => 1)).toBe(30_000);
  });
});
