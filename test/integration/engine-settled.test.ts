/**
 * "Settled" is what `run` returns on and what a person then looks at: a row is committed done before its temp name
 * is removed and Venice's copy deleted, so waiting only for the rows' states could return with that tail still
 * under way (a full run once found a `.part.mp4` beside a finished clip). Real engine, real SQLite, the simulator over
 * HTTP, its delete made slow by a hung answer.
 */
import { readdirSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/engine-harness';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('engine: waitUntilSettled', () => {
  it('returns only once this machine has finished with every row of the batch, not as soon as the rows read done', async () => {
    h = await startHarness();
    // Venice's delete never answers: the last step after "done" runs until the client gives up on it (3 s here).
    h.sim.injectFault({ kind: 'hang', route: 'complete' });
    const batchId = h.addBatch([{}]);
    await h.engine.start();
    await h.engine.waitUntilSettled(batchId);
    expect(h.store.listRows(batchId).map((r) => r.state)).toEqual(['done']);
    expect((await h.engine.diagnose()).busy).toEqual([]);
    expect(readdirSync(h.outDir).filter((n) => n.startsWith('.') && n !== '.venice-batch')).toEqual([]);
    // The delete was tried (and given up on) before it returned.
    expect(h.sim.exchanges().some((x) => x.route === 'complete')).toBe(true);
  });
});
