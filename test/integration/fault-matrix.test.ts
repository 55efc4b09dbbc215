/**
 * Every simulator fault on every route it can strike, against the real product: the cases come from the
 * simulator's own list (FAULT_KINDS x FAULT_ROUTES), never from the table of expectations, so a fault or a route
 * nobody thought about is a failing case, not a silently missing one. Each case proves from the simulator's journal
 * that its fault really fired, then checks the outcome: nothing charged twice, the key never locked out, the row
 * hit ends as expected (with a reason when it is not done) and the others are done.
 *
 * Routes the engine drives (queue, retrieve, complete, and the private model's pre-signed download) run a batch;
 * the routes used before a batch exists (models, quote) run the catalog and the quote cache, the way import does.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { QuoteCache } from '../../main/core/services/quotes';
import { ModelCatalog } from '../../main/core/venice/catalog';
import { VeniceClient } from '../../main/core/venice/client';
import { isVeniceError } from '../../main/core/venice/errors';
import { FAULT_KINDS, FAULT_ROUTES, SERVER_FAULTS, startSimulator, type FaultKind, type SimRoute, type Simulator } from '../../main/core/venice/simulator';
import { FAST_MODEL, SIM_KEY, startHarness, type Harness } from '../support/engine-harness';

let h: Harness | undefined;
let sim: Simulator | undefined;
let dir: string | undefined;
afterEach(async () => {
  await h?.close();
  await sim?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  h = undefined;
  sim = undefined;
  dir = undefined;
});

/** Where a case strikes: one route, or (for faults of the whole server) everything at once. */
type Site = SimRoute | 'server';

/**
 * What a row hit by the fault must end as (`done`, `in_doubt`, `failed:<reason>`), or for the routes used before a
 * batch, the error the caller gets (`error:<kind>`). A fault on a queue request that may have been charged: in doubt.
 */
const EXPECTED: Record<FaultKind, Partial<Record<Site, string>>> = {
  rate_limit_429: { models: 'error:rate_limited', quote: 'error:rate_limited', queue: 'done', retrieve: 'done', complete: 'done', download: 'done' },
  server_500: { models: 'error:server_error', quote: 'error:server_error', queue: 'in_doubt', retrieve: 'done', complete: 'done', download: 'done' },
  unavailable_503: { models: 'error:unavailable', quote: 'error:unavailable', queue: 'in_doubt', retrieve: 'done', complete: 'done', download: 'done' },
  hang: { models: 'error:timeout', quote: 'error:timeout', queue: 'in_doubt', retrieve: 'done', complete: 'done', download: 'done' },
  truncated_download: { retrieve: 'done', download: 'done' },
  malformed_json: { models: 'error:protocol', quote: 'error:protocol', queue: 'in_doubt', retrieve: 'done', complete: 'done' },
  expired_404: { retrieve: 'failed:media_lost', download: 'failed:media_lost' },
  content_policy_422: { queue: 'failed:content_policy', retrieve: 'failed:content_policy' },
  charge_then_drop: { queue: 'in_doubt' },
  placeholder_clip: { queue: 'failed:placeholder' },
  unauthorized_401: { models: 'error:unauthorized', quote: 'error:unauthorized', queue: 'done', retrieve: 'done', complete: 'done' },
  network_down: { server: 'done' },
};

const cases = FAULT_KINDS.flatMap((kind) =>
  (SERVER_FAULTS.has(kind) ? (['server'] as Site[]) : (FAULT_ROUTES[kind] as readonly Site[])).map((site) => ({
    kind,
    site,
    expected: EXPECTED[kind][site] ?? 'NO EXPECTATION: add one to EXPECTED',
  })),
);

const TIMEOUTS = { connectMs: 500, responseMs: 800, queueResponseMs: 800, idleMs: 800 };
const PRIVATE = { model: 'sim-sora-2-private-text-to-video', duration: '4s', aspect_ratio: '16:9' };

function chargesPerPrompt(hh: Harness): number[] {
  const m = new Map<string, number>();
  for (const e of hh.sim.ledger()) if (e.kind === 'charge') m.set(e.prompt, (m.get(e.prompt) ?? 0) + 1);
  return [...m.values()];
}

