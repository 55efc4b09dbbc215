/** Moving a rate-window slot to the moment its request is known to have reached Venice. */
import type { SlotRef } from './account-limiter';
import type { EngineContext } from './engine-context';

/**
 * The answer is in, so the request reached Venice by now: its slot moves to now. Venice counts a request when it
 * arrives, which is later than the slot says when this machine was held up after taking it (a blocked event loop, a
 * starved process) or the request was slow on the way; counting it from the answer errs on the safe side, and stops
 * the next requests from filling a window Venice still sees full (the studio bench saw 123 retrieve calls in one
 * of Venice's windows, and three 429s, with four machines on two cores). Best effort.
 */
export async function stampAnswered(ctx: Pick<EngineContext, 'limiter' | 'storeTrouble'>, slot: SlotRef): Promise<void> {
  await ctx.limiter.restamp(slot).catch((e: unknown) => ctx.storeTrouble(e));
}
