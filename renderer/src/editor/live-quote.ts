/**
 * The one live quote of the sheet being edited: the clips it makes (rows × takes), each row's price (per take and for
 * all its takes) and the total. The table, the total, the cap check, the confirmation and the queue button all read
 * this one object, so no two figures on screen can disagree. Pure: the hook in useLiveQuote.ts feeds it prices.
 */
import type { RowValidation } from './sheet';
import type { PriceCache, RowPrice } from './quotes';

export interface ClipCount {
  /** Rows that are ready (valid). */
  rows: number;
  /** Clips they make: every take of every ready row. */
  clips: number;
  /** The takes every ready row asks for, or null when they differ between rows. */
  takes: number | null;
}

export interface LiveQuote {
  count: ClipCount;
  /** The priced clips' total, and whether every ready row is priced yet. */
  total: { usd: number; complete: boolean };
  /** The first reason a price could not be had (no key, Venice refused), if any. */
  problem: string | null;
  priceOf: (check: RowValidation | undefined) => RowPrice;
}

export function countClips(checks: readonly (RowValidation | undefined)[]): ClipCount {
  let rows = 0;
  let clips = 0;
  let takes: number | null | undefined;
  for (const c of checks) {
    if (!c?.valid) continue;
    const t = c.takes ?? 1;
    rows++;
    clips += t;
    takes = takes === undefined || takes === t ? t : null;
  }
  return { rows, clips, takes: takes === undefined ? 1 : takes };
}

export const plural = (n: number, one: string, many = `${one}s`): string => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/** "5 clips", "5 rows × 3 takes = 15 clips", "5 rows, 13 clips (takes vary by row)". */
export function clipCountText(c: ClipCount): string {
  if (c.takes === 1 || c.rows === 0) return plural(c.clips, 'clip');
  if (c.takes === null) return `${plural(c.rows, 'row')}, ${plural(c.clips, 'clip')} (takes vary by row)`;
  return `${plural(c.rows, 'row')} × ${plural(c.takes, 'take')} = ${plural(c.clips, 'clip')}`;
}

/** A quote of nothing: what shows while a big sheet's rows are still being checked (see SheetPreview). */
export const NO_CHECKS: readonly (RowValidation | undefined)[] = [];

export function liveQuote(cache: PriceCache, checks: readonly (RowValidation | undefined)[], rehearsal: boolean): LiveQuote {
  const priceOf = (check: RowValidation | undefined) => cache.priceOf(check, rehearsal);
  return { count: countClips(checks), total: cache.total(checks, rehearsal), problem: cache.firstProblem(checks, rehearsal), priceOf };
}
