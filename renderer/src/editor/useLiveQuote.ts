/**
 * Keeps the sheet's live quote current: asks main for the prices of parameter sets not seen yet (debounced, valid
 * rows only) and hands back one LiveQuote for everything on screen that shows or checks money. A big sheet's quote is
 * worked out in slices (live-quote-slices.ts); until it is, `pending` is true and the quote counts nothing.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import type { RowValidation } from './sheet';
import { liveQuote, type LiveQuote } from './live-quote';
import { liveQuoteInSlices, type SlicedQuote } from './live-quote-slices';
import { PriceCache, type QuoteParams } from './quotes';
import { bridge } from '../state/bridge';

const DEBOUNCE_MS = 400;
/** quote:rows takes at most this many rows a call. */
const CHUNK = 10_000;
/** From this many rows on, the quote is worked out in slices rather than in the render. */
const SLICED_FROM = 10_000;

type Checks = readonly (RowValidation | undefined)[];

export function useLiveQuote(checks: Checks, rehearsal: boolean): LiveQuote & { pending: boolean } {
  const cache = useRef(new PriceCache()).current;
  const [version, setVersion] = useState(0);
  const big = checks.length >= SLICED_FROM;
  // A small sheet: at once, in the render. `version` is what changes when new prices land in the (mutable) cache.
  const small = useMemo(() => (big ? undefined : liveQuote(cache, checks, rehearsal)), [big, cache, checks, rehearsal, version]);
  const [sliced, setSliced] = useState<(SlicedQuote & { checks: Checks; rehearsal: boolean }) | undefined>(undefined);
  useEffect(() => {
    if (!big) return;
    let stale = false;
    void liveQuoteInSlices(cache, checks, rehearsal, () => stale).then((r) => {
      if (r && !stale) setSliced({ ...r, checks, rehearsal });
    });
    return () => {
      stale = true;
    };
  }, [big, cache, checks, rehearsal, version]);
  // A quote of these checks, even one from before the latest prices landed (the next replaces it shortly).
  const current = big && sliced && sliced.checks === checks && sliced.rehearsal === rehearsal ? sliced : undefined;

  useEffect(() => {
    const wanted: QuoteParams[] = big ? (current?.missing ?? []) : cache.missing(checks, rehearsal);
    if (wanted.length === 0) return;
    let stale = false;
    const timer = setTimeout(async () => {
      for (let i = 0; i < wanted.length && !stale; i += CHUNK) {
        const part = wanted.slice(i, i + CHUNK);
        const r = await bridge.quote.rows({ rehearsal, rows: part });
        if (r.ok) cache.store(part, r.value.prices, rehearsal);
        else cache.fail(part, r.error.message, rehearsal);
      }
      // Even when the rows changed meanwhile: the prices are cached and the next render must show them.
      setVersion((v) => v + 1);
    }, DEBOUNCE_MS);
    return () => {
      stale = true;
      clearTimeout(timer);
    };
  }, [big, cache, checks, current, rehearsal]);

  return useMemo(() => {
    if (small) return { ...small, pending: false };
    if (current) return { ...current.quote, pending: false };
    return {
      count: { rows: 0, clips: 0, takes: 1 },
      total: { usd: 0, complete: false },
      problem: null,
      priceOf: (check: RowValidation | undefined) => cache.priceOf(check, rehearsal),
      pending: true,
    };
  }, [small, current, cache, rehearsal]);
}
