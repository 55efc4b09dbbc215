/**
 * The next /video/queue request of this machine to one endpoint. One request in flight per endpoint and machine: a
 * crash (or a lost answer) can then leave at most one row in doubt. Venice's 40 a minute allow far more than one
 * answer per 1.5 s needs.
 *
 * It runs at the start of every scheduling pass and again the moment a send ends (engine.ts), not after the pass's
 * polls: a pass that claims dozens of polls one round trip at a time would otherwise hold the next send back, and
 * the account's queue window would go unused (the studio bench saw 1.4x the time the window allows).
 */
import type { EngineContext } from './engine-context';
import { orLetGo, type PassDeps } from './engine-pass';
import { submitJob } from './submit-job';
import type { BatchRecord } from './types';

/**
 * Starts the next send to this endpoint if one may leave now, from the first active batch with a row to send.
 * Returns when a send could next be due (+Infinity: when something changes).
 */
export async function sendNext(d: PassDeps, ctx: EngineContext, batches: readonly BatchRecord[], now: number): Promise<number> {
  if (ctx.holds.endpointHold(ctx.baseUrl, 'submit') || d.sending(ctx.baseUrl)) return Number.POSITIVE_INFINITY;
  const workable = batches.filter((b) => b.status === 'active' && !ctx.holds.batchHold(b.id));
  if (workable.length === 0) return Number.POSITIVE_INFINITY;
  // Reserved before the first await: a pass and the end of a send can both get here, and only one may go on.
  d.markSending(ctx.baseUrl, 0, true);
  let launched = false;
  try {
    // The window full: the next send starts the moment its oldest slot ages out, not at some later pass.
    const waitMs = await ctx.limiter.freeInMs('queue');
    if (waitMs > 0) {
      d.sendAt(ctx.baseUrl, now + waitMs);
      return now + waitMs;
    }
    for (const batch of workable) {
      const claim = await d.queue.claimSubmissions(d.workerId, batch.id, { limit: 1, maxInFlight: d.maxInFlight });
      if (claim.budgetReached && claim.claimed.length === 0) {
        await d.budgetReached(batch, claim.budgetReached);
        continue;
      }
      const c = claim.claimed[0];
      if (!c) continue;
      const work = d.take(c);
      const slot = await orLetGo(d, c, work, () => ctx.limiter.acquire('queue'));
      if (!slot.ok) {
        await d.giveBack(c, work, now + slot.waitMs);
        return now + slot.waitMs;
      }
      d.markSending(ctx.baseUrl, c.row.id, true);
      launched = true;
      d.launch(c, work, async () => {
        try {
          if (await d.folders.ready(batch)) await submitJob(ctx, c, work, slot.slot);
        } finally {
          d.markSending(ctx.baseUrl, c.row.id, false);
          d.sendEnded(ctx.baseUrl);
        }
      });
      return Number.POSITIVE_INFINITY;
    }
    return Number.POSITIVE_INFINITY;
  } finally {
    if (!launched) d.markSending(ctx.baseUrl, 0, false);
  }
}
