/** Most timestamps in any half-open window (t - width, t]: what a sliding-window limiter counts. */
export function maxInWindow(times: readonly number[], width: number): number {
  const s = [...times].sort((a, b) => a - b);
  let best = 0;
  let lo = 0;
  for (let hi = 0; hi < s.length; hi++) {
    while ((s[lo] as number) <= (s[hi] as number) - width) lo++;
    best = Math.max(best, hi - lo + 1);
  }
  return best;
}

/** The first instant at which `count` calls fell within one window (undefined: never). */
export function firstFullAt(times: readonly number[], width: number, count: number): number | undefined {
  const s = [...times].sort((a, b) => a - b);
  let lo = 0;
  for (let hi = 0; hi < s.length; hi++) {
    while ((s[lo] as number) <= (s[hi] as number) - width) lo++;
    if (hi - lo + 1 >= count) return s[hi];
  }
  return undefined;
}
