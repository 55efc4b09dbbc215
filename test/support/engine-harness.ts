/**
 * Test rig for the batch engine: a real simulator over real HTTP, a real SQLite queue in a temp folder, and an
 * engine whose timings are shrunk (poll floor, tick) so a batch finishes in seconds. Nothing is mocked.
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Engine, type EngineOptions } from '../../main/core/queue/engine';
import { QueueStore } from '../../main/core/queue/store';
import type { NewRow, RowParams } from '../../main/core/queue/types';
import { VeniceClient } from '../../main/core/venice/client';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../main/core/venice/simulator';
import { seededRng } from '../../main/core/venice/simulator/random';

export const FAST_MODEL = 'sim-fast-text-to-video';
export const SIM_KEY = 'sim-key';

export interface Harness {
  dir: string;
  outDir: string;
  sim: Simulator;
  store: QueueStore;
  client: VeniceClient;
  engine: Engine;
  addBatch: (rows: Array<Partial<RowParams> & { name?: string }>, opts?: { concurrency?: number; budgetUsd?: number | null; template?: string }) => number;
  /** Files in the output folder, excluding the hidden bookkeeping folder. */
  outputFiles: () => Array<{ name: string; bytes: number }>;
  close: () => Promise<void>;
}

export async function startHarness(
  opts: { sim?: SimulatorOptions; engine?: Partial<EngineOptions>; clientTimeouts?: ConstructorParameters<typeof VeniceClient>[0]['timeouts'] } = {},
): Promise<Harness> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vb-engine-'));
  const outDir = path.join(dir, 'clips');
  const sim = await startSimulator({ processingMs: 600, seed: 7, ...opts.sim });
  const store = new QueueStore(path.join(dir, 'queue.sqlite'));
  const apiKey = async () => SIM_KEY;
  const client = new VeniceClient({
    baseUrl: sim.url,
    apiKey,
    timeouts: { connectMs: 2_000, responseMs: 3_000, queueResponseMs: 3_000, idleMs: 3_000, ...opts.clientTimeouts },
  });
  const engine = new Engine({
    store,
    connect: async () => ({ client, apiKey }),
    pollPolicy: { floorMs: 150, ceilingMs: 1_000 },
    tickMs: 50,
    retryBaseMs: 200,
    random: seededRng(11),
    ...opts.engine,
  });
  return {
    dir,
    outDir,
    sim,
    store,
    client,
    engine,
    addBatch: (rows, o = {}) =>
      store.createBatch(
        {
          name: 'test',
          settings: { concurrency: o.concurrency ?? 4 },
          outputDir: outDir,
          nameTemplate: o.template ?? '{row}-{name}-{take}',
          budgetUsd: o.budgetUsd ?? null,
          baseUrl: sim.url,
        },
        rows.map(({ name, ...r }, i): NewRow => ({
          rowIndex: i + 1,
          name: name ?? null,
          params: { model: FAST_MODEL, prompt: `Shot ${i + 1}: a lighthouse at dusk`, duration: '1s', resolution: '480p', audio: false, ...r },
          quoteUsd: 0.01,
        })),
      ),
    outputFiles: () => {
      try {
        return readdirSync(outDir)
          .filter((n) => n !== '.venice-batch')
          .map((name) => ({ name, bytes: statSync(path.join(outDir, name)).size }));
      } catch {
        return [];
      }
    },
    close: async () => {
      await engine.stop().catch(() => undefined);
      store.close();
      await sim.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The simulator's seeded PRNG, so jitter in tests is reproducible too. */
export { seededRng as mulberry32 } from '../../main/core/venice/simulator/random';

/** Waits until `check` holds, polling; fails with `what` after `timeoutMs`. */
export async function until(check: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
