/** The editor's price cache: one quote per parameter set, only valid rows, takes counted, problems kept per set. */
import { describe, expect, it } from 'vitest';
import type { RowValidation } from '../../main/core/sheet';
import { PriceCache, quoteKey } from '../../renderer/src/editor/quotes';
import { clipCountText, countClips, liveQuote } from '../../renderer/src/editor/live-quote';
import { blockedBy, spendConfirmed } from '../../renderer/src/editor/queue-gate';

const ok = (row: number, over: Partial<NonNullable<RowValidation['resolved']>> = {}, takes = 1): RowValidation => ({
  row,
  valid: true,
  errors: [],
  warnings: [],
  takes,
  resolved: { model: 'fast', prompt: `p${row}`, duration: '5s', resolution: '480p', ...over },
});
const bad = (row: number): RowValidation => ({ row, valid: false, errors: [{ field: 'prompt', column: 'prompt', message: 'Prompt is empty.' }], warnings: [] });

describe('PriceCache', () => {
  it('asks once per parameter set of the valid rows, whatever the prompts', () => {
    const cache = new PriceCache();
    const checks = [ok(1), ok(2), ok(3, { duration: '10s' }), bad(4), ok(5, { audio: true })];
    const missing = cache.missing(checks, true);
    expect(missing).toEqual([
      { model: 'fast', duration: '5s', resolution: '480p' },
      { model: 'fast', duration: '10s', resolution: '480p' },
      { model: 'fast', duration: '5s', resolution: '480p', audio: true },
    ]);
    cache.store(missing, [0.1, 0.2, 0.15], true);
    expect(cache.missing(checks, true)).toEqual([]);
    // Rehearsal and real prices are different sets.
    expect(cache.missing(checks, false)).toHaveLength(3);
    expect(cache.priceOf(checks[0], true)).toEqual({ kind: 'price', usd: 0.1, each: 0.1, takes: 1 });
    expect(cache.priceOf(checks[3], true)).toEqual({ kind: 'invalid' });
    expect(cache.total(checks, true)).toEqual({ usd: 0.55, complete: true });
  });

  it('counts every take, and says a row is pending until its set is priced', () => {
    const cache = new PriceCache();
    const three = ok(1, {}, 3);
    expect(cache.priceOf(three, true)).toEqual({ kind: 'pending' });
    expect(cache.total([three], true)).toEqual({ usd: 0, complete: false });
    cache.store(cache.missing([three], true), [0.25], true);
    expect(cache.priceOf(three, true)).toEqual({ kind: 'price', usd: 0.75, each: 0.25, takes: 3 });
  });

  it('keeps a refused quote\'s reason on the rows it concerns until forgotten', () => {
    const cache = new PriceCache();
    const checks = [ok(1)];
    cache.fail(cache.missing(checks, false), 'Prices need a Venice API key.', false);
    expect(cache.priceOf(checks[0], false)).toEqual({ kind: 'problem', message: 'Prices need a Venice API key.' });
    expect(cache.missing(checks, false)).toEqual([]);
    cache.forgetProblems();
    expect(cache.missing(checks, false)).toHaveLength(1);
    expect(quoteKey({ model: 'm', duration: '5s' }, true)).not.toBe(quoteKey({ model: 'm', duration: '5s', audio: false }, true));
  });
});

