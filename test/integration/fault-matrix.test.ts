/**
 * Every simulator fault on every route it can strike, against the real product (the cases and the table live in
 * test/support/fault-matrix.ts): here the routes used before and while sending (models, quote, queue, the whole
 * server going down) and every fault mixed at random; fault-matrix-fetch.test.ts has the routes that fetch a paid
 * clip (retrieve, complete, the private model's pre-signed download). Nothing may be charged twice, the key is never
 * locked out, the row hit ends as expected (with a reason when it is not done) and the others are done.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { FAULT_KINDS, SERVER_FAULTS, type FaultKind } from '../../main/core/venice/simulator';
import { startHarness } from '../support/engine-harness';
import { EXPECTED, TIMEOUTS, cases, chargesPerPrompt, closeOwned, runCase, type Owned } from '../support/fault-matrix';

const own: Owned = {};
afterEach(() => closeOwned(own));

const FETCH = new Set(['retrieve', 'complete', 'download']);

describe('fault matrix: before and while sending', () => {
  it('has an expectation for every fault on every route it can strike, and both files share the cases out', () => {
    expect(cases.filter((c) => c.expected.startsWith('NO EXPECTATION')).map((c) => `${c.kind} on ${c.site}`)).toEqual([]);
    // And no expectation for a route the simulator cannot strike (it would never run).
    for (const [kind, byRoute] of Object.entries(EXPECTED)) {
      for (const site of Object.keys(byRoute)) expect(cases.some((c) => c.kind === kind && c.site === site), `${kind} on ${site}`).toBe(true);
    }
    expect(cases.some((c) => c.site === 'download' && c.kind === 'hang')).toBe(true);
    expect(cases.some((c) => c.site === 'complete' && c.kind === 'server_500')).toBe(true);
    // Every case runs in one of the two files: the sites here plus the fetching ones are all the sites there are.
    expect(new Set(cases.map((c) => c.site)).size).toBe(new Set(cases.filter((c) => !FETCH.has(c.site)).map((c) => c.site)).size + FETCH.size);
  });

  it.each(cases.filter((c) => !FETCH.has(c.site)))('$kind on $site: $expected', (c) => runCase(c, own));

  it('mixed faults at random: no double charge, no lockout, every row done or explained', async () => {
    // Each applicable request rolls every kind. Transient faults are frequent; the ones that end a row (its clip
    // expired or refused, an answer lost after the charge) are rarer, or every poll of a long job would be a new
    // chance to lose it and few rows would reach the end.
    const ENDS_A_ROW = new Set<FaultKind>(['expired_404', 'content_policy_422', 'placeholder_clip', 'charge_then_drop']);
    const rateOf = (k: FaultKind) => (ENDS_A_ROW.has(k) ? 0.01 : k === 'hang' ? 0.02 : 0.03);
    const perRequest = FAULT_KINDS.filter((k) => !SERVER_FAULTS.has(k));
    const h = await startHarness({
      sim: { seed: 99, faultRates: Object.fromEntries(perRequest.map((k) => [k, rateOf(k)])) },
      clientTimeouts: TIMEOUTS,
      engine: { holdTimings: { probeMs: 200, capacityMs: 300, capacityMaxMs: 1_000, offlineAfter: 3 } },
    });
    own.h = h;
    const batchId = h.addBatch(Array.from({ length: 24 }, () => ({})), { concurrency: 6 });
    const started = Date.now();
    await h.engine.start();
    await h.engine.waitUntilSettled(batchId);
    const rows = h.store.listRows(batchId);
    const fired = h.sim.firedFaults();
    console.log(
      `mixed faults: ${rows.filter((r) => r.state === 'done').length}/${rows.length} done in ${Date.now() - started} ms; ` +
        `rows ${JSON.stringify(rows.map((r) => (r.state === 'done' ? 'done' : `${r.state}:${r.errorKind}`)))}; ` +
        `struck ${JSON.stringify(Object.fromEntries([...new Set(fired.map((f) => f.kind))].map((k) => [k, fired.filter((f) => f.kind === k).length])))}`,
    );
    const allowed = new Set(['media_lost', 'content_policy', 'placeholder', 'download_failed', 'wrong_duration']);
    for (const r of rows) {
      if (r.state === 'done') continue;
      if (r.state === 'in_doubt') {
        expect(r.errorMessage).toMatch(/may have charged/);
        continue;
      }
      expect(r.state).toBe('failed');
      expect(allowed.has(r.errorKind ?? ''), `${r.errorKind}: ${r.errorMessage}`).toBe(true);
    }
    expect(rows.filter((r) => r.state === 'done').length).toBeGreaterThan(rows.length / 2);
    expect(Math.max(...chargesPerPrompt(h))).toBeLessThanOrEqual(1);
    expect(h.sim.stats().lockouts).toBe(0);
    // Every kind rolled at a rate had its chance: the journal shows what struck.
    expect(new Set(fired.map((f) => f.kind)).size).toBeGreaterThanOrEqual(5);
  }, 180_000);
});
