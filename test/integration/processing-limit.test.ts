/**
 * A paid job that answers PROCESSING for ever (Venice has no FAILED status) is not followed for ever: past its bound
 * (processing-limit.ts) the row fails with the reason, the batch settles, and Retry fetches the SAME paid job again
 * with its time started anew, never a new charge. On the local queue with one engine, and on the studio queue with
 * two machines (two engines, two connections) polling the same row, whichever holds it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchSettled, Engine } from '../../main/core/queue/engine';
import type { QueueStoreApi } from '../../main/core/queue/store-api';
import { VeniceClient } from '../../main/core/venice/client';
import { startSimulator, type Simulator } from '../../main/core/venice/simulator';
import { postgresKind, sqliteKind } from '../support/store-under-test';

const MODEL = 'sim-fast-text-to-video';
/**
 * Bound of 5 s whatever the estimate (the other clips take 0.3 s plus their render, a few seconds at most on a
 * loaded test machine); the stuck job really takes 10 s, so it fails first and a Retry then gets it.
 */
const LIMITS = { factor: 2, minMs: 5_000, maxMs: 5_000 };
const STUCK_MS = 10_000;

async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > timeoutMs) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.each([
  { kind: sqliteKind(), machines: 1 },
  { kind: postgresKind(), machines: 2 },
])('a job that answers PROCESSING for ever, on the $kind.name queue ($machines machine(s))', ({ kind, machines }) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vb-stuck-'));
  let sim: Simulator;
  beforeAll(async () => {
    await kind.setup();
    sim = await startSimulator({
      seed: 3,
      processingMs: 300,
      // One render for the three clips (same spec): the simulator's ffmpeg is not what is being tested.
      shareRenders: true,
      jobTiming: (job) => (job.prompt.startsWith('Stuck') ? { processingMs: STUCK_MS, estimateMs: 400 } : undefined),
    });
  }, 120_000);
  afterAll(async () => {
    await sim?.close();
    await kind.teardown();
    rmSync(dir, { recursive: true, force: true });
  });

  it('fails the row past its bound with the reason, settles the batch, and Retry fetches the same paid job', async () => {
    const stores: QueueStoreApi[] = [await kind.open({ lease: { leaseMs: 3_000, renewMs: 1_000, sweepMs: 1_000 } })];
    for (let i = 1; i < machines; i++) stores.push(await kind.reopenLast());
    const store = stores[0]!;
    const apiKey = async () => 'sim-key';
    const engines = stores.map(
      (s, i) =>
        new Engine({
          store: s,
          role: `machine-${i + 1}`,
          connect: async (baseUrl) => ({ client: new VeniceClient({ baseUrl, apiKey }), apiKey }),
          pollPolicy: { floorMs: 150, ceilingMs: 1_000 },
          processingLimits: LIMITS,
          tickMs: 50,
          retryBaseMs: 200,
        }),
    );
    try {
      const prompts = ['Stuck shot: a lighthouse that never finishes', 'Shot 2: a harbour at dawn', 'Shot 3: gulls over the pier'];
      const batchId = await store.createBatch(
        { name: 'stuck', settings: { concurrency: 3 }, outputDir: path.join(dir, `clips-${kind.name}`), nameTemplate: '{row}-{take}', budgetUsd: null, baseUrl: sim.url },
        prompts.map((prompt, i) => ({ rowIndex: i + 1, params: { model: MODEL, prompt, duration: '1s', resolution: '480p', audio: false }, quoteUsd: 0.01 })),
      );
      for (const e of engines) await e.start();
      await waitFor(() => batchSettled(store, batchId), 'the batch to settle');

      const rows = await store.listRows(batchId);
      const stuck = rows[0]!;
      expect(rows.slice(1).map((r) => r.state), JSON.stringify(rows.map((r) => [r.state, r.errorKind, r.errorMessage]))).toEqual(['done', 'done']);
      expect(stuck).toMatchObject({ state: 'failed', errorKind: 'stuck_processing' });
      expect(stuck.errorMessage).toMatch(/still says this clip is being generated after .*use Retry/);
      const attempt = (await store.getAttempt(stuck.currentAttemptId!))!;
      expect(attempt).toMatchObject({ charged: true });
      expect(attempt.queueId).toBeTruthy();
      // Failed past the bound, not before, and well before the job really ended.
      const failedAfterMs = (attempt.finishedAt ?? 0) - (attempt.queuedAt ?? 0);
      expect(failedAfterMs).toBeGreaterThanOrEqual(LIMITS.maxMs);

      // Retry: the same queue id is polled again with its time started anew; Venice finishes it, nothing new is charged.
      const engine = engines[machines - 1]!;
      expect(await engine.retryRows([stuck.id])).toEqual({ refetch: 1, resubmit: 0 });
      await waitFor(async () => (await store.getRow(stuck.id))?.state === 'done', 'the retried row to be done');
      const again = await store.listAttempts(stuck.id);
      expect(again).toHaveLength(1);
      expect(again[0]).toMatchObject({ state: 'done', queueId: attempt.queueId });
      const charges = sim.ledger().filter((e) => e.kind === 'charge' && e.prompt === prompts[0]);
      expect(charges).toHaveLength(1);
    } finally {
      for (const e of engines) await e.stop();
      for (const s of stores) await s.close();
    }
  }, 90_000);
});
