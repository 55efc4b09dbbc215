/**
 * The batch engine against the simulator over real HTTP, with real ffmpeg renders, real ffprobe verification and a
 * real SQLite queue. Each test checks the money invariant: the ledger charges each row at most once unless the
 * user asked for another attempt.
 */
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { VeniceClient } from '../../main/core/venice/client';
import { Engine } from '../../main/core/queue/engine';
import { startHarness, until, type Harness } from '../support/engine-harness';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

function chargesByPrompt(hh: Harness): Map<string, number> {
  const m = new Map<string, number>();
  for (const e of hh.sim.ledger()) if (e.kind === 'charge') m.set(e.prompt, (m.get(e.prompt) ?? 0) + 1);
  return m;
}

function states(hh: Harness, batchId: number): string[] {
  return hh.store.listRows(batchId).map((r) => r.state);
}

describe('engine', () => {
  it('runs a batch to the end: every clip charged once, verified, named, and deleted from Venice', async () => {
    h = await startHarness();
    const batchId = h.addBatch([{ name: 'Opening' }, {}, {}, {}, { duration: '2s' }, {}], { concurrency: 3 });
    await h.engine.start();
    await h.engine.waitUntilSettled(batchId);
    expect(states(h, batchId)).toEqual(Array(6).fill('done'));
    expect([...chargesByPrompt(h).values()]).toEqual(Array(6).fill(1));
    const files = h.outputFiles().map((f) => f.name).sort();
    expect(files[0]).toBe('001-Opening-1.mp4');
    expect(files).toHaveLength(6);
    expect(files.every((n) => n.endsWith('.mp4') && !n.startsWith('.'))).toBe(true);
    expect(h.outputFiles().every((f) => f.bytes > 10_000)).toBe(true);
    // Venice is told to delete each clip once it is safe here: right after it is verified, or, while retrieve
    // calls are dear, in a later pass once the budget has room. Settled does not wait for that; the test does.
    const attempts = () => h!.store.listRows(batchId).map((r) => h!.store.getAttempt(r.currentAttemptId!));
    await until(() => attempts().every((a) => a?.remoteDeleted), 'every clip deleted from Venice', 20_000);
    for (const a of attempts()) expect(a).toMatchObject({ state: 'done', charged: true, remoteDeleted: true });
    expect(h.sim.jobs().every((j) => j.status === 'completed')).toBe(true);
    // Never more than the batch's concurrency in flight on Venice at once.
    expect(h.store.integrityCheck()).toBe('ok');
  });

  it('fetches clips of private models through the saved link, which is never stored in clear', async () => {
    h = await startHarness();
    const batchId = h.addBatch([{ model: 'sim-sora-2-private-text-to-video', duration: '4s', resolution: '480p', aspect_ratio: '16:9', audio: undefined }]);
    await h.engine.start();
    await h.engine.waitUntilSettled(batchId);
    const [row] = h.store.listRows(batchId);
    expect(row?.state, row?.errorMessage ?? '').toBe('done');
    const attempt = h.store.getAttempt(row!.currentAttemptId!);
    expect(attempt?.downloadUrlEnc).toMatch(/^v1:/);
    await h.engine.stop();
    h.store.db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
    const bytes = readFileSync(path.join(h.dir, 'queue.sqlite')).toString('latin1');
    // The pre-signed link lives under /_share/<token> on the simulator: neither path nor token is on disk.
    expect(bytes).not.toContain('/_share/');
  });

  it('marks a request whose answer was lost as in doubt and never sends it again on its own', async () => {
    h = await startHarness();
    h.sim.injectFault({ kind: 'charge_then_drop', route: 'queue', count: 1 });
    const batchId = h.addBatch([{}, {}, {}], { concurrency: 1 });
    await h.engine.start();
    await h.engine.waitUntilSettled(batchId);
    const rows = h.store.listRows(batchId);
    expect(rows.map((r) => r.state)).toEqual(['in_doubt', 'done', 'done']);
    expect(rows[0]?.errorMessage).toMatch(/may have charged for this clip/);
    // The lost request was charged by the simulator exactly once and not re-sent.
    expect([...chargesByPrompt(h).values()]).toEqual([1, 1, 1]);
    await h.engine.resolveInDoubt(rows[0]!.id, 'lost');
    expect(h.store.getRow(rows[0]!.id)?.state).toBe('failed');
  });

  it('pauses everything when the balance runs out and resumes after a top-up', async () => {
    h = await startHarness({ sim: { balanceUsd: 0.025 } });
    const batchId = h.addBatch([{}, {}, {}, {}], { concurrency: 1 });
    const pauses: string[] = [];
    h.engine.subscribe((e) => e.type === 'batch' && e.status === 'paused' && pauses.push(e.reason ?? ''));
    await h.engine.start();
    await until(() => h!.store.getBatch(batchId)?.status === 'paused', 'the batch to pause');
    expect(pauses[0]).toMatch(/balance/);
    await h.engine.waitUntilSettled(batchId);
    expect(states(h, batchId).filter((s) => s === 'done')).toHaveLength(2);
    h.sim.setBalance(10);
    await h.engine.resumeAll();
    await h.engine.waitUntilSettled(batchId);
    expect(states(h, batchId)).toEqual(Array(4).fill('done'));
    expect([...chargesByPrompt(h).values()]).toEqual(Array(4).fill(1));
  });

  it('says plainly when a paid clip expired, and shows the suggested prompt of a refused one', async () => {
    h = await startHarness();
    const batchId = h.addBatch([{}, {}], { concurrency: 2 });
    h.sim.injectFault({ kind: 'expired_404', route: 'retrieve', count: 1 });
    h.sim.injectFault({ kind: 'content_policy_422', route: 'retrieve', count: 1 });
    await h.engine.start();
    await h.engine.waitUntilSettled(batchId);
    const rows = h.store.listRows(batchId);
    const lost = rows.find((r) => r.errorKind === 'media_lost');
    const refused = rows.find((r) => r.errorKind === 'content_policy');
    expect(lost?.errorMessage).toMatch(/paid for but cannot be downloaded/);
    expect(refused?.state).toBe('failed');
    expect(refused?.suggestedPrompt).toBeTruthy();
  });

  it('keeps a silently moderated placeholder clip aside instead of calling it done', async () => {
    h = await startHarness();
    h.sim.injectFault({ kind: 'placeholder_clip', route: 'queue', count: 1 });
    const batchId = h.addBatch([{ duration: '3s' }]);
    await h.engine.start();
    await h.engine.waitUntilSettled(batchId);
    const [row] = h.store.listRows(batchId);
    expect(row).toMatchObject({ state: 'failed', errorKind: 'placeholder' });
    expect(row?.errorMessage).toMatch(/placeholder/);
    expect(row?.filePath && existsSync(row.filePath)).toBe(true);
    expect(h.outputFiles()).toHaveLength(0);
  });

  it('retries cut-off downloads and server errors while the clip is still on Venice', async () => {
    h = await startHarness();
    h.sim.injectFault({ kind: 'truncated_download', route: 'retrieve', count: 2 });
    h.sim.injectFault({ kind: 'server_500', route: 'retrieve', count: 2 });
    h.sim.injectFault({ kind: 'unavailable_503', route: 'retrieve', count: 1 });
    h.sim.injectFault({ kind: 'rate_limit_429', route: 'retrieve', count: 1 });
    h.sim.injectFault({ kind: 'malformed_json', route: 'retrieve', count: 1 });
    const batchId = h.addBatch([{}, {}], { concurrency: 2 });
    await h.engine.start();
    await h.engine.waitUntilSettled(batchId);
    expect(states(h, batchId)).toEqual(['done', 'done']);
    expect([...chargesByPrompt(h).values()]).toEqual([1, 1]);
    expect(readdirSync(h.outDir).filter((n) => n.includes('.part'))).toEqual([]);
  });

  it('re-attaches jobs after a restart without submitting anything again', async () => {
    h = await startHarness({ sim: { processingMs: 1_500 } });
    const batchId = h.addBatch([{}, {}, {}, {}], { concurrency: 4 });
    await h.engine.start();
    await until(() => h!.store.rowsInStates(['queued', 'processing'], batchId).length === 4, 'all four queued');
    await h.engine.stop();
    const second = new Engine({
      store: h.store,
      connect: async () => ({ client: h!.client, apiKey: async () => 'sim-key' }),
      pollPolicy: { floorMs: 150, ceilingMs: 1_000 },
      tickMs: 50,
    });
    const recovered = await second.start();
    expect(recovered.reattached).toBe(4);
    await second.waitUntilSettled(batchId);
    await second.stop();
    expect(states(h, batchId)).toEqual(Array(4).fill('done'));
    expect([...chargesByPrompt(h).values()]).toEqual(Array(4).fill(1));
  });

  it('stops submitting before the budget would be exceeded', async () => {
    h = await startHarness();
    const batchId = h.addBatch([{}, {}, {}, {}, {}], { concurrency: 5, budgetUsd: 0.03 });
    await h.engine.start();
    await h.engine.waitUntilSettled(batchId);
    const batch = h.store.getBatch(batchId);
    expect(batch?.status).toBe('paused');
    expect(batch?.pauseReason).toMatch(/Budget reached/);
    expect(states(h, batchId).filter((s) => s === 'done')).toHaveLength(3);
    expect(h.sim.ledger().filter((e) => e.kind === 'charge')).toHaveLength(3);
  });

  it('stops and asks for a key when Venice rejects it, sending nothing more', async () => {
    h = await startHarness();
    const batchId = h.addBatch([{}, {}]);
    const wrongKey = new Engine({
      store: h.store,
      connect: async () => ({ client: new VeniceClient({ baseUrl: h!.sim.url, apiKey: () => 'not-a-valid-key' }), apiKey: async () => 'not-a-valid-key' }),
      tickMs: 50,
    });
    await wrongKey.start();
    const batch = () => h!.store.getBatch(batchId)!;
    await until(() => wrongKey.waitingReason(batch()) !== null, 'the batch to wait for a key');
    await new Promise((r) => setTimeout(r, 500));
    await wrongKey.stop();
    // It waits for a key Venice accepts (and goes on by itself then), instead of a pause only a person can end.
    expect(wrongKey.waitingReason(batch())).toMatch(/refused the API key/);
    expect(h.store.holds.openHolds().map((x) => x.cause)).toEqual(['key']);
    expect(states(h, batchId)).toEqual(['ready', 'ready']);
    expect(h.sim.stats().requests.queue).toBe(1);
    expect(h.sim.ledger()).toHaveLength(0);
  });

  it('keeps within the batch concurrency, submits in the chosen order, and cancels only what is not paid', async () => {
    h = await startHarness({ sim: { processingMs: 800 } });
    const batchId = h.addBatch([{}, {}, {}, {}, {}, {}], { concurrency: 2 });
    const rows = h.store.listRows(batchId);
    // Move row 6 to the front.
    await h.engine.reorderRow(rows[5]!.id, 0);
    let maxInFlight = 0;
    const submittedOrder: number[] = [];
    h.engine.subscribe((e) => {
      if (e.type === 'row' && e.state === 'submitting') submittedOrder.push(h!.store.getRow(e.rowId)!.rowIndex);
      const n = h!.store.rowsInStates(['submitting', 'queued', 'processing', 'downloading', 'verifying'], batchId).length;
      maxInFlight = Math.max(maxInFlight, n);
    });
    await h.engine.start();
    await until(() => submittedOrder.length >= 2, 'two submissions');
    await h.engine.cancelBatch(batchId);
    await h.engine.waitUntilSettled(batchId);
    expect(submittedOrder.slice(0, 2)).toEqual([6, 1]);
    expect(maxInFlight).toBeLessThanOrEqual(2);
    const final = h.store.listRows(batchId);
    // The two already paid for finished and downloaded; the rest were never sent.
    expect(final.filter((r) => r.state === 'done').map((r) => r.rowIndex).sort()).toEqual([1, 6]);
    expect(final.filter((r) => r.state === 'cancelled')).toHaveLength(4);
    expect(h.sim.ledger().filter((e) => e.kind === 'charge')).toHaveLength(2);
  });
});

