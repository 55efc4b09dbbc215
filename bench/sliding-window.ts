/**
 * Each timestamp in order, with how many timestamps fall in the half-open window (t - width, t] ending at it: what a
 * sliding-window limiter counts at that instant.
 */
function* windowCounts(times: readonly number[], width: number): Generator<{ at: number; count: number }> {
  const s = [...times].sort((a, b) => a - b);
  let lo = 0;
  for (let hi = 0; hi < s.length; hi++) {
    while ((s[lo] as number) <= (s[hi] as number) - width) lo++;
    yield { at: s[hi] as number, count: hi - lo + 1 };
  }
}

/** Most timestamps in any half-open window (t - width, t]. */
export function maxInWindow(times: readonly number[], width: number): number {
  let best = 0;
  for (const w of windowCounts(times, width)) best = Math.max(best, w.count);
  return best;
}

/** The first instant at which `count` calls fell within one window (undefined: never). */
export function firstFullAt(times: readonly number[], width: number, count: number): number | undefined {
  for (const w of windowCounts(times, width)) if (w.count >= count) return w.at;
  return undefined;
}
