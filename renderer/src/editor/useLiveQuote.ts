/**
 * Keeps the sheet's live quote current: asks main for the prices of parameter sets not seen yet (debounced, valid
 * rows only) and hands back one LiveQuote for everything on screen that shows or checks money.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import type { RowValidation } from './sheet';
import { liveQuote, type LiveQuote } from './live-quote';
import { PriceCache } from './quotes';
import { bridge } from '../state/bridge';

const DEBOUNCE_MS = 400;
/** quote:rows takes at most this many rows a call. */
const CHUNK = 10_000;

export function useLiveQuote(checks: readonly (RowValidation | undefined)[], rehearsal: boolean): LiveQuote {
  const cache = useRef(new PriceCache()).current;
  const [version, setVersion] = useState(0);
  useEffect(() => {
    const wanted = cache.missing(checks, rehearsal);
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
  }, [cache, checks, rehearsal]);
  // `version` is what changes when new prices land in the (mutable) cache.
  return useMemo(() => liveQuote(cache, checks, rehearsal), [cache, checks, rehearsal, version]);
}
