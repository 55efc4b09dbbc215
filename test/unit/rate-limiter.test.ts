import { describe, expect, it } from 'vitest';
import { RateLimiter, VENICE_LIMITS } from '../../main/core/queue/rate-limiter';

function clock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('RateLimiter', () => {
  it('lets 40 queue requests through in a minute and holds the 41st until a slot frees', () => {
    const c = clock();
    const l = new RateLimiter(VENICE_LIMITS, c.now);
    for (let i = 0; i < 40; i++) {
      expect(l.tryAcquire('queue')).toBe(true);
      c.advance(100);
    }
    expect(l.tryAcquire('queue')).toBe(false);
    const wait = l.waitMs('queue');
    expect(wait).toBeGreaterThan(56_000);
    expect(wait).toBeLessThanOrEqual(61_000);
    c.advance(wait);
    expect(l.tryAcquire('queue')).toBe(true);
  });

  it('keeps queue and retrieve budgets apart, with complete sharing retrieve', () => {
    const c = clock();
    const l = new RateLimiter(VENICE_LIMITS, c.now);
    for (let i = 0; i < 119; i++) expect(l.tryAcquire('retrieve')).toBe(true);
    expect(l.tryAcquire('complete')).toBe(true);
    expect(l.tryAcquire('retrieve')).toBe(false);
    expect(l.tryAcquire('queue')).toBe(true);
  });

  it('stops everything at the error budget, long before Venice locks the key', () => {
    const c = clock();
    const l = new RateLimiter(VENICE_LIMITS, c.now);
    for (let i = 0; i < VENICE_LIMITS.errorBudget; i++) l.recordError();
    expect(VENICE_LIMITS.errorBudget).toBeLessThan(VENICE_LIMITS.lockoutThreshold);
    expect(l.tryAcquire('retrieve')).toBe(false);
    expect(l.tryAcquire('queue')).toBe(false);
    c.advance(VENICE_LIMITS.errorWindowMs + 1);
    expect(l.tryAcquire('retrieve')).toBe(true);
  });

  it("obeys a 429's reset time for that route only", () => {
    const c = clock();
    const l = new RateLimiter(VENICE_LIMITS, c.now);
    l.blockUntil('queue', c.now() + 7_000);
    expect(l.waitMs('queue')).toBe(7_000);
    expect(l.waitMs('retrieve')).toBe(0);
  });

  it('resumes its windows from the request log after a restart', () => {
    const c = clock();
    const l = new RateLimiter(VENICE_LIMITS, c.now);
    l.restore(Array.from({ length: 40 }, (_, i) => ({ at: c.now() - 30_000 + i, route: 'queue', ok: true })));
    expect(l.tryAcquire('queue')).toBe(false);
    expect(l.waitMs('queue')).toBe(31_000);
  });
});
