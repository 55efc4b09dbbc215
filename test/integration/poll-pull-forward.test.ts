/**
 * A poll placed while retrieve calls were dear is brought forward once the account's budget frees up (the tail of a
 * batch): it would otherwise wait out a gap priced for a full window. Real engine, real SQLite, the simulator over
 * HTTP. The account limiter is the local one; only the budget it reports to the pricing is turned from tight to
 * spare, as a studio's window empties when the other machines' jobs finish.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { LocalAccountLimiter, type AccountUsage } from '../../main/core/queue/account-limiter';
import { RateLimiter, VENICE_LIMITS } from '../../main/core/queue/rate-limiter';
import { startHarness, until, type Harness } from '../support/engine-harness';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** The local limiter, reporting to the pricing an account that is 'busy' (one retrieve call a window: every call is dear). */
class BusyAccount extends LocalAccountLimiter {
  account: 'busy' | 'spare' = 'busy';
  override async usage(): Promise<AccountUsage> {
    const u = await super.usage();
    return this.account === 'busy' ? { ...u, retrieve: { ...u.retrieve, limit: 1 } } : u;
  }
}

describe('engine: polls placed at a high price', () => {
  it('come forward when the retrieve budget frees up, and the clip is fetched long before the placed poll', async () => {
    const limiter = new BusyAccount(new RateLimiter(VENICE_LIMITS));
    // A 4 s job that Venice estimates at 10 s: at the dear price its next poll waits out the whole estimate.
    h = await startHarness({
      sim: { jobTiming: () => ({ processingMs: 4_000, estimateMs: 10_000 }) },
      engine: { accountLimiter: () => limiter, pollPriceEveryMs: 100, pollPolicy: { floorMs: 150, ceilingMs: 10_000 } },
    });
    const batchId = h.addBatch([{}]);
    await h.engine.start();
    const [row] = h.store.listRows(batchId);
    const rowId = row!.id;

    // The first answer (PROCESSING, 10 s estimate) places the next poll at the dear price: far out.
    let placedDue = 0;
    await until(() => {
      const r = h!.store.getRow(rowId);
      const polls = r?.currentAttemptId ? (h!.store.getAttempt(r.currentAttemptId)?.polls ?? 0) : 0;
      if (polls >= 1 && r?.state === 'processing' && (r.nextActionAt ?? 0) > Date.now() + 5_000) placedDue = r.nextActionAt ?? 0;
      return placedDue > 0;
    }, 'a poll placed far out at the dear price');

    // The account's window empties: the poll comes forward to where the cheap price puts it.
    limiter.account = 'spare';
    await until(() => (h!.store.getRow(rowId)?.nextActionAt ?? placedDue) < placedDue - 3_000 || h!.store.getRow(rowId)?.state !== 'processing', 'the poll brought forward');
    await h.engine.waitUntilSettled(batchId);

    // The clip came with the last retrieve (the ones before answered PROCESSING).
    const retrieves = h.sim.exchanges().filter((x) => x.route === 'retrieve');
    expect(h.store.getRow(rowId)?.state).toBe('done');
    expect(retrieves.at(-1)?.status).toBe(200);
    // Fetched within a few polls of the clip being ready, seconds before the poll placed at the dear price.
    expect(retrieves.at(-1)!.at).toBeLessThan(placedDue - 3_000);
    expect(retrieves.length).toBeLessThanOrEqual(8);
    expect(h.sim.ledger().filter((e) => e.kind === 'charge')).toHaveLength(1);
    expect(h.sim.stats().statusCounts['429'] ?? 0).toBe(0);
  }, 30_000);
});
