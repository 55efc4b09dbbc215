/**
 * The live quote of a big sheet worked out in slices: each pass over 100,000 checks (count, total, first problem,
 * parameter sets to price) held the page's thread for hundreds of milliseconds at a time when done at once. The same
 * pure functions (live-quote.ts, quotes.ts) run over one part of the rows at a time, the thread given back between
 * parts, and their results are put together: sums add, the first problem is the first part's that has one.
 */
import type { RowValidation } from './sheet';
import { liveQuote, type ClipCount, type LiveQuote } from './live-quote';
import { quoteKey, type PriceCache, type QuoteParams } from './quotes';
import { yieldToPage } from './yield-to-page';

/** Rows per part: a few milliseconds of work each. */
const PART_ROWS = 5_000;

export interface SlicedQuote {
  quote: LiveQuote;
  /** Parameter sets of valid rows with no price yet, each once (PriceCache.missing over every row). */
  missing: QuoteParams[];
}

function addCounts(a: ClipCount, b: ClipCount, bHasRows: boolean, aHasRows: boolean): ClipCount {
  const takes = !aHasRows ? b.takes : !bHasRows ? a.takes : a.takes === b.takes ? a.takes : null;
  return { rows: a.rows + b.rows, clips: a.clips + b.clips, takes };
}

/** undefined when `stale()` said so part-way (newer checks or prices: a newer call takes over). */
export async function liveQuoteInSlices(
  cache: PriceCache,
  checks: readonly (RowValidation | undefined)[],
  rehearsal: boolean,
  stale: () => boolean,
): Promise<SlicedQuote | undefined> {
  let count: ClipCount = { rows: 0, clips: 0, takes: 1 };
  let usd = 0;
  let complete = true;
  let problem: string | null = null;
  const missing = new Map<string, QuoteParams>();
  for (let from = 0; from < checks.length; from += PART_ROWS) {
    if (from > 0) {
      await yieldToPage();
      if (stale()) return undefined;
    }
    const part = checks.slice(from, from + PART_ROWS);
    const q = liveQuote(cache, part, rehearsal);
    count = addCounts(count, q.count, q.count.rows > 0, count.rows > 0);
    usd += q.total.usd;
    complete &&= q.total.complete;
    problem ??= q.problem;
    for (const p of cache.missing(part, rehearsal)) missing.set(quoteKey(p, rehearsal), p);
  }
  const quote: LiveQuote = {
    count,
    total: { usd: Math.round(usd * 100) / 100, complete },
    problem,
    priceOf: (check) => cache.priceOf(check, rehearsal),
  };
  return { quote, missing: [...missing.values()] };
}
