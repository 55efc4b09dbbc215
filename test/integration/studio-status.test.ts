/**
 * `venice-batch status` on the studio queue (a real PostgreSQL): the whole studio, which queue it is (address with
 * the password masked), the machines seen with when they last renewed, and which machine holds which row. Another
 * "machine" here is this test process holding leases through its own store, as a render box would.
 */
import os from 'node:os';
import path from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgQueueStore } from '../../main/core/queue/pg/pg-store';
import { buildCli, runCli } from '../support/cli-process';
import { startPostgres, type TestPostgres } from '../support/postgres';
import { addBatch } from '../support/store-under-test';

let server: TestPostgres;
let dir: string;

beforeAll(async () => {
  await buildCli();
  server = await startPostgres();
  dir = mkdtempSync(path.join(os.tmpdir(), 'vb-studio-status-'));
}, 180_000);
afterAll(async () => {
  await server?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('status on the studio queue', () => {
  it('shows the whole studio, the machines with their last renewal, and who holds which row, never the password', async () => {
    const url = await server.newDatabase('status');
    const password = new URL(url).password;
    const env = { VENICE_BATCH_DATA: path.join(dir, 'data'), VENICE_BATCH_DB: url, VENICE_API_KEY: 'sim-key' };

    // Before any batch: the studio view alone, exit 0.
    const empty = await runCli(['status'], env);
    expect(empty.code, empty.output).toBe(0);
    expect(empty.output).toMatch(/Studio queue: postgres:\/\/postgres:•••••@127\.0\.0\.1:\d+\/status_/);
    expect(empty.output).toMatch(/No machine is working on it right now/);

    const store = await PgQueueStore.open(url);
    try {
      const mine = await addBatch(store, 3, { concurrency: 3, outputDir: path.join(dir, 'a') });
      const other = await addBatch(store, 2, { concurrency: 2, outputDir: path.join(dir, 'b') });
      const box = await store.registerWorker('venice-batch work');
      const { claimed } = await store.claimSubmissions(box.id, other, { limit: 1, maxInFlight: 10 });
      expect(claimed).toHaveLength(1);

      const plain = await runCli(['status', '--batch', String(mine)], env);
      expect(plain.code, plain.output).toBe(0);
      const host = os.hostname();
      expect(plain.output).toContain(`${host} (venice-batch work, pid ${process.pid}): last renewed `);
      expect(plain.output).toMatch(new RegExp(`holds batch ${other} row 1 \\(ready\\)`));
      // Both batches of the studio are listed, not only the one asked about.
      expect(plain.output).toMatch(new RegExp(`batch ${mine} \\(b, active\\): 3 ready`));
      expect(plain.output).toMatch(new RegExp(`batch ${other} \\(b, active\\): 2 ready`));
      expect(plain.output).not.toContain(password);

      const json = await runCli(['status', '--batch', String(other), '--json'], env);
      expect(json.code, json.output).toBe(0);
      expect(json.output).not.toContain(password);
      const parsed = JSON.parse(json.output);
      expect(parsed.queue.kind).toBe('postgres');
      expect(parsed.studio.address).toMatch(/^postgres:\/\/postgres:•••••@127\.0\.0\.1:\d+\/status_/);
      expect(parsed.studio.machines).toEqual([
        expect.objectContaining({ host, role: 'venice-batch work', pid: process.pid, holds: [{ batchId: other, row: 1, state: 'ready' }] }),
      ]);
      expect(parsed.studio.machines[0].secondsSinceRenewal).toBeLessThan(60);
      expect(parsed.studio.batches.map((b: { id: number }) => b.id).sort()).toEqual([mine, other].sort());
      expect(parsed.rows.map((r: { heldBy: string | null }) => r.heldBy)).toEqual([host, null]);
      await store.unregisterWorker(box.id);
    } finally {
      await store.close();
    }
  }, 120_000);
});
