/**
 * Every simulator fault, alone and then mixed at random, against the real engine: nothing is charged twice, the
 * key is never locked out, every row that can complete does, and every other row ends with a specific reason.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { FAULT_KINDS, FAULT_ROUTES } from '../../main/core/venice/simulator';
import type { FaultKind } from '../../main/core/venice/simulator';
import { startHarness, type Harness } from '../support/engine-harness';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** What a row hit by this fault must end as. Faults on a queue request that may have been charged: in doubt. */
const EXPECTED: Record<FaultKind, { queue?: string; retrieve?: string; download?: string }> = {
  rate_limit_429: { queue: 'done', retrieve: 'done' },
  server_500: { queue: 'in_doubt', retrieve: 'done' },
  unavailable_503: { queue: 'in_doubt', retrieve: 'done' },
  hang: { queue: 'in_doubt', retrieve: 'done' },
  truncated_download: { retrieve: 'done', download: 'done' },
  malformed_json: { queue: 'in_doubt', retrieve: 'done' },
  expired_404: { retrieve: 'failed:media_lost', download: 'failed:media_lost' },
  content_policy_422: { queue: 'failed:content_policy', retrieve: 'failed:content_policy' },
  charge_then_drop: { queue: 'in_doubt' },
  placeholder_clip: { queue: 'failed:placeholder' },
};

function chargesPerPrompt(hh: Harness): number[] {
  const m = new Map<string, number>();
  for (const e of hh.sim.ledger()) if (e.kind === 'charge') m.set(e.prompt, (m.get(e.prompt) ?? 0) + 1);
  return [...m.values()];
}

const cases = FAULT_KINDS.flatMap((kind) =>
  (['queue', 'retrieve', 'download'] as const)
    .filter((route) => FAULT_ROUTES[kind].includes(route) && EXPECTED[kind][route])
    .map((route) => ({ kind, route, expected: EXPECTED[kind][route] as string })),
);

describe('fault matrix', () => {
  it('covers every fault kind', () => {
    expect(new Set(cases.map((c) => c.kind))).toEqual(new Set(FAULT_KINDS));
  });

  it.each(cases)('$kind on $route: the row ends $expected, the others done', async ({ kind, route, expected }) => {
    h = await startHarness({ clientTimeouts: { responseMs: 800, queueResponseMs: 800, idleMs: 800 } });
    // The private model is the one whose clip comes through the pre-signed link ("download").
    const model = route === 'download' ? { model: 'sim-sora-2-private-text-to-video', duration: '4s', aspect_ratio: '16:9' } : {};
    const batchId = h.addBatch([model, {}, {}], { concurrency: 1 });
    h.sim.injectFault({ kind, route, count: 1 });
    await h.engine.start();
    await h.engine.waitUntilSettled(batchId);
    const rows = h.store.listRows(batchId);
    const [hit, ...others] = rows;
    const [state, reason] = expected.split(':');
    expect(hit?.state, `${hit?.state}: ${hit?.errorMessage}`).toBe(state);
    if (reason) expect(hit?.errorKind).toBe(reason);
    if (state !== 'done') expect(hit?.errorMessage?.length).toBeGreaterThan(10);
    for (const o of others) expect(o.state, o.errorMessage ?? '').toBe('done');
    expect(Math.max(...chargesPerPrompt(h))).toBeLessThanOrEqual(1);
    expect(h.sim.stats().lockouts).toBe(0);
  });

  it('mixed faults at random: no double charge, no lockout, every row done or explained', async () => {
    const rate = 0.03;
    h = await startHarness({
      sim: { seed: 99, faultRates: Object.fromEntries(FAULT_KINDS.map((k) => [k, k === 'hang' ? 0.02 : rate])) },
      clientTimeouts: { responseMs: 800, queueResponseMs: 800, idleMs: 800 },
    });
    const batchId = h.addBatch(Array.from({ length: 24 }, () => ({})), { concurrency: 6 });
    const started = Date.now();
    await h.engine.start();
    await h.engine.waitUntilSettled(batchId);
    const rows = h.store.listRows(batchId);
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
    const took = Date.now() - started;
    if (process.env.VB_DEBUG) for (const r of rows) console.log(r.rowIndex, r.state, h.store.rowEvents(r.id).map((e) => `${e.at - started}:${e.kind}:${e.message.slice(0, 50)}`).join(' | '));
    console.log(`mixed faults: ${rows.filter((r) => r.state === 'done').length}/${rows.length} done in ${took} ms; sim stats ${JSON.stringify(h.sim.stats().statusCounts)}`);
  }, 120_000);
});
