/**
 * What only the studio queue has to prove, on a real PostgreSQL: it creates and migrates its own schema (machines
 * starting together included), refuses a newer one, its claims are served by the partial indexes, its leases go
 * by the database clock whatever a machine's clock says, and several processes claiming at once never hold one
 * row together.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { PgQueueStore } from '../../main/core/queue/pg/pg-store';
import { MIGRATIONS, SCHEMA } from '../../main/core/queue/pg/schema';
import { sqlOn, startPostgres, type TestPostgres } from '../support/postgres';
import { addBatch } from '../support/store-under-test';

let server: TestPostgres;
beforeAll(async () => {
  server = await startPostgres();
}, 120_000);
afterAll(() => server?.stop());

const sql = sqlOn;

/** Puts `n` rows in `queued` (paid, due now), the state polls claim. */
async function queuedRows(store: PgQueueStore, n: number): Promise<number> {
  const batchId = await addBatch(store, n, { concurrency: n });
  const w = await store.registerWorker('setup');
  const { claimed } = await store.claimSubmissions(w.id, batchId, { limit: n, maxInFlight: n });
  for (const [i, c] of claimed.entries()) {
    const attemptId = await store.beginSubmit({ lease: c.lease }, 'm', '{}', 0.5);
    await store.tx(async (t) => {
      await t.patchAttempt(attemptId, { state: 'queued', queueId: `q-${batchId}-${i}`, charged: true }, { lease: c.lease });
      await t.transitionRow(c.row.id, 'submitting', 'queued', { nextActionAt: null }, { lease: c.lease, release: true });
    });
  }
  await store.unregisterWorker(w.id);
  return batchId;
}

describe('studio queue (PostgreSQL)', () => {
  it('creates its schema itself, once, even when machines start together', async () => {
    const url = await server.newDatabase();
    const stores = await Promise.all([0, 1, 2].map(() => PgQueueStore.open(url)));
    const [v] = await sql<{ version: number }>(url, `SELECT version FROM ${SCHEMA}.schema_version`);
    expect(v?.version).toBe(MIGRATIONS.length);
    expect(await sql(url, `SELECT * FROM ${SCHEMA}.schema_version`)).toHaveLength(1);
    expect(stores[0]!.describe()).toMatch(/^PostgreSQL 127\.0\.0\.1:\d+\/t_/);
    expect(stores[0]!.describe()).not.toMatch(/venice-batch-test|postgres:/);
    for (const s of stores) await s.close();
    const again = await PgQueueStore.open(url);
    expect(await again.check()).toBe('ok');
    await again.close();
  });

  it('refuses a schema written by a newer version, saying what to do', async () => {
    const url = await server.newDatabase();
    (await PgQueueStore.open(url)).close();
    await sql(url, `UPDATE ${SCHEMA}.schema_version SET version = $1`, [MIGRATIONS.length + 3]);
    await expect(PgQueueStore.open(url)).rejects.toThrow(/newer version of Venice Batch.*update this machine/);
  });

  it('serves every claim from its partial index', async () => {
    const url = await server.newDatabase();
    const store = await PgQueueStore.open(url);
    await queuedRows(store, 20);
    const plan = async (query: string) => {
      const c = new pg.Client({ connectionString: url, options: `-c search_path=${SCHEMA}` });
      await c.connect();
      try {
        await c.query('SET enable_seqscan = off'); // a 20-row table would be scanned; what matters is that the index fits
        return (await c.query(`EXPLAIN ${query}`)).rows.map((r) => String(r['QUERY PLAN'])).join('\n');
      } finally {
        await c.end();
      }
    };
    expect(
      await plan(`SELECT id FROM rows WHERE state IN ('queued', 'processing') AND lease_token IS NULL AND next_action_at <= vb_now_ms() ORDER BY next_action_at, id LIMIT 5 FOR UPDATE SKIP LOCKED`),
    ).toMatch(/rows_claim_poll/);
    expect(
      await plan(`SELECT id FROM rows WHERE batch_id = 1 AND state = 'ready' AND lease_token IS NULL AND next_action_at <= vb_now_ms() ORDER BY position, id LIMIT 5 FOR UPDATE SKIP LOCKED`),
    ).toMatch(/rows_claim_submit/);
    expect(await plan(`SELECT id FROM rows WHERE lease_token IS NOT NULL AND lease_until < vb_now_ms()`)).toMatch(/rows_leases/);
    await store.close();
  });

  it('keeps leases and due times on the database clock when this machine\'s clock is an hour off', async () => {
    const url = await server.newDatabase();
    const skew = vi.spyOn(Date, 'now').mockImplementation(() => performance.timeOrigin + performance.now() + 3_600_000);
    try {
      const store = await PgQueueStore.open(url, { lease: { leaseMs: 30_000 } });
      const [{ t }] = (await sql<{ t: string }>(url, `SELECT ${SCHEMA}.vb_now_ms() AS t`)) as [{ t: string }];
      expect(Math.abs(store.now() - Number(t))).toBeLessThan(2_000);
      const w = await store.registerWorker('skewed');
      const batchId = await addBatch(store, 1);
      const { claimed } = await store.claimSubmissions(w.id, batchId, { limit: 1, maxInFlight: 5 });
      expect(claimed[0]!.leaseUntil - Number(t)).toBeGreaterThan(25_000);
      expect(claimed[0]!.leaseUntil - Number(t)).toBeLessThan(35_000);
      expect(await store.expireLeases()).toEqual({ inDoubt: 0, repoll: 0, resume: 0, released: 0 });
      await store.close();
    } finally {
      skew.mockRestore();
    }
  });

  it('never lets two of three claiming processes hold one row at once', async () => {
    const url = await server.newDatabase();
    const store = await PgQueueStore.open(url);
    const batchId = await queuedRows(store, 60);
    const script = path.join(__dirname, '..', 'support', 'claim-worker.ts');
    const results = await Promise.all(
      [0, 1, 2].map(
        () =>
          new Promise<{ ops: number; lost: number; claims: number; p95ClaimMs: number }>((resolve, reject) => {
            const child = spawn(process.execPath, ['--import', 'tsx', script, url, '4000'], { stdio: ['ignore', 'pipe', 'pipe'] });
            let out = '';
            let err = '';
            child.stdout.on('data', (d: Buffer) => (out += d.toString()));
            child.stderr.on('data', (d: Buffer) => (err += d.toString()));
            child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`worker exited ${code}: ${err}`))));
          }),
      ),
    );
    const ops = results.reduce((n, r) => n + r.ops, 0);
    // Every guarded write succeeded (no lease was ever lost: nothing expired, nobody else held the row), and the
    // polls counted on the attempts add up to exactly the operations the processes made.
    expect(results.map((r) => r.lost)).toEqual([0, 0, 0]);
    expect(results.every((r) => r.ops > 0)).toBe(true);
    const [sum] = await sql<{ n: string }>(url, `SELECT SUM(a.polls) AS n FROM ${SCHEMA}.attempts a JOIN ${SCHEMA}.rows r ON r.id = a.row_id WHERE r.batch_id = $1`, [batchId]);
    expect(Number(sum?.n)).toBe(ops);
    expect(await store.listLeases()).toEqual([]);
    console.log(`claims: ${results.map((r) => `${r.claims} claims, p95 ${r.p95ClaimMs.toFixed(1)} ms`).join('; ')}; ${ops} guarded operations`);
    await store.close();
  }, 60_000);
});
