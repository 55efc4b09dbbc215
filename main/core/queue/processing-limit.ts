/**
 * How long a paid job may answer PROCESSING before the row stops waiting for it. Venice has no FAILED status: a job
 * that broke on its side may answer PROCESSING for ever, and without a bound the engine would poll it all night (and
 * `run` would never return). The bound is generous, a multiple of Venice's own estimate, never below a floor and
 * never above an absolute cap; past it the row fails with the reason, and its paid job is kept: Retry fetches it
 * again (retrieve by the same queue id), never a new charge.
 */
import { spanText } from './clock-watch';
import type { ProcessingLimits } from './engine-context';

/** The longest a job of this estimate is followed. */
export function processingLimitMs(limits: ProcessingLimits, estimateMs: number | null | undefined): number {
  const byEstimate = estimateMs && estimateMs > 0 ? estimateMs * limits.factor : 0;
  return Math.min(limits.maxMs, Math.max(limits.minMs, byEstimate));
}

export function stuckTooLong(limits: ProcessingLimits, elapsedMs: number, estimateMs: number | null | undefined): boolean {
  return elapsedMs > processingLimitMs(limits, estimateMs);
}

export function stuckMessage(elapsedMs: number, estimateMs: number | null | undefined): string {
  const estimate = estimateMs && estimateMs > 0 ? ` (Venice estimated ${spanText(estimateMs)})` : '';
  return (
    `Venice still says this clip is being generated after ${spanText(elapsedMs)}${estimate}, far longer than it should take. ` +
    'It was paid for and may still finish: use Retry to ask Venice for it again (no new charge).'
  );
}
