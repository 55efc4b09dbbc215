/**
 * The local journal of paid answers, against real stores: an answer the database could not take is kept on disk
 * and written (once) when the database is back, on the local SQLite queue and on the studio PostgreSQL.
 */
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PaidJournal } from '../../main/core/queue/paid-journal';
import type { PaidAnswer, QueueStoreApi } from '../../main/core/queue/store-api';
import { addBatch, postgresKind, sqliteKind } from '../support/store-under-test';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
function journalFile(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vb-journal-'));
  dirs.push(dir);
  return path.join(dir, 'data', 'paid-journal.jsonl');
}

const answer = (rowId: number, attemptId: number, queueId: string): PaidAnswer => ({
  rowId,
  attemptId,
  queueId,
  downloadUrlEnc: 'v1:sealed',
  requestId: null,
  queuedAt: Date.now(),
  nextActionAt: Date.now() + 5_000,
});

/** A row sent and left `submitting` with its answer nowhere but in our hands, as after a lost database write. */
async function paidButUnwritten(store: QueueStoreApi): Promise<{ rowId: number; attemptId: number }> {
  const w = await store.registerWorker('test');
  const batchId = await addBatch(store, 1);
  const { claimed } = await store.claimSubmissions(w.id, batchId, { limit: 1, maxInFlight: 10 });
  const attemptId = await store.beginSubmit({ lease: claimed[0]!.lease }, 'm', '{}', 0.5);
  return { rowId: claimed[0]!.row.id, attemptId };
}

describe('PaidJournal', () => {
  it('keeps what it recorded across instances, skips a torn last line, and keeps other queues apart', () => {
    const file = journalFile();
    const j = new PaidJournal(file);
    expect(j.pending()).toEqual([]);
    j.record('queue A', answer(1, 1, 'q-1'));
    j.record('queue B', answer(2, 2, 'q-2'));
    appendFileSync(file, '{"v":1,"queue":"queue A","answer":{"rowId":3,'); // a crash mid-append
    const again = new PaidJournal(file);
    expect(again.pending().map((e) => e.answer.queueId)).toEqual(['q-1', 'q-2']);
    expect(again.pending('queue A').map((e) => e.answer.queueId)).toEqual(['q-1']);
    expect(readFileSync(file, 'utf8')).not.toMatch(/https?:/);
  });
});

describe.each([sqliteKind(), postgresKind()])('PaidJournal on the $name queue', (kind) => {
  beforeAll(() => kind.setup(), 120_000);
  afterAll(() => kind.teardown());

  it('writes a kept answer when the queue is back, once, and drops it from the journal', async () => {
    const store = await kind.open();
    const paid = await paidButUnwritten(store);
    const j = new PaidJournal(journalFile());
    j.record(store.describe(), answer(paid.rowId, paid.attemptId, 'q-kept'));
    j.record('another studio', answer(99, 99, 'q-other'));

    const first = await j.replay(store.describe(), (a) => store.applyPaidAnswer(a));
    expect(first).toEqual({ applied: 1, already: 0, superseded: 0, left: 0, setAside: [] });
    expect(await store.getRow(paid.rowId)).toMatchObject({ state: 'queued' });
    expect(await store.getAttempt(paid.attemptId)).toMatchObject({ queueId: 'q-kept', charged: true, downloadUrlEnc: 'v1:sealed' });
    expect(j.pending().map((e) => e.queue)).toEqual(['another studio']);
    expect(await j.replay(store.describe(), (a) => store.applyPaidAnswer(a))).toEqual({ applied: 0, already: 0, superseded: 0, left: 0, setAside: [] });
    await store.close();
  });

  it('sets aside an answer whose row the queue no longer has, keeps its job id on disk, and still writes the ones after it', async () => {
    const store = await kind.open();
    const gone = await paidButUnwritten(store);
    const later = await paidButUnwritten(store);
    const file = journalFile();
    const j = new PaidJournal(file);
    const queue = store.describe();
    j.record(queue, answer(gone.rowId + 10_000, gone.attemptId + 10_000, 'q-batch-deleted'));
    j.record(queue, answer(later.rowId, later.attemptId, 'q-later'));

    const r = await j.replay(queue, (x) => store.applyPaidAnswer(x));
    expect(r).toMatchObject({ applied: 1, left: 0 });
    expect(r.error).toBeUndefined();
    expect(r.setAside.map((a) => a.queueId)).toEqual(['q-batch-deleted']);
    expect(await store.getAttempt(later.attemptId)).toMatchObject({ queueId: 'q-later', charged: true });
    expect(j.pending(queue)).toEqual([]);
    // The paid job's id is kept, with why, in a file of its own; replaying again does not repeat it.
    const kept = readFileSync(j.setAsideFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { answer: PaidAnswer; reason: string });
    expect(kept).toHaveLength(1);
    expect(kept[0]).toMatchObject({ answer: { queueId: 'q-batch-deleted' }, reason: expect.stringContaining('not in this queue') as unknown });
    expect((await j.replay(queue, (x) => store.applyPaidAnswer(x))).setAside).toEqual([]);
    await store.close();
  });

  it('keeps every entry while the queue cannot be reached, and an answer already in the queue is simply dropped', async () => {
    const store = await kind.open();
    const a = await paidButUnwritten(store);
    const b = await paidButUnwritten(store);
    const j = new PaidJournal(journalFile());
    const queue = store.describe();
    j.record(queue, answer(a.rowId, a.attemptId, 'q-a'));
    j.record(queue, answer(b.rowId, b.attemptId, 'q-b'));
    // The engine's normal path: journal first, then the store, which took this one.
    expect(await store.applyPaidAnswer(answer(a.rowId, a.attemptId, 'q-a'))).toBe('applied');
    await store.close(); // the database goes away

    const down = await j.replay(queue, (x) => store.applyPaidAnswer(x));
    expect(down.left).toBe(2);
    expect(down.error).toBeInstanceOf(Error);
    expect(j.pending(queue)).toHaveLength(2);

    const back = await kind.reopenLast();
    const up = await j.replay(queue, (x) => back.applyPaidAnswer(x));
    expect(up).toEqual({ applied: 1, already: 1, superseded: 0, left: 0, setAside: [] });
    expect((await back.getRow(b.rowId))?.state).toBe('queued');
    await back.close();
  });
});
