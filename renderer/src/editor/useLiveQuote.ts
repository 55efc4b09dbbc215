/** Keeps the editor's per-row prices current: asks main for new parameter sets, debounced, only for valid rows. */
import { useEffect, useRef, useState } from 'react';
import type { RowValidation } from './sheet';
import { PriceCache } from './quotes';
import { bridge } from '../state/bridge';

const DEBOUNCE_MS = 400;
/** quote:rows takes at most this many rows a call. */
const CHUNK = 10_000;

export function useRowQuotes(checks: readonly RowValidation[], rehearsal: boolean): { cache: PriceCache; version: number } {
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
  return { cache, version };
}
