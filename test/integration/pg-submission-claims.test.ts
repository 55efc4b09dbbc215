/**
 * Submission claims on the studio queue, as one call of `vb_claim_submissions` (schema migration 4): each claim is
 * one round trip (the queue-wide lock is never held across the network), machines claiming at once never pass a
 * batch's concurrency, the queue-wide in-flight cap or a budget and never take one row twice, and a queue written
 * at the previous schema version is migrated and claimed from as it stands.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { PgQueueStore } from '../../main/core/queue/pg/pg-store';
import { MIGRATIONS, SCHEMA } from '../../main/core/queue/pg/schema';
import type { ClaimedRow, SubmissionClaim } from '../../main/core/queue/store-api';
import { sqlOn, startPostgres, type TestPostgres } from '../support/postgres';
import { addBatch } from '../support/store-under-test';

let server: TestPostgres;
beforeAll(async () => {
  server = await startPostgres();
}, 120_000);
afterAll(() => server?.stop());

const sql = sqlOn;

/** A small seeded generator: the same run every time. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1_664_525 + 1_013_904_223) >>> 0;
    return s / 2 ** 32;
  };
}

const IN_FLIGHT = `state IN ('submitting', 'queued', 'processing', 'downloading', 'verifying') OR (state = 'ready' AND lease_token IS NOT NULL)`;

/** What the claims must keep, read in one statement (one snapshot): rows in flight and a batch's money. */
async function usage(url: string, budgetBatch: number): Promise<{ total: number; perBatch: Map<number, number>; committedUsd: number }> {
  const rows = await sql<{ batch_id: string; n: string }>(url, `SELECT batch_id, COUNT(*) AS n FROM rows WHERE ${IN_FLIGHT} GROUP BY batch_id`);
  const [money] = await sql<{ usd: number }>(
    url,
    `SELECT (SELECT COALESCE(SUM(a.quote_usd), 0) FROM attempts a JOIN rows r ON r.id = a.row_id
             WHERE r.batch_id = $1 AND (a.charged OR a.state IN ('in_doubt', 'submitting')))
          + (SELECT COALESCE(SUM(quote_usd), 0) FROM rows WHERE batch_id = $1 AND state = 'ready' AND lease_token IS NOT NULL) AS usd`,
    [budgetBatch],
  );
  const perBatch = new Map(rows.map((r) => [Number(r.batch_id), Number(r.n)]));
  return { total: [...perBatch.values()].reduce((a, b) => a + b, 0), perBatch, committedUsd: Number(money?.usd) };
}

