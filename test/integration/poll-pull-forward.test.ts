/**
 * A poll placed while retrieve calls were dear is brought forward once the account's budget frees up (the tail of a
 * batch): it would otherwise wait out a gap priced for a full window. Real engine, real SQLite, the simulator over
 * HTTP, the real limiter. The price comes from a budget that says "dear" until the test lets it price as it would:
 * one young job can never make calls dear by itself (it has nothing to gain from polls yet), and a price that
 * depended on a busy account's timing would make the test depend on the machine's speed.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { PollBudget, type PolledJob, type RetrieveWindow } from '../../main/core/queue/poll-budget';
import { startHarness, until, type Harness } from '../support/engine-harness';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** The dearest price of a retrieve call the policy knows, while `dear`; the real pricing after. */
class HeldBudget extends PollBudget {
  dear = true;
  override update(jobs: readonly PolledJob[], window: RetrieveWindow): number {
    const price = super.update(jobs, window);
    return this.dear ? this.priceMs() : price;
  }
  override priceMs(): number {
    return this.dear ? 600_000 : super.priceMs();
  }
}

describe('engine: polls placed at a high price', () => {
  it('come forward when the retrieve budget frees up, and the clip is fetched long before the placed poll', async () => {
    let budget: HeldBudget | undefined;
    // A 4 s job that Venice estimates at 10 s: at the dear price its next poll waits out the whole estimate.
    h = await startHarness({
      sim: { jobTiming: () => ({ processingMs: 4_000, estimateMs: 10_000 }) },
      engine: { pollBudget: (_url, policy) => (budget = new HeldBudget(policy)), pollPriceEveryMs: 100, pollPolicy: { floorMs: 150, ceilingMs: 10_000 } },
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
    }, 'a poll placed far out at the dear price', 20_000);

    // The budget frees up (the batch's tail): the poll comes forward to where the cheap price puts it.
    budget!.dear = false;
    await until(() => (h!.store.getRow(rowId)?.nextActionAt ?? placedDue) < placedDue - 3_000 || h!.store.getRow(rowId)?.state !== 'processing', 'the poll brought forward', 20_000);
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
  }, 60_000);
});
