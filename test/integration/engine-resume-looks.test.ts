/**
 * Unfinished downloads (a machine stopped mid-download, a lease that ran out) are looked for every few passes, not on
 * every one: on a studio queue each look is a query on the shared database from every machine, several times a
 * second, and in the studio bench's four-machine run it was a third of all claims and never found a row. That a
 * download cut short is still picked up is the gauntlet's and the studio proof's to show (kills mid-download).
 * Real engine, real SQLite, the simulator over HTTP.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startHarness, type Harness } from '../support/engine-harness';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('engine: looking for unfinished downloads', () => {
  it('looks every few passes, not on every pass', async () => {
    h = await startHarness({ sim: { processingMs: 1_500 } });
    const passes = vi.spyOn(h.engine.queue, 'liveBatchIds');
    const looks = vi.spyOn(h.engine.queue, 'claimResumes');
    const batchId = h.addBatch([{}, {}]);
    await h.engine.start();
    await h.engine.waitUntilSettled(batchId);
    expect(passes.mock.calls.length).toBeGreaterThan(20);
    // One look per 8 ticks at most (the harness ticks every 50 ms), against a pass every tick or sooner.
    expect(looks.mock.calls.length).toBeLessThanOrEqual(passes.mock.calls.length / 4);
    expect(looks.mock.calls.length).toBeGreaterThan(0);
  });
});