describe('the live quote', () => {
  it('counts clips as rows × takes, and says so in words', () => {
    expect(clipCountText(countClips([ok(1), ok(2)]))).toBe('2 clips');
    expect(clipCountText(countClips([ok(1)]))).toBe('1 clip');
    const five = [1, 2, 3, 4, 5].map((n) => ok(n, {}, 3));
    expect(countClips(five)).toEqual({ rows: 5, clips: 15, takes: 3 });
    expect(clipCountText(countClips(five))).toBe('5 rows × 3 takes = 15 clips');
    expect(clipCountText(countClips([ok(1, {}, 1), ok(2, {}, 3), bad(3)]))).toBe('2 rows, 4 clips (takes vary by row)');
    expect(clipCountText(countClips(Array.from({ length: 2000 }, (_, i) => ok(i + 1, {}, 2))))).toBe('2,000 rows × 2 takes = 4,000 clips');
  });

  it('gives the table, the total and the problem from one cache', () => {
    const cache = new PriceCache();
    const checks = [ok(1, {}, 2), ok(2), bad(3)];
    cache.store(cache.missing(checks, true), [0.5], true);
    const q = liveQuote(cache, checks, true);
    expect(q.total).toEqual({ usd: 1.5, complete: true });
    expect(q.priceOf(checks[0])).toEqual({ kind: 'price', usd: 1, each: 0.5, takes: 2 });
    expect(q.count.clips).toBe(3);
    expect(q.problem).toBeNull();
    const refused = new PriceCache();
    refused.fail(refused.missing(checks, false), 'Prices need a Venice API key.', false);
    expect(liveQuote(refused, checks, false).problem).toBe('Prices need a Venice API key.');
  });
});

describe('the queue gate', () => {
  const priced = (complete: boolean, problem: string | null = null) => ({ count: { rows: 2, clips: 2, takes: 1 }, total: { usd: 1, complete }, problem, priceOf: () => ({ kind: 'invalid' as const }) });
  const base = { invalid: 0, valid: 2, carryOver: false, quote: priced(true), real: false, confirmSpend: false, duplicateOf: null, allowDuplicate: false };

  it('opens in Rehearsal once every row is ready and nothing kept from the last sheet waits for an answer', () => {
    expect(blockedBy(base)).toBeNull();
    expect(blockedBy({ ...base, invalid: 1 })).toBe('1 row needs fixing first: see the Check column.');
    expect(blockedBy({ ...base, invalid: 3 })).toBe('3 rows need fixing first: see the Check column.');
    expect(blockedBy({ ...base, valid: 0 })).toBe('There is no row to queue.');
    expect(blockedBy({ ...base, carryOver: true })).toBe('Keep or reset the settings kept from the last sheet first.');
    expect(blockedBy({ ...base, duplicateOf: 4 })).toBe('Tick the box to queue this sheet again (it is batch 4).');
  });

  it('with real money, waits for every price and for the spend to be confirmed', () => {
    const real = { ...base, real: true };
    expect(blockedBy({ ...real, quote: priced(false) })).toBe('Waiting for the prices of every row…');
    expect(blockedBy({ ...real, quote: priced(false, 'Prices need a Venice API key.') })).toBe('Prices need a Venice API key.');
    expect(blockedBy(real)).toBe('Tick the box to confirm the spend.');
    expect(blockedBy({ ...real, confirmSpend: true })).toBeNull();
  });
});

describe('the spend confirmation', () => {
  const ticked = { usd: 12.5, clips: 10 };
  it('holds for the settled quote it was given, to the cent and the clip', () => {
    expect(spendConfirmed(ticked, { settled: true, usd: 12.5, clips: 10 })).toBe(true);
    expect(spendConfirmed(ticked, { settled: true, usd: 12.504, clips: 10 })).toBe(true);
    expect(spendConfirmed(ticked, { settled: true, usd: 12.51, clips: 10 })).toBe(false);
    expect(spendConfirmed(ticked, { settled: true, usd: 12.5, clips: 11 })).toBe(false);
    expect(spendConfirmed(null, { settled: true, usd: 12.5, clips: 10 })).toBe(false);
  });
  it('confirms nothing while the quote is worked out again, and holds again when it settles on the same figures', () => {
    // A big sheet's quote after an edit: pending (total 0 so far), then the same total as before.
    expect(spendConfirmed(ticked, { settled: false, usd: 0, clips: 10 })).toBe(false);
    expect(spendConfirmed(ticked, { settled: true, usd: 12.5, clips: 10 })).toBe(true);
  });
});
