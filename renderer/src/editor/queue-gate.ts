/**
 * Whether the sheet can be queued, and if not, the first reason in the user's words: the queue button is off exactly
 * when this says why, and the reason is written beside it. Pure, so every case is tested without a page.
 */
import { plural, type LiveQuote } from './live-quote';

/** The first reason the queue button is off, in words; null when it can be pressed. */
export function blockedBy(o: {
  /** Rows are still being checked (a big sheet, checked in slices). */
  checking?: boolean;
  invalid: number;
  valid: number;
  carryOver: boolean;
  quote: LiveQuote;
  real: boolean;
  confirmSpend: boolean;
  duplicateOf: number | null;
  allowDuplicate: boolean;
}): string | null {
  if (o.checking) return 'Checking the rows…';
  if (o.invalid > 0) return `${plural(o.invalid, 'row needs', 'rows need')} fixing first: see the Check column.`;
  if (o.valid === 0) return 'There is no row to queue.';
  if (o.carryOver) return 'Keep or reset the settings kept from the last sheet first.';
  if (o.real && o.quote.problem) return o.quote.problem;
  if (o.real && !o.quote.total.complete) return 'Waiting for the prices of every row…';
  if (o.duplicateOf !== null && !o.allowDuplicate) return `Tick the box to queue this sheet again (it is batch ${o.duplicateOf}).`;
  if (o.real && !o.confirmSpend) return 'Tick the box to confirm the spend.';
  return null;
}

/** The amount and clip count the user ticked "I understand this spends…" for. */
export interface SpendConfirmation {
  usd: number;
  clips: number;
}

/**
 * Whether a confirmation still holds: only for a settled quote of the same amount (to the cent) and the same number
 * of clips. A quote being worked out again after an edit (a big sheet's, in slices) shows nothing confirmed, and
 * once it settles back on the confirmed figures the confirmation holds again: an edit that changes no price keeps it.
 */
export function spendConfirmed(confirmed: SpendConfirmation | null, quote: { settled: boolean; usd: number; clips: number }): boolean {
  return quote.settled && confirmed !== null && Math.abs(confirmed.usd - quote.usd) < 0.005 && confirmed.clips === quote.clips;
}