describe('submission claims on the studio queue (PostgreSQL)', () => {
  it('claims submissions, and owed completes with their attempt, in one round trip each', async () => {
    const url = await server.newDatabase();
    const store = await PgQueueStore.open(url);
    const w = await store.registerWorker('round-trips');
    const batchId = await addBatch(store, 4, { concurrency: 4, budgetUsd: 1.2, quoteUsd: 0.5 });
    const done = await addBatch(store, 1);
    const [doneRow] = await store.listRows(done);
    // A finished clip whose copy on Venice is still to be deleted.
    await sql(url, `INSERT INTO attempts (row_id, attempt_no, state, model, request_json, queue_id, quote_usd, charged) VALUES ($1, 1, 'done', 'm', '{}', 'q-owed', 0.5, true)`, [doneRow!.id]);
    await sql(url, `UPDATE rows SET state = 'done', current_attempt_id = (SELECT id FROM attempts WHERE queue_id = 'q-owed') WHERE id = $1`, [doneRow!.id]);

    const queries = vi.spyOn(pg.Client.prototype, 'query');
    try {
      const first = await store.claimSubmissions(w.id, batchId, { limit: 2, maxInFlight: 10 });
      expect(queries).toHaveBeenCalledTimes(1);
      expect(first.claimed.map((c) => c.row.rowIndex)).toEqual([1, 2]);
      expect(first.budgetReached).toBeNull();

      // $1.00 claimed of $1.20: the next row's $0.50 would pass it, and the claim says so in the same call.
      queries.mockClear();
      const second = await store.claimSubmissions(w.id, batchId, { limit: 2, maxInFlight: 10 });
      expect(queries).toHaveBeenCalledTimes(1);
      expect(second.claimed).toEqual([]);
      expect(second.budgetReached).toEqual({ spentUsd: 1, budgetUsd: 1.2, nextQuoteUsd: 0.5 });

      queries.mockClear();
      const completes = await store.claimCompletes(w.id, { limit: 5 });
      expect(queries).toHaveBeenCalledTimes(1);
      expect(completes).toHaveLength(1);
      expect(completes[0]!.row.id).toBe(doneRow!.id);
      expect(completes[0]!.attempt).toMatchObject({ rowId: doneRow!.id, queueId: 'q-owed', state: 'done', charged: true, remoteDeleted: false, quoteUsd: 0.5 });
      expect(completes[0]!.attempt).toEqual(await store.getAttempt(completes[0]!.attempt.id));
    } finally {
      queries.mockRestore();
    }
    await store.close();
  });

  it('never passes concurrency, the in-flight cap or the budget, nor takes a row twice, with four machines claiming at once', async () => {
    const url = await server.newDatabase();
    const first = await PgQueueStore.open(url, { poolSize: 3 });
    const stores = [first, ...(await Promise.all([1, 2, 3].map(() => PgQueueStore.open(url, { poolSize: 3 }))))];
    const MAX_IN_FLIGHT = 11;
    const BUDGET = 4;
    const CONCURRENCY = new Map<number, number>();
    // Batch A: a budget, quotes of 15 to 60 cents; batch B: no budget. Together they want more than the cap allows.
    const quotes = [0.2, 0.35, 0.5, 0.15, 0.6];
    const a = await first.createBatch(
      { name: 'A', settings: { concurrency: 6 }, outputDir: '/tmp/a', nameTemplate: '{row}', baseUrl: 'http://venice.test', budgetUsd: BUDGET },
      Array.from({ length: 60 }, (_, i) => ({ rowIndex: i + 1, params: { model: 'm', prompt: `a${i}`, duration: '5s' }, quoteUsd: quotes[i % quotes.length]! })),
    );
    const b = await addBatch(first, 60, { concurrency: 8, quoteUsd: 0.1 });
    CONCURRENCY.set(a, 6).set(b, 8);
    const workers = await Promise.all(stores.flatMap((s) => [0, 1].map(async () => ({ store: s, id: (await s.registerWorker('claims')).id }))));
    const random = rng(17);

    // An observer reading the invariants while the claims run.
    const violations: string[] = [];
    let observing = true;
    const observer = (async () => {
      while (observing) {
        const u = await usage(url, a);
        if (u.total > MAX_IN_FLIGHT) violations.push(`${u.total} rows in flight, cap ${MAX_IN_FLIGHT}`);
        for (const [batch, n] of u.perBatch) if (n > (CONCURRENCY.get(batch) ?? 0)) violations.push(`batch ${batch}: ${n} in flight`);
        if (u.committedUsd > BUDGET + 1e-9) violations.push(`batch A committed $${u.committedUsd}, budget $${BUDGET}`);
      }
    })();

    const held = new Map<number, { store: PgQueueStore; claim: ClaimedRow }>();
    const budgetStops: Array<NonNullable<SubmissionClaim['budgetReached']>> = [];
    let claimedTotal = 0;
    // At least 16 rounds, and on until batch A has met its budget: which machine wins each claim is the scheduler's
    // choice, so how fast A spends varies from run to run (the seeded choices fall on different rows).
    let rounds = 0;
    for (let round = 0; round < 60 && (round < 16 || budgetStops.length === 0); round++) {
      rounds++;
      const calls = workers.flatMap((w) =>
        [0, 1, 2].map(async (i) => {
          const batchId = random() < 0.5 ? a : b;
          return { w, got: await w.store.claimSubmissions(w.id, batchId, { limit: 1 + (i % 3), maxInFlight: MAX_IN_FLIGHT }) };
        }),
      );
      for (const { w, got } of await Promise.all(calls)) {
        if (got.budgetReached) budgetStops.push(got.budgetReached);
        for (const c of got.claimed) {
          expect(held.has(c.row.id), `row ${c.row.id} claimed while another claim held it`).toBe(false);
          held.set(c.row.id, { store: w.store, claim: c });
          claimedTotal++;
        }
      }
      // The machines move on: rows sent (charged, refused, in doubt), given back, or kept; paid jobs finish.
      for (const [rowId, { store, claim }] of [...held]) {
        const choice = Math.floor(random() * 5);
        if (choice === 0) continue; // still being prepared: held
        held.delete(rowId);
        if (choice === 1) {
          await store.releaseLease(claim.lease);
          continue;
        }
        const attemptId = await store.beginSubmit({ lease: claim.lease }, 'm', '{}', claim.row.quoteUsd);
        await store.tx(async (t) => {
          if (choice === 2) {
            await t.patchAttempt(attemptId, { state: 'queued', queueId: `q-${rowId}`, charged: true }, { lease: claim.lease });
            await t.transitionRow(rowId, 'submitting', 'queued', { nextActionAt: null }, { lease: claim.lease, release: true });
          } else if (choice === 3) {
            await t.patchAttempt(attemptId, { state: 'failed', errorKind: 'rate_limited' }, { lease: claim.lease });
            await t.transitionRow(rowId, 'submitting', 'ready', {}, { lease: claim.lease, release: true });
          } else {
            await t.patchAttempt(attemptId, { state: 'in_doubt' }, { lease: claim.lease });
            await t.transitionRow(rowId, 'submitting', 'in_doubt', {}, { lease: claim.lease, release: true });
          }
        });
      }
      for (const r of await sql<{ id: string }>(url, `SELECT id FROM rows WHERE state = 'queued'`)) {
        if (random() < 0.5) await first.transitionRow(Number(r.id), 'queued', 'failed', { errorKind: 'download' });
      }
    }
    observing = false;
    await observer;

    expect(violations).toEqual([]);
    expect(claimedTotal, `rows claimed in ${rounds} rounds`).toBeGreaterThan(40);
    // Batch A ran into its budget, and every stop was reported with figures that justify it (never too early: the
    // next row would pass the budget; never too late: what is committed is within it).
    expect(budgetStops.length, `budget stops in ${rounds} rounds`).toBeGreaterThan(0);
    for (const s of budgetStops) {
      expect(s.budgetUsd).toBe(BUDGET);
      expect(s.spentUsd, JSON.stringify(s)).toBeLessThanOrEqual(BUDGET + 1e-9);
      expect(s.spentUsd + s.nextQuoteUsd, JSON.stringify(s)).toBeGreaterThan(BUDGET);
    }
    for (const s of stores) await s.close();
  }, 120_000);

  it('migrates a queue at the previous schema version and claims its rows by the same rules', async () => {
    const url = await server.newDatabase();
    const previous = MIGRATIONS.length - 1;
    // The queue as the last build left it: its schema at the previous version, a batch with a budget, one row sent.
    await sql(
      url,
      `CREATE SCHEMA ${SCHEMA}; SET search_path TO ${SCHEMA}; ${MIGRATIONS.slice(0, previous).join(';\n')};
       CREATE TABLE schema_version (version integer NOT NULL); INSERT INTO schema_version (version) VALUES (${previous})`,
    );
    await sql(
      url,
      `INSERT INTO batches (name, settings_json, output_dir, name_template, budget_usd, base_url, created_at, updated_at)
       VALUES ('old', '{"concurrency":4}', '/tmp/old', '{row}', 2.0, 'http://venice.test', 0, 0)`,
    );
    await sql(
      url,
      `INSERT INTO rows (batch_id, row_index, position, params_json, state, quote_usd, updated_at)
       SELECT 1, i, i, '{"model":"m","prompt":"p","duration":"5s"}', CASE WHEN i = 1 THEN 'queued' ELSE 'ready' END, 0.5, 0
       FROM generate_series(1, 6) AS i`,
    );
    await sql(url, `INSERT INTO attempts (row_id, attempt_no, state, model, request_json, queue_id, quote_usd, charged) VALUES (1, 1, 'queued', 'm', '{}', 'q-1', 0.5, true)`);

    const store = await PgQueueStore.open(url);
    const [v] = await sql<{ version: number }>(url, `SELECT version FROM schema_version`);
    expect(v?.version).toBe(MIGRATIONS.length);
    const w = await store.registerWorker('after-upgrade');
    // One row in flight of four; $0.50 charged of $2.00: the two asked for fit both.
    const got = await store.claimSubmissions(w.id, 1, { limit: 2, maxInFlight: 10 });
    expect(got.claimed.map((c) => c.row.rowIndex)).toEqual([2, 3]);
    expect(got.claimed.every((c) => c.lease.owner === w.id && c.lease.token.length > 0 && c.leaseUntil > store.now())).toBe(true);
    expect(got.budgetReached).toBeNull();
    // Row 1 finished: two of four in flight, room for two; $1.50 committed, row 4's $0.50 fits, row 5's would not.
    await store.transitionRow(1, 'queued', 'failed', { errorKind: 'download' });
    const next = await store.claimSubmissions(w.id, 1, { limit: 5, maxInFlight: 10 });
    expect(next.claimed.map((c) => c.row.rowIndex)).toEqual([4]);
    expect(next.budgetReached).toEqual({ spentUsd: 2, budgetUsd: 2, nextQuoteUsd: 0.5 });
    await store.close();
  });
});
