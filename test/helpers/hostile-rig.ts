/**
 * The batch engine pointed at the hostile stand-in (./hostile-venice.ts): a real SQLite queue in a temp folder, the
 * product's own client and engine with shrunk timings. Tests script the stand-in, queue a row, and look at what the
 * engine made of it: the row's state and reason, the files left in the output folder, the charges taken.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Engine, type EngineOptions } from '../../main/core/queue/engine';
import type { JobState } from '../../main/core/queue/job-states';
import { QueueStore } from '../../main/core/queue/store';
import type { RowParams, RowRecord } from '../../main/core/queue/types';
import { VeniceClient, type VeniceTimeouts } from '../../main/core/venice/client';
import { seededRng } from '../../main/core/venice/simulator/random';
import { HOSTILE_MODEL, startHostileVenice, type HostileVenice } from './hostile-venice';

export const CANARY = 'vk-canary-Hq7Zt4Lm9Xr2Pw8KdN3s';

export interface HostileRig {
  dir: string;
  outDir: string;
  venice: HostileVenice;
  store: QueueStore;
  client: VeniceClient;
  engine: Engine;
  addBatch: (rows?: Array<Partial<RowParams>>, outDir?: string) => number;
  row: (batchId: number, index?: number) => RowRecord;
  /** Waits until the row's state is one of `states`. */
  waitFor: (batchId: number, states: JobState[], timeoutMs?: number) => Promise<RowRecord>;
  /** Every file in the output folder, bookkeeping folder included (relative paths). */
  files: () => string[];
  close: () => Promise<void>;
}

function walk(dir: string, prefix = ''): string[] {
  let out: string[] = [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  for (const n of names) {
    const rel = path.join(prefix, n);
    const full = path.join(dir, n);
    try {
      out = out.concat(walk(full, rel).length ? walk(full, rel) : [rel]);
    } catch {
      out.push(rel);
    }
  }
  return out;
}

export async function startHostileRig(
  opts: { engine?: Partial<EngineOptions>; timeouts?: Partial<VeniceTimeouts>; key?: string } = {},
): Promise<HostileRig> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vb-hostile-'));
  const outDir = path.join(dir, 'clips');
  const venice = await startHostileVenice({ clipPath: path.join(dir, 'real.mp4') });
  const store = new QueueStore(path.join(dir, 'queue.sqlite'));
  const key = opts.key ?? CANARY;
  const apiKey = async () => key;
  const client = new VeniceClient({
    baseUrl: venice.url,
    apiKey,
    timeouts: { connectMs: 2_000, responseMs: 3_000, queueResponseMs: 3_000, idleMs: 3_000, ...opts.timeouts },
  });
  const engine = new Engine({
    store,
    connect: async () => ({ client, apiKey }),
    pollPolicy: { floorMs: 50, ceilingMs: 200 },
    tickMs: 25,
    retryBaseMs: 20,
    maxDownloadTries: 3,
    random: seededRng(5),
    ...opts.engine,
  });
  const rig: HostileRig = {
    dir,
    outDir,
    venice,
    store,
    client,
    engine,
    addBatch: (rows = [{}], out = outDir) =>
      store.createBatch(
        { name: 'hostile', settings: { concurrency: 2 }, outputDir: out, nameTemplate: '{row}-{take}', budgetUsd: null, baseUrl: venice.url },
        rows.map((r, i) => ({
          rowIndex: i + 1,
          params: { model: HOSTILE_MODEL, prompt: `Shot ${i + 1}: a harbour at dawn`, duration: '1s', resolution: '480p', audio: false, ...r },
          quoteUsd: 0.01,
        })),
      ),
    row: (batchId, index = 0) => {
      const r = store.listRows(batchId)[index];
      if (!r) throw new Error(`batch ${batchId} has no row ${index}`);
      return r;
    },
    waitFor: async (batchId, states, timeoutMs = 30_000) => {
      const start = Date.now();
      for (;;) {
        const r = rig.row(batchId);
        if (states.includes(r.state)) return r;
        if (Date.now() - start > timeoutMs) throw new Error(`row stayed ${r.state} (${r.errorMessage ?? ''}); wanted ${states.join('/')}`);
        await new Promise((res) => setTimeout(res, 25));
      }
    },
    files: () => walk(outDir),
    close: async () => {
      await engine.stop().catch(() => undefined);
      store.close();
      await venice.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return rig;
}
