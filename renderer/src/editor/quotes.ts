/**
 * Per-row prices while editing. Prices depend only on the parameter set (model, duration, resolution, aspect,
 * audio), so the page keeps one price per set and asks main (quote:rows) only for sets it has not seen: editing a
 * prompt costs no call, and 10,000 rows of the same settings cost one. Pure: the hook in useLiveQuote.ts drives it.
 */
import type { RowValidation } from './sheet';

export interface QuoteParams {
  model: string;
  duration: string;
  resolution?: string;
  aspect_ratio?: string;
  audio?: boolean;
}

/** What a row's Price cell shows: for a priced row, all its takes (`usd`), one take (`each`) and how many takes. */
export type RowPrice =
  | { kind: 'price'; usd: number; each: number; takes: number }
  | { kind: 'pending' }
  | { kind: 'invalid' }
  | { kind: 'problem'; message: string };

export function paramsOf(check: RowValidation | undefined): QuoteParams | undefined {
  const r = check?.valid ? check.resolved : undefined;
  if (!r) return undefined;
  const p: QuoteParams = { model: r.model, duration: r.duration };
  if (r.resolution !== undefined) p.resolution = r.resolution;
  if (r.aspect_ratio !== undefined) p.aspect_ratio = r.aspect_ratio;
  if (r.audio !== undefined) p.audio = r.audio;
  return p;
}

/** Reads only the parameter fields, so a check's resolved row can be passed as it is (no copy per row). */
export const quoteKey = (p: QuoteParams, rehearsal: boolean) =>
  `${rehearsal ? 'r' : 'l'}|${p.model}|${p.duration}|${p.resolution ?? ''}|${p.aspect_ratio ?? ''}|${p.audio === undefined ? '' : p.audio ? '1' : '0'}`;

/**
 * Each check's key, worked out once (checks are cached per row object, see row-checks.ts): the live quote walks every
 * row on each update, and building 100,000 keys each time held the page for hundreds of milliseconds.
 */
const liveKeys = new WeakMap<RowValidation, string>();
const rehearsalKeys = new WeakMap<RowValidation, string>();

function keyOfCheck(check: RowValidation | undefined, rehearsal: boolean): string | null {
  const resolved = check?.valid ? check.resolved : undefined;
  if (!resolved) return null;
  const keys = rehearsal ? rehearsalKeys : liveKeys;
  let key = keys.get(check!);
  if (key === undefined) keys.set(check!, (key = quoteKey(resolved, rehearsal)));
  return key;
}

export class PriceCache {
  private prices = new Map<string, number>();
  private problems = new Map<string, string>();

  /** Parameter sets of valid rows with no price and no problem yet, each once. */
  missing(checks: readonly (RowValidation | undefined)[], rehearsal: boolean): QuoteParams[] {
    const out = new Map<string, QuoteParams>();
    for (const c of checks) {
      const k = keyOfCheck(c, rehearsal);
      if (k === null || this.prices.has(k) || this.problems.has(k) || out.has(k)) continue;
      out.set(k, paramsOf(c)!);
    }
    return [...out.values()];
  }

  store(params: readonly QuoteParams[], prices: readonly number[], rehearsal: boolean): void {
    params.forEach((p, i) => {
      const price = prices[i];
      if (price !== undefined) this.prices.set(quoteKey(p, rehearsal), price);
    });
  }

  /** A refused quote call: every set it asked about shows the reason (and is asked again after `forget`). */
  fail(params: readonly QuoteParams[], message: string, rehearsal: boolean): void {
    for (const p of params) this.problems.set(quoteKey(p, rehearsal), message);
  }

  /** The first row's problem (a refused price), if any: nothing to look for while no call was refused. */
  firstProblem(checks: readonly (RowValidation | undefined)[], rehearsal: boolean): string | null {
    if (this.problems.size === 0) return null;
    for (const c of checks) {
      const k = keyOfCheck(c, rehearsal);
      const problem = k === null ? undefined : this.problems.get(k);
      if (problem !== undefined) return problem;
    }
    return null;
  }

  forgetProblems(): void {
    this.problems.clear();
  }

  /** One row's price for all its takes. */
  priceOf(check: RowValidation | undefined, rehearsal: boolean): RowPrice {
    const k = keyOfCheck(check, rehearsal);
    if (k === null) return { kind: 'invalid' };
    const problem = this.problems.get(k);
    if (problem !== undefined) return { kind: 'problem', message: problem };
    const each = this.prices.get(k);
    if (each === undefined) return { kind: 'pending' };
    const takes = check?.takes ?? 1;
    return { kind: 'price', usd: Math.round(each * takes * 100) / 100, each, takes };
  }

  /** The total of the priced valid rows, and whether every valid row is priced. */
  total(checks: readonly (RowValidation | undefined)[], rehearsal: boolean): { usd: number; complete: boolean } {
    let usd = 0;
    let complete = true;
    // priceOf's arithmetic without an object per row (this runs over every row on each update).
    for (const c of checks) {
      const k = keyOfCheck(c, rehearsal);
      if (k === null) continue;
      const each = this.problems.has(k) ? undefined : this.prices.get(k);
      if (each === undefined) complete = false;
      else usd += Math.round(each * (c!.takes ?? 1) * 100) / 100;
    }
    return { usd: Math.round(usd * 100) / 100, complete };
  }
}