/** The error a pre-batch call (the model list, a quote) gets while the fault strikes, and that the next one works. */
async function preBatchCase(kind: FaultKind, site: 'models' | 'quote', expected: string): Promise<void> {
  sim = await startSimulator({ processingMs: 300, seed: 5 });
  dir = mkdtempSync(path.join(os.tmpdir(), 'vb-matrix-'));
  const client = new VeniceClient({ baseUrl: sim.url, apiKey: () => SIM_KEY, timeouts: TIMEOUTS });
  const call =
    site === 'models'
      ? () => new ModelCatalog(client, path.join(dir!, 'cache')).load({ refresh: true })
      : () => new QuoteCache(client).price({ model: FAST_MODEL, duration: '1s', resolution: '480p', audio: false });
  sim.injectFault({ kind, route: site });
  const error = await call().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isVeniceError(error), `${String(error)}`).toBe(true);
  expect(`error:${isVeniceError(error) ? error.kind : ''}`).toBe(expected);
  expect((error as Error).message.length).toBeGreaterThan(10);
  await expect(call()).resolves.toBeTruthy();
}

describe('fault matrix', () => {
  it('has an expectation for every fault on every route it can strike', () => {
    expect(cases.filter((c) => c.expected.startsWith('NO EXPECTATION')).map((c) => `${c.kind} on ${c.site}`)).toEqual([]);
    // And no expectation for a route the simulator cannot strike (it would never run).
    for (const [kind, byRoute] of Object.entries(EXPECTED)) {
      for (const site of Object.keys(byRoute)) expect(cases.some((c) => c.kind === kind && c.site === site), `${kind} on ${site}`).toBe(true);
    }
    expect(cases.some((c) => c.site === 'download' && c.kind === 'hang')).toBe(true);
    expect(cases.some((c) => c.site === 'complete' && c.kind === 'server_500')).toBe(true);
  });

  it.each(cases)('$kind on $site: $expected', async ({ kind, site, expected }) => {
    if (site === 'models' || site === 'quote') return preBatchCase(kind, site, expected);
    h = await startHarness({
      clientTimeouts: TIMEOUTS,
      engine: { holdTimings: { probeMs: 200, capacityMs: 300, capacityMaxMs: 1_000, offlineAfter: 3 } },
    });
    // The private model is the one whose clip comes through the pre-signed link ("download").
    const hitParams = site === 'download' ? PRIVATE : {};
    const batchId = h.addBatch([hitParams, {}], { concurrency: 1 });
    const hh = h;
    if (site === 'server') {
      // The network goes down once the first job is paid for, mid-batch.
      hh.engine.subscribe((e) => {
        if (e.type === 'row' && e.state === 'queued' && hh.sim.firedFaults().length === 0) hh.sim.injectFault({ kind, forMs: 1_500 });
      });
    } else {
      h.sim.injectFault({ kind, route: site, count: 1 });
    }
    await h.engine.start();
    await h.engine.waitUntilSettled(batchId);

    // The fault really struck where it was meant to.
    const fired = h.sim.firedFaults().filter((f) => f.kind === kind);
    expect(fired.map((f) => f.route)).toContain(site);

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
    // Each applicable request rolls every kind. Transient faults are frequent; the ones that end a row (its clip
    // expired or refused, an answer lost after the charge) are rarer, or every poll of a long job would be a new
    // chance to lose it and few rows would reach the end.
    const ENDS_A_ROW = new Set<FaultKind>(['expired_404', 'content_policy_422', 'placeholder_clip', 'charge_then_drop']);
    const rateOf = (k: FaultKind) => (ENDS_A_ROW.has(k) ? 0.01 : k === 'hang' ? 0.02 : 0.03);
    const perRequest = FAULT_KINDS.filter((k) => !SERVER_FAULTS.has(k));
    h = await startHarness({
      sim: { seed: 99, faultRates: Object.fromEntries(perRequest.map((k) => [k, rateOf(k)])) },
      clientTimeouts: TIMEOUTS,
      engine: { holdTimings: { probeMs: 200, capacityMs: 300, capacityMaxMs: 1_000, offlineAfter: 3 } },
    });
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
