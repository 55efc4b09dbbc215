import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelCatalog } from '../../main/core/venice/catalog';
import { VeniceClient } from '../../main/core/venice/client';
import { startSimulator, type Simulator } from '../../main/core/venice/simulator';

let sim: Simulator;
let dir: string;
beforeAll(async () => {
  sim = await startSimulator({ processingMs: 100 });
  dir = mkdtempSync(path.join(os.tmpdir(), 'vb-catalog-'));
});
afterAll(async () => {
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('model catalog', () => {
  it('fetches from the API, caches on disk with its age, and serves a stale copy with a warning when offline', async () => {
    let now = 1_000_000;
    const client = new VeniceClient({ baseUrl: sim.url, apiKey: () => undefined, timeouts: { connectMs: 500, responseMs: 1_000 } });
    const catalog = new ModelCatalog(client, dir, 60_000, () => now);
    const first = await catalog.load();
    expect(first.source).toBe('network');
    expect(first.byId.get('sim-fast-text-to-video')?.durations).toEqual(['1s', '2s', '3s']);
    expect(existsSync(catalog.cachePath)).toBe(true);

    now += 30_000;
    const requestsBefore = sim.stats().requests.models;
    const cached = await catalog.load();
    expect(cached).toMatchObject({ source: 'cache', stale: false, ageMs: 30_000 });
    expect(sim.stats().requests.models).toBe(requestsBefore);

    // Past its age the catalog asks again; with Venice unreachable it falls back to the saved copy and says so.
    now += 120_000;
    const offline = new ModelCatalog(
      new VeniceClient({ baseUrl: 'http://127.0.0.1:9/api/v1', apiKey: () => undefined, timeouts: { connectMs: 500 } }),
      dir,
      60_000,
      () => now,
    );
    // A different base URL never reuses another endpoint's cache.
    await expect(offline.load()).rejects.toMatchObject({ kind: 'network' });
    await sim.close();
    const stale = await catalog.load();
    expect(stale).toMatchObject({ source: 'cache', stale: true });
    expect(stale.warning).toMatch(/Using the model list saved 3 min ago/);
    sim = await startSimulator({ processingMs: 100 });
  });
});
