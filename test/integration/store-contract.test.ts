/**
 * The queue store's contract, run unchanged against both implementations: the local SQLite file and the studio
 * PostgreSQL (a real server started by this file). Whatever the engine may rely on is asserted here, above all the
 * money rules: claims are exclusive, a lost lease writes nothing, expiry never sends a row back to `ready`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IllegalTransitionError } from '../../main/core/queue/job-states';
import { LeaseLostError, RowStateError, type ClaimedRow, type QueueStoreApi } from '../../main/core/queue/store-api';
import { PRIOR_SAMPLE } from '../../main/core/queue/poll-prior';
import { addBatch, postgresKind, sqliteKind } from '../support/store-under-test';

const SHORT_LEASE = { leaseMs: 1_200 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each([sqliteKind(), postgresKind()])('queue store contract: $name', (kind) => {
  const open: QueueStoreApi[] = [];
  const fresh = async (opts?: Parameters<typeof kind.open>[0]) => {
    const s = await kind.open(opts);
    open.push(s);
    return s;
  };
  beforeAll(() => kind.setup(), 120_000);
  afterAll(async () => {
    for (const s of open) await s.close().catch(() => {});
    await kind.teardown();
  });

  /**
   * A time the database surely counts as past: the store's clock is the database's, estimated to within half a
   * round trip, so a row stamped `store.now()` can lie a millisecond in the database's future and not be due yet.
   */
  const due = (store: QueueStoreApi) => store.now() - 1_000;

  /** Claims one row for sending and records the attempt; returns the claim and the attempt id. */
  async function send(store: QueueStoreApi, worker: string, batchId: number): Promise<{ claim: ClaimedRow; attemptId: number }> {
    const { claimed } = await store.claimSubmissions(worker, batchId, { limit: 1, maxInFlight: 100 });
    const claim = claimed[0];
    if (!claim) throw new Error('nothing to claim');
    const attemptId = await store.beginSubmit({ lease: claim.lease }, 'm', '{"prompt":"x"}', claim.row.quoteUsd);
    return { claim, attemptId };
  }

  /** Sends a row and records Venice's answer, as the engine does; the row ends `queued` and unheld. */
  async function queued(store: QueueStoreApi, worker: string, batchId: number, queueId: string) {
    const sent = await send(store, worker, batchId);
    await store.tx(async (t) => {
      await t.patchAttempt(sent.attemptId, { state: 'queued', queueId, charged: true, queuedAt: store.now() }, { lease: sent.claim.lease });
      await t.transitionRow(sent.claim.row.id, 'submitting', 'queued', { nextActionAt: due(store) }, { lease: sent.claim.lease, release: true });
      await t.addEvent(batchId, sent.claim.row.id, 'queued', 'Queued on Venice', { queueId });
    });
    return sent;
  }

  it('creates batches and rows and reads them back the same way', async () => {
    const store = await fresh();
    const batchId = await addBatch(store, 3, { concurrency: 2 });
    const batch = await store.getBatch(batchId);
    expect(batch).toMatchObject({ id: batchId, name: 'b', status: 'active', settings: { concurrency: 2 }, budgetUsd: null, rehearsal: false });
    const rows = await store.listRows(batchId);
    expect(rows.map((r) => [r.rowIndex, r.state, r.nextActionAt, r.params.prompt])).toEqual([
      [1, 'ready', null, 'shot 1'],
      [2, 'ready', null, 'shot 2'],
      [3, 'ready', null, 'shot 3'],
    ]);
    expect(await store.countByState(batchId)).toEqual({ ready: 3 });
    expect(await store.batchTotals(batchId)).toEqual({ rows: 3, quotedUsd: 1.5 });
    expect((await store.findBatchBySource('hash-1', '/tmp/out'))?.id).toBe(batchId);
    expect(await store.findBatchBySource('hash-1', '/elsewhere')).toBeUndefined();
    expect((await store.rowEvents(rows[0]!.id)).length).toBe(0);
    await store.setBatchSettings(batchId, { concurrency: 5, budgetUsd: 9 });
    expect(await store.getBatch(batchId)).toMatchObject({ settings: { concurrency: 5 }, budgetUsd: 9 });
    expect(await store.check()).toBe('ok');
  });

  it('checks every move against the state machine and the row state it expects', async () => {
    const store = await fresh();
    const batchId = await addBatch(store, 1);
    const [row] = await store.listRows(batchId);
    await expect(store.transitionRow(row!.id, 'ready', 'done')).rejects.toThrow(IllegalTransitionError);
    await expect(store.transitionRow(row!.id, 'draft', 'ready')).rejects.toThrow(RowStateError);
    await store.transitionRow(row!.id, 'ready', 'cancelled', { errorMessage: 'no' });
    expect(await store.getRow(row!.id)).toMatchObject({ state: 'cancelled', errorMessage: 'no' });
  });

  it('rolls a whole transaction back when it throws', async () => {
    const store = await fresh();
    const batchId = await addBatch(store, 1);
    const [row] = await store.listRows(batchId);
    await expect(
      store.tx(async (t) => {
        await t.transitionRow(row!.id, 'ready', 'cancelled');
        await t.addEvent(batchId, row!.id, 'cancelled', 'x');
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect((await store.getRow(row!.id))?.state).toBe('ready');
    expect(await store.rowEvents(row!.id)).toEqual([]);
  });

  it('claims ready rows in order, within the batch concurrency and the queue-wide cap, never one row twice', async () => {
    const store = await fresh();
    const a = await store.registerWorker('test');
    const b = await store.registerWorker('test');
    const batchId = await addBatch(store, 10, { concurrency: 4 });
    const [c1, c2] = await Promise.all([
      store.claimSubmissions(a.id, batchId, { limit: 3, maxInFlight: 100 }),
      store.claimSubmissions(b.id, batchId, { limit: 3, maxInFlight: 100 }),
    ]);
    const ids = [...c1.claimed, ...c2.claimed].map((c) => c.row.id);
    expect(ids).toHaveLength(4); // the batch's concurrency, shared by both machines
    expect(new Set(ids).size).toBe(4);
    const rows = await store.listRows(batchId);
    expect(ids.sort((x, y) => x - y)).toEqual(rows.slice(0, 4).map((r) => r.id));
    // Queue-wide cap: a second batch gets nothing while four rows are held.
    const other = await addBatch(store, 3, { concurrency: 4 });
    expect((await store.claimSubmissions(a.id, other, { limit: 3, maxInFlight: 4 })).claimed).toEqual([]);
    expect((await store.claimSubmissions(a.id, other, { limit: 3, maxInFlight: 6 })).claimed).toHaveLength(2);
  });

  it('does not claim rows of a paused batch, nor rows not yet due', async () => {
    const store = await fresh();
    const w = await store.registerWorker('test');
    const batchId = await addBatch(store, 2);
    await store.setBatchStatus(batchId, 'paused', 'Paused by you');
    expect((await store.claimSubmissions(w.id, batchId, { limit: 5, maxInFlight: 10 })).claimed).toEqual([]);
    await store.setBatchStatus(batchId, 'active');
    const [first] = await store.listRows(batchId);
    await store.patchRow(first!.id, { nextActionAt: store.now() + 60_000 });
    const got = await store.claimSubmissions(w.id, batchId, { limit: 5, maxInFlight: 10 });
    expect(got.claimed.map((c) => c.row.rowIndex)).toEqual([2]);
    expect(await store.nextDueAt(['ready'], batchId)).toBeGreaterThan(store.now());
  });

  it('stops claiming at the budget, counting charges, money in doubt and rows already claimed', async () => {
    const store = await fresh();
    const w = await store.registerWorker('test');
    const batchId = await addBatch(store, 5, { budgetUsd: 1.6, quoteUsd: 0.5 });
    const first = await store.claimSubmissions(w.id, batchId, { limit: 2, maxInFlight: 10 });
    expect(first.claimed).toHaveLength(2);
    expect(first.budgetReached).toBeNull();
    await store.beginSubmit({ lease: first.claimed[0]!.lease }, 'm', '{}', 0.5); // in doubt until answered: counts
    const second = await store.claimSubmissions(w.id, batchId, { limit: 5, maxInFlight: 10 });
    expect(second.claimed).toHaveLength(1);
    expect(second.budgetReached).toEqual({ spentUsd: 1.5, budgetUsd: 1.6, nextQuoteUsd: 0.5 });
  });

  it('records a submission only while the row is ready and still held', async () => {
    const store = await fresh();
    const w = await store.registerWorker('test');
    const batchId = await addBatch(store, 1);
    const { claim, attemptId } = await send(store, w.id, batchId);
    expect(await store.getRow(claim.row.id)).toMatchObject({ state: 'submitting', currentAttemptId: attemptId });
    expect(await store.getAttempt(attemptId)).toMatchObject({ rowId: claim.row.id, attemptNo: 1, state: 'submitting', model: 'm', quoteUsd: 0.5 });
    // The same lease cannot start a second paid request for the row.
    await expect(store.beginSubmit({ lease: claim.lease }, 'm', '{}', 0.5)).rejects.toThrow(RowStateError);
    // A made-up lease gets nothing, and nothing is recorded.
    const batch2 = await addBatch(store, 1);
    const [row2] = await store.listRows(batch2);
    await expect(store.beginSubmit({ lease: { rowId: row2!.id, owner: w.id, token: 'forged' } }, 'm', '{}', 0.5)).rejects.toThrow(LeaseLostError);
    expect(await store.listAttempts(row2!.id)).toEqual([]);
    expect(await store.spend(batchId)).toEqual({ chargedUsd: 0, inDoubtUsd: 0.5 });
  });

  it('turns an expired submitting row into in doubt, never ready, and the stale holder can write nothing', async () => {
    const store = await fresh({ lease: SHORT_LEASE });
    const w = await store.registerWorker('test');
    const batchId = await addBatch(store, 1);
    const { claim, attemptId } = await send(store, w.id, batchId);
    await sleep(SHORT_LEASE.leaseMs + 300);
    expect(await store.expireLeases()).toEqual({ inDoubt: 1, repoll: 0, resume: 0, released: 0 });
    const row = await store.getRow(claim.row.id);
    expect(row).toMatchObject({ state: 'in_doubt', errorKind: 'in_doubt' });
    expect((await store.getAttempt(attemptId))?.state).toBe('in_doubt');
    expect((await store.rowEvents(claim.row.id)).map((e) => e.kind)).toContain('in_doubt');
    // The machine that sent it comes back with its answer through the normal path: refused, nothing changes.
    await expect(
      store.tx(async (t) => {
        await t.patchAttempt(attemptId, { state: 'queued', queueId: 'q-late' }, { lease: claim.lease });
        await t.transitionRow(claim.row.id, 'submitting', 'queued', {}, { lease: claim.lease });
      }),
    ).rejects.toThrow(LeaseLostError);
    expect((await store.getAttempt(attemptId))?.queueId).toBeNull();
    // Nothing may claim it for sending again.
    expect((await store.claimSubmissions(w.id, batchId, { limit: 5, maxInFlight: 10 })).claimed).toEqual([]);
  });

  it('re-polls expired queued/processing rows by queue id, releases expired ready rows, resumes expired downloads', async () => {
    const store = await fresh({ lease: SHORT_LEASE });
    const w = await store.registerWorker('test');
    const batchId = await addBatch(store, 3);
    const q = await queued(store, w.id, batchId, 'q-1');
    await store.patchRow(q.claim.row.id, { nextActionAt: due(store) });
    const [poll] = await store.claimPolls(w.id, { limit: 5 });
    expect(poll?.row.id).toBe(q.claim.row.id);
    await store.patchRow(poll!.row.id, { nextActionAt: store.now() + 3_600_000 }, { lease: poll!.lease });
    const d = await queued(store, w.id, batchId, 'q-2');
    await store.patchRow(d.claim.row.id, { nextActionAt: due(store) });
    const [dl] = (await store.claimPolls(w.id, { limit: 5 })).filter((c) => c.row.id === d.claim.row.id);
    await store.transitionRow(dl!.row.id, 'queued', 'downloading', {}, { lease: dl!.lease });
    const ready = await store.claimSubmissions(w.id, batchId, { limit: 1, maxInFlight: 10 });
    expect(ready.claimed).toHaveLength(1);

    await sleep(SHORT_LEASE.leaseMs + 300);
    expect(await store.expireLeases()).toEqual({ inDoubt: 0, repoll: 1, resume: 1, released: 1 });
    const repolled = await store.getRow(q.claim.row.id);
    expect(repolled?.state).toBe('queued');
    expect(repolled?.nextActionAt).toBeLessThanOrEqual(store.now() + 50);
    const other = await store.registerWorker('other');
    expect((await store.claimPolls(other.id, { limit: 5 })).map((c) => c.row.id)).toEqual([q.claim.row.id]);
    expect((await store.claimResumes(other.id, { limit: 5 })).map((c) => c.row.id)).toEqual([d.claim.row.id]);
    expect((await store.claimSubmissions(other.id, batchId, { limit: 5, maxInFlight: 10 })).claimed.map((c) => c.row.id)).toEqual([
      ready.claimed[0]!.row.id,
    ]);
  });

  it('keeps renewed leases past their first expiry and reports lost ones', async () => {
    const store = await fresh({ lease: SHORT_LEASE });
    const w = await store.registerWorker('test');
    const batchId = await addBatch(store, 2);
    const { claimed } = await store.claimSubmissions(w.id, batchId, { limit: 2, maxInFlight: 10 });
    for (let i = 0; i < 3; i++) {
      await sleep(SHORT_LEASE.leaseMs / 2);
      const held = await store.renewLeases(w.id);
      expect(held.map((l) => l.rowId).sort()).toEqual(claimed.map((c) => c.row.id).sort());
    }
    expect(await store.expireLeases()).toEqual({ inDoubt: 0, repoll: 0, resume: 0, released: 0 });
    // A person's decision overrides the hold: the holder sees the lease gone at its next renewal and write.
    await store.transitionRow(claimed[0]!.row.id, 'ready', 'cancelled');
    expect((await store.renewLeases(w.id)).map((l) => l.rowId)).toEqual([claimed[1]!.row.id]);
    await expect(store.beginSubmit({ lease: claimed[0]!.lease }, 'm', '{}', 0.5)).rejects.toThrow(LeaseLostError);
    const leases = await store.listLeases(batchId);
    expect(leases).toEqual([expect.objectContaining({ rowId: claimed[1]!.row.id, state: 'ready', worker: expect.objectContaining({ id: w.id, role: 'test' }) })]);
  });

  it('gives rows back on release; a row still being sent goes to in doubt', async () => {
    const store = await fresh();
    const w = await store.registerWorker('test');
    const batchId = await addBatch(store, 2);
    const { claim } = await send(store, w.id, batchId);
    await store.releaseLease(claim.lease);
    expect((await store.getRow(claim.row.id))?.state).toBe('in_doubt');
    const { claimed } = await store.claimSubmissions(w.id, batchId, { limit: 1, maxInFlight: 10 });
    await store.releaseLease(claimed[0]!.lease);
    expect((await store.getRow(claimed[0]!.row.id))?.state).toBe('ready');
    expect((await store.claimSubmissions(w.id, batchId, { limit: 1, maxInFlight: 10 })).claimed[0]?.row.id).toBe(claimed[0]!.row.id);
  });

  it('lets a guarded write release the row in the same step, and refuses writes from a stale claim', async () => {
    const store = await fresh();
    const w = await store.registerWorker('test');
    const batchId = await addBatch(store, 1);
    const q = await queued(store, w.id, batchId, 'q-9');
    expect(await store.listLeases(batchId)).toEqual([]);
    expect((await store.getAttempt(q.attemptId))?.queueId).toBe('q-9');
    await store.patchRow(q.claim.row.id, { nextActionAt: due(store) });
    const [first] = await store.claimPolls(w.id, { limit: 1 });
    await store.transitionRow(first!.row.id, 'queued', 'processing', { nextActionAt: due(store) }, { lease: first!.lease, release: true });
    const [second] = await store.claimPolls(w.id, { limit: 1 });
    expect(second?.lease.token).not.toBe(first!.lease.token);
    // The first claim's token is dead even though the same worker holds the row again.
    await expect(store.patchAttempt(q.attemptId, { polls: 99 }, { lease: first!.lease })).rejects.toThrow(LeaseLostError);
    await expect(store.patchRow(first!.row.id, { nextActionAt: 1 }, { lease: first!.lease })).rejects.toThrow(LeaseLostError);
    await store.patchAttempt(q.attemptId, { polls: 1, avgExecutionMs: 90_000 }, { lease: second!.lease });
    expect(await store.getAttempt(q.attemptId)).toMatchObject({ polls: 1, avgExecutionMs: 90_000 });
    expect(await store.recentEstimatesMs({ model: 'm', duration: '5s', resolution: '720p' })).toEqual([90_000]);
    expect(await store.recentEstimatesMs({ model: 'm', duration: '10s', resolution: '720p' })).toEqual([]);
    await store.patchAttempt(q.attemptId, { executionMs: 30_000 }, { lease: second!.lease });
    // A second job of the same kind, not polled yet: its prior is made of the first one's estimate.
    const batch2 = await addBatch(store, 1);
    const q2 = await queued(store, w.id, batch2, 'q-10');
    // A job on another endpoint (Rehearsal, or another key) has its own budget: not counted here.
    const elsewhere = await addBatch(store, 1, { baseUrl: 'rehearsal:' });
    await queued(store, w.id, elsewhere, 'q-11');
    const jobs = await store.pollingJobs('http://venice.test');
    expect(jobs).toHaveLength(2);
    expect(await store.pollingJobs('rehearsal:')).toHaveLength(1);
    const own = jobs.find((j) => j.rowId === q.claim.row.id);
    expect(own).toMatchObject({ estimateMs: 90_000, recentEstimatesMs: [] });
    expect(own!.elapsedMs).toBeGreaterThanOrEqual(30_000);
    expect(own!.elapsedMs).toBeLessThan(40_000);
    expect(jobs.find((j) => j.rowId === q2.claim.row.id)).toMatchObject({ estimateMs: null, recentEstimatesMs: [90_000] });
  });

  it('gives the recent estimates of clips like a job newest first, at most PRIOR_SAMPLE of them', async () => {
    const store = await fresh();
    const w = await store.registerWorker('test');
    const batchId = await addBatch(store, PRIOR_SAMPLE + 3, { concurrency: 100 });
    for (let i = 0; i < PRIOR_SAMPLE + 2; i++) {
      const q = await queued(store, w.id, batchId, `q-e${i}`);
      await store.patchAttempt(q.attemptId, { avgExecutionMs: 60_000 + i * 1_000 });
    }
    const newestFirst = Array.from({ length: PRIOR_SAMPLE }, (_, k) => 60_000 + (PRIOR_SAMPLE + 1 - k) * 1_000);
    expect(await store.recentEstimatesMs({ model: 'm', duration: '5s', resolution: '720p' })).toEqual(newestFirst);
    const waiting = await queued(store, w.id, batchId, 'q-e-new');
    // A clip of another length: nothing like it was estimated yet, whatever the 5 s clips were.
    const longer = await store.createBatch(
      { name: 'b10', sourceHash: 'hash-2', settings: { concurrency: 4 }, outputDir: '/tmp/out', nameTemplate: '{row}', baseUrl: 'http://venice.test', budgetUsd: null },
      [{ rowIndex: 1, params: { model: 'm', prompt: 'long shot', duration: '10s', resolution: '720p' }, quoteUsd: 0.5 }],
    );
    const other = await queued(store, w.id, longer, 'q-e-10s');
    const jobs = await store.pollingJobs('http://venice.test');
    expect(jobs.find((j) => j.rowId === waiting.claim.row.id)).toMatchObject({ estimateMs: null, recentEstimatesMs: newestFirst });
    expect(jobs.find((j) => j.rowId === other.claim.row.id)).toMatchObject({ estimateMs: null, recentEstimatesMs: [] });
  });

  it('offers each owed /video/complete at most once a minute, to one machine', async () => {
    const store = await fresh();
    const a = await store.registerWorker('a');
    const b = await store.registerWorker('b');
    const batchId = await addBatch(store, 1);
    const q = await queued(store, a.id, batchId, 'q-c');
    await store.tx(async (t) => {
      await t.patchAttempt(q.attemptId, { state: 'done' });
      await t.transitionRow(q.claim.row.id, 'queued', 'verifying');
      await t.transitionRow(q.claim.row.id, 'verifying', 'done', { filePath: '/tmp/out/1.mp4' });
    });
    const [ca, cb] = await Promise.all([store.claimCompletes(a.id, { limit: 5 }), store.claimCompletes(b.id, { limit: 5 })]);
    const all = [...ca, ...cb];
    expect(all.map((c) => c.attempt.id)).toEqual([q.attemptId]);
    await store.releaseLease(all[0]!.lease);
    expect(await store.claimCompletes(a.id, { limit: 5 })).toEqual([]); // tried less than a minute ago
    await store.patchAttempt(q.attemptId, { remoteDeleted: true });
    expect(await store.spend(batchId)).toEqual({ chargedUsd: 0.5, inDoubtUsd: 0 });
  });

  it('writes a paid answer late: in doubt becomes queued, twice is harmless, a re-sent row keeps both charges', async () => {
    const store = await fresh({ lease: SHORT_LEASE });
    const w = await store.registerWorker('test');
    const batchId = await addBatch(store, 2);
    const lost = await send(store, w.id, batchId);
    await sleep(SHORT_LEASE.leaseMs + 300);
    await store.expireLeases();
    expect((await store.getRow(lost.claim.row.id))?.state).toBe('in_doubt');
    const answer = {
      rowId: lost.claim.row.id,
      attemptId: lost.attemptId,
      queueId: 'q-journal',
      downloadUrlEnc: null,
      requestId: 'ray-1',
      queuedAt: store.now(),
      nextActionAt: store.now() + 5_000,
    };
    expect(await store.applyPaidAnswer(answer)).toBe('applied');
    expect(await store.getRow(lost.claim.row.id)).toMatchObject({ state: 'queued', errorKind: null });
    expect(await store.getAttempt(lost.attemptId)).toMatchObject({ state: 'queued', queueId: 'q-journal', charged: true, requestId: 'ray-1' });
    expect(await store.applyPaidAnswer(answer)).toBe('already');

    // The other row: in doubt, the person re-sends it, then the first answer turns up.
    const second = await send(store, w.id, batchId);
    await store.releaseLease(second.claim.lease); // in doubt
    await store.transitionRow(second.claim.row.id, 'in_doubt', 'ready');
    const resent = await send(store, w.id, batchId);
    expect(resent.claim.row.id).toBe(second.claim.row.id);
    const outcome = await store.applyPaidAnswer({ ...answer, rowId: second.claim.row.id, attemptId: second.attemptId, queueId: 'q-old' });
    expect(outcome).toBe('superseded');
    expect(await store.getAttempt(second.attemptId)).toMatchObject({ queueId: 'q-old', charged: true, state: 'lost', errorKind: 'superseded' });
    expect((await store.getRow(second.claim.row.id))?.state).toBe('submitting'); // the re-sent attempt is untouched
  });

  it('lets a leaving worker hand its rows on by the same rules', async () => {
    const store = await fresh();
    const w = await store.registerWorker('test');
    const batchId = await addBatch(store, 2);
    const sent = await send(store, w.id, batchId);
    const { claimed } = await store.claimSubmissions(w.id, batchId, { limit: 1, maxInFlight: 10 });
    expect(claimed).toHaveLength(1);
    await store.unregisterWorker(w.id);
    expect((await store.getRow(sent.claim.row.id))?.state).toBe('in_doubt');
    expect((await store.getRow(claimed[0]!.row.id))?.state).toBe('ready');
    expect(await store.listLeases()).toEqual([]);
    expect((await store.listWorkers()).some((x) => x.id === w.id)).toBe(false);
  });

  it('changes a row only while nothing is paid and nobody holds it', async () => {
    const store = await fresh();
    const w = await store.registerWorker('test');
    const batchId = await addBatch(store, 2);
    const [r1, r2] = await store.listRows(batchId);
    await store.setRowParams(r2!.id, { ...r2!.params, prompt: 'better' });
    expect((await store.getRow(r2!.id))?.params.prompt).toBe('better');
    const { claimed } = await store.claimSubmissions(w.id, batchId, { limit: 1, maxInFlight: 10 });
    expect(claimed[0]?.row.id).toBe(r1!.id);
    await expect(store.setRowParams(r1!.id, { ...r1!.params, prompt: 'late' })).rejects.toThrow(/cannot be changed/);
    await store.setRowPosition(r2!.id, 0.5);
    expect((await store.listRows(batchId)).map((r) => r.id)).toEqual([r2!.id, r1!.id]);
  });

  it('keeps holds: one per open cause, pauses recorded with who paused, closed spans for the morning report', async () => {
    const store = await fresh();
    const batchId = await addBatch(store, 2);
    const t0 = store.now();
    const a = await store.holds.open({ scope: 'batch', batchId, cause: 'disk_full', message: 'full', auto: true, at: t0 });
    // Seen again while open: the same hold, its message updated.
    expect(await store.holds.open({ scope: 'batch', batchId, cause: 'disk_full', message: 'still full', auto: true, at: t0 + 5 })).toBe(a);
    const e = await store.holds.open({ scope: 'endpoint', baseUrl: 'http://venice.test', cause: 'offline', message: 'no net', auto: true, at: t0 + 10 });
    expect((await store.holds.openHolds()).map((h) => [h.id, h.cause, h.message, h.auto, h.endedAt])).toEqual([
      [a, 'disk_full', 'still full', true, null],
      [e, 'offline', 'no net', true, null],
    ]);
    await store.holds.close(a, t0 + 1_000);
    await store.holds.record({ scope: 'engine', cause: 'sleep', message: 'asleep', auto: true, from: t0 + 2_000, to: t0 + 3_000 });
    await store.setBatchStatus(batchId, 'paused', 'Budget reached', 'budget');
    const open = await store.holds.openHolds();
    expect(open.map((h) => [h.scope, h.cause, h.auto, h.batchId])).toEqual([
      ['endpoint', 'offline', true, null],
      ['batch', 'budget', false, batchId],
    ]);
    await store.setBatchStatus(batchId, 'active');
    expect((await store.holds.openHolds()).map((h) => h.cause)).toEqual(['offline']);
    const touching = await store.holds.touching(batchId, 'http://venice.test', t0, t0 + 10_000);
    expect(touching.map((h) => h.cause).sort()).toEqual(['budget', 'disk_full', 'offline', 'sleep']);
    expect(touching.find((h) => h.cause === 'disk_full')?.endedAt).toBe(t0 + 1_000);
    expect(await store.holds.touching(batchId, 'http://other.test', t0 + 4_000, t0 + 4_500)).toEqual([]);
  });

  it('remembers when a batch report was seen, wakes waiting rows, and names any row of a batch', async () => {
    const store = await fresh();
    const batchId = await addBatch(store, 3);
    expect(await store.reportSeenAt(batchId)).toBeNull();
    await store.markReportSeen(batchId, 1_234);
    expect(await store.reportSeenAt(batchId)).toBe(1_234);
    const [r1, r2, r3] = await store.listRows(batchId);
    expect((await store.anyRow(batchId))?.id).toBe(r1!.id);
    expect(await store.anyRow(batchId + 999)).toBeUndefined();
    const later = store.now() + 3_600_000;
    await store.patchRow(r1!.id, { nextActionAt: later });
    await store.patchRow(r2!.id, { nextActionAt: later });
    await store.transitionRow(r3!.id, 'ready', 'cancelled', { nextActionAt: later });
    const at = store.now();
    await store.wakeRows([batchId], at);
    const rows = await store.listRows(batchId);
    expect(rows[0]!.nextActionAt).toBe(at);
    expect(rows[1]!.nextActionAt).toBe(at);
    expect(rows[2]!.nextActionAt).toBe(later); // not a waiting state
    await store.wakeRows([]);
  });

  it('keeps the probe of each verified clip by its path', async () => {
    const store = await fresh();
    expect(await store.clipProbe('/clips/1.mp4')).toBeUndefined();
    const info = { durationSec: 5, sizeBytes: 1_000 } as unknown as Parameters<QueueStoreApi['saveClipProbe']>[1]['info'];
    await store.saveClipProbe('/clips/1.mp4', { size: 1_000, mtimeMs: 1_700_000_000_123.5, ino: 4_294_967_311, info });
    await store.saveClipProbe('/clips/1.mp4', { size: 1_001, mtimeMs: 1_700_000_000_123.5, ino: 4_294_967_311, info });
    expect(await store.clipProbe('/clips/1.mp4')).toEqual({ size: 1_001, mtimeMs: 1_700_000_000_123.5, ino: 4_294_967_311, info });
  });

  it('claims only rows of the batches asked for', async () => {
    const store = await fresh();
    const w = await store.registerWorker('test');
    const a = await addBatch(store, 1);
    const b = await addBatch(store, 1);
    const qa = await queued(store, w.id, a, 'q-a');
    const qb = await queued(store, w.id, b, 'q-b');
    await store.patchRow(qa.claim.row.id, { nextActionAt: due(store) });
    await store.patchRow(qb.claim.row.id, { nextActionAt: due(store) });
    expect((await store.claimPolls(w.id, { limit: 5, batchIds: [b] })).map((c) => c.row.id)).toEqual([qb.claim.row.id]);
    expect(await store.claimPolls(w.id, { limit: 5, batchIds: [] })).toEqual([]);
    expect((await store.claimPolls(w.id, { limit: 5 })).map((c) => c.row.id)).toEqual([qa.claim.row.id]);
  });

  it('brings a poll forward only while the row still waits for it, nobody holds it, and only ever earlier', async () => {
    const store = await fresh();
    const w = await store.registerWorker('test');
    const batchId = await addBatch(store, 4);
    const far = store.now() + 600_000;
    const soon = store.now() + 5_000;
    const rows: number[] = [];
    for (const q of ['q-1', 'q-2', 'q-3', 'q-4']) {
      const r = await queued(store, w.id, batchId, q);
      await store.patchRow(r.claim.row.id, { nextActionAt: far });
      rows.push(r.claim.row.id);
    }
    const [a, b, c, d] = rows as [number, number, number, number];
    // b was rescheduled since (a backoff after an error): it no longer waits for `far`.
    await store.patchRow(b, { nextActionAt: far + 1 });
    // c is being polled by a machine right now.
    await store.patchRow(c, { nextActionAt: due(store) });
    const [taken] = await store.claimPolls(w.id, { limit: 1, batchIds: [batchId] });
    expect(taken?.row.id).toBe(c);
    await store.patchRow(c, { nextActionAt: far }, { lease: taken!.lease });
    // d is being downloaded: no poll to move.
    await store.patchRow(d, { nextActionAt: due(store) });
    const [dl] = await store.claimPolls(w.id, { limit: 1, batchIds: [batchId] });
    await store.transitionRow(d, 'queued', 'downloading', { nextActionAt: far }, { lease: dl!.lease });

    const moved = await store.advancePolls([a, b, c, d].map((rowId) => ({ rowId, from: far, to: soon })));
    expect(moved).toEqual([a]);
    expect((await store.getRow(a))?.nextActionAt).toBe(soon);
    expect((await store.getRow(b))?.nextActionAt).toBe(far + 1);
    expect((await store.getRow(c))?.nextActionAt).toBe(far);
    expect((await store.getRow(d))?.nextActionAt).toBe(far);
    // Never later, and nothing to do is nothing done.
    expect(await store.advancePolls([{ rowId: a, from: soon, to: far }])).toEqual([]);
    expect((await store.getRow(a))?.nextActionAt).toBe(soon);
    expect(await store.advancePolls([])).toEqual([]);
  });

  it('keeps the editor timeline and music bed per batch', async () => {
    const store = await fresh();
    const batchId = await addBatch(store, 1);
    expect(await store.timelines.getTimeline(batchId)).toBeUndefined();
    const clips = [{ rowId: 1, inSec: 0.5, outSec: null, transitionIn: { kind: 'cut' as const } }];
    await store.timelines.saveTimeline(batchId, clips, [{ id: 'm1', at: 2, note: 'here' }]);
    expect(await store.timelines.getTimeline(batchId)).toMatchObject({ clips, markers: [{ id: 'm1', at: 2, note: 'here' }] });
    await store.timelines.setMusicFile(batchId, '/m/bed.mp3', 'bed.mp3', 61.5);
    await store.timelines.setMusicMix(batchId, 0.3, 2);
    expect(await store.timelines.getMusic(batchId)).toMatchObject({ filePath: '/m/bed.mp3', durationSec: 61.5, volume: 0.3, fadeOutSec: 2 });
    await store.timelines.clearMusic(batchId);
    expect(await store.timelines.getMusic(batchId)).toBeUndefined();
  });
});
