/**
 * A big sheet's live quote worked out a part at a time (live-quote-slices.ts) is the quote worked out at once: same
 * counts, takes, total, first problem and sets to price, whatever falls on which side of a part's edge.
 */
import { describe, expect, it } from 'vitest';
import type { RowValidation } from '../../main/core/sheet';
import { liveQuote } from '../../renderer/src/editor/live-quote';
import { liveQuoteInSlices } from '../../renderer/src/editor/live-quote-slices';
import { PriceCache } from '../../renderer/src/editor/quotes';

const ok = (row: number, duration: string, takes = 1): RowValidation => ({
  row,
  valid: true,
  errors: [],
  warnings: [],
  takes,
  resolved: { model: 'fast', prompt: `p${row}`, duration, resolution: '480p' },
});
const bad = (row: number): RowValidation => ({ row, valid: false, errors: [{ field: 'prompt', column: 'prompt', message: 'Prompt is empty.' }], warnings: [] });

/** 23,456 rows: invalid ones, unchecked ones, three parameter sets, the last set only in the last part. */
function checks(): Array<RowValidation | undefined> {
  const out: Array<RowValidation | undefined> = [];
  for (let i = 1; i <= 23_456; i++) {
    if (i % 97 === 0) out.push(bad(i));
    else if (i % 101 === 0) out.push(undefined);
    else out.push(ok(i, i > 23_000 ? '10s' : i % 2 ? '5s' : '8s'));
  }
  return out;
}

const summary = (q: ReturnType<typeof liveQuote>) => ({ count: q.count, total: q.total, problem: q.problem });

describe('liveQuoteInSlices', () => {
  it('gives the quote liveQuote gives at once, and the sets still to price', async () => {
    const list = checks();
    const cache = new PriceCache();
    const sliced = await liveQuoteInSlices(cache, list, true, () => false);
    expect(summary(sliced!.quote)).toEqual(summary(liveQuote(cache, list, true)));
    expect(sliced!.missing).toEqual(cache.missing(list, true));
    expect(sliced!.missing.map((p) => p.duration)).toEqual(['5s', '8s', '10s']);
    cache.store(sliced!.missing, [0.1, 0.13, 0.2], true);
    const priced = await liveQuoteInSlices(cache, list, true, () => false);
    expect(priced!.quote.total.complete).toBe(true);
    expect(priced!.quote.total.usd).toBeCloseTo(liveQuote(cache, list, true).total.usd, 2);
    expect(priced!.missing).toEqual([]);
  });

  it('says when takes differ only across parts, and finds a problem in a late part', async () => {
    const list = checks();
    list[20_000] = ok(20_001, '5s', 3);
    const cache = new PriceCache();
    cache.fail([{ model: 'fast', duration: '10s', resolution: '480p' }], 'Venice refused these settings.', true);
    const sliced = await liveQuoteInSlices(cache, list, true, () => false);
    expect(sliced!.quote.count.takes).toBeNull();
    expect(sliced!.quote.problem).toBe('Venice refused these settings.');
    expect(summary(sliced!.quote)).toEqual(summary(liveQuote(cache, list, true)));
  });

  it('stops when the rows it was given are no longer current', async () => {
    let calls = 0;
    expect(await liveQuoteInSlices(new PriceCache(), checks(), true, () => ++calls > 1)).toBeUndefined();
  });
});
