/**
 * The fault matrix's table and its one case: every simulator fault on every route it can strike, the cases taken
 * from the simulator's own list (FAULT_KINDS x FAULT_ROUTES), never from the table of expectations, so a fault or a
 * route nobody thought about is a failing case, not a silently missing one. Each case proves from the simulator's
 * journal that its fault really fired. Split over two test files so CI's two workers share them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import { QuoteCache } from '../../main/core/services/quotes';
import { ModelCatalog } from '../../main/core/venice/catalog';
import { VeniceClient } from '../../main/core/venice/client';
import { isVeniceError } from '../../main/core/venice/errors';
import { FAULT_KINDS, FAULT_ROUTES, SERVER_FAULTS, startSimulator, type FaultKind, type SimRoute, type Simulator } from '../../main/core/venice/simulator';
import { FAST_MODEL, SIM_KEY, startHarness, type Harness } from './engine-harness';

/** Where a case strikes: one route, or (for faults of the whole server) everything at once. */
export type Site = SimRoute | 'server';

/**
 * What a row hit by the fault must end as (`done`, `in_doubt`, `failed:<reason>`), or for the routes used before a
 * batch, the error the caller gets (`error:<kind>`). A fault on a queue request that may have been charged: in doubt.
 */
export const EXPECTED: Record<FaultKind, Partial<Record<Site, string>>> = {
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

export const cases = FAULT_KINDS.flatMap((kind) =>
  (SERVER_FAULTS.has(kind) ? (['server'] as Site[]) : (FAULT_ROUTES[kind] as readonly Site[])).map((site) => ({
    kind,
    site,
    expected: EXPECTED[kind][site] ?? 'NO EXPECTATION: add one to EXPECTED',
  })),
);

export const TIMEOUTS = { connectMs: 500, responseMs: 800, queueResponseMs: 800, idleMs: 800 };
const PRIVATE = { model: 'sim-sora-2-private-text-to-video', duration: '4s', aspect_ratio: '16:9' };

export function chargesPerPrompt(hh: Harness): number[] {
  const m = new Map<string, number>();
  for (const e of hh.sim.ledger()) if (e.kind === 'charge') m.set(e.prompt, (m.get(e.prompt) ?? 0) + 1);
  return [...m.values()];
}

/** The error a pre-batch call (the model list, a quote) gets while the fault strikes, and that the next one works. */
async function preBatchCase(kind: FaultKind, site: 'models' | 'quote', expected: string, own: Owned): Promise<void> {
  const sim = await startSimulator({ processingMs: 300, seed: 5 });
  own.sim = sim;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vb-matrix-'));
  own.dir = dir;
  const client = new VeniceClient({ baseUrl: sim.url, apiKey: () => SIM_KEY, timeouts: TIMEOUTS });
  const call =
    site === 'models'
      ? () => new ModelCatalog(client, path.join(dir, 'cache')).load({ refresh: true })
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


/** What a case started, for the test file's afterEach to close. */
export interface Owned {
  h?: Harness;
  sim?: Simulator;
  dir?: string;
}

export async function closeOwned(own: Owned): Promise<void> {
  await own.h?.close();
  await own.sim?.close();
  if (own.dir) rmSync(own.dir, { recursive: true, force: true });
  own.h = undefined;
  own.sim = undefined;
  own.dir = undefined;
}

/** One case: the fault injected on its route (or the whole server), then the outcome checked. */
export async function runCase({ kind, site, expected }: { kind: FaultKind; site: Site; expected: string }, own: Owned): Promise<void> {
  if (site === 'models' || site === 'quote') return preBatchCase(kind, site, expected, own);
  const h = await startHarness({
    clientTimeouts: TIMEOUTS,
    engine: { holdTimings: { probeMs: 200, capacityMs: 300, capacityMaxMs: 1_000, offlineAfter: 3 } },
  });
  own.h = h;
  // The private model is the one whose clip comes through the pre-signed link ("download").
  const hitParams = site === 'download' ? PRIVATE : {};
  const batchId = h.addBatch([hitParams, {}], { concurrency: 1 });
  if (site === 'server') {
    // The network goes down once the first job is paid for, mid-batch.
    h.engine.subscribe((e) => {
      if (e.type === 'row' && e.state === 'queued' && h.sim.firedFaults().length === 0) h.sim.injectFault({ kind, forMs: 1_500 });
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
}
