/**
 * A paid answer kept in this machine's journal for a row the queue no longer has (its batch was deleted meanwhile)
 * must not stop the engine: it used to make `start` fail at every launch and keep every later paid answer unwritten.
 * Real engine, real SQLite queue, the simulator over HTTP.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PaidJournal } from '../../main/core/queue/paid-journal';
import type { PaidAnswer } from '../../main/core/queue/store-api';
import { startHarness, type Harness } from '../support/engine-harness';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const answer = (rowId: number, attemptId: number, queueId: string): PaidAnswer => ({
  rowId,
  attemptId,
  queueId,
  downloadUrlEnc: null,
  requestId: null,
  queuedAt: Date.now(),
  nextActionAt: Date.now() + 60_000,
});

describe('engine start with a journal entry the queue can never take', () => {
  it('starts, writes the paid answers after it, and says where the orphan answer is kept', async () => {
    const notices: string[] = [];
    h = await startHarness({ engine: { onEvent: (e) => void (e.type === 'notice' && notices.push(e.message)) } });
    // The engine's own journal: next to the local queue's file.
    const journalFile = path.join(h.dir, 'paid-journal.jsonl');
    // A row sent whose answer never reached the queue (the database write was lost): it waits in `submitting`.
    const queue = h.engine.queue;
    const batchId = h.addBatch([{}]);
    const w = await queue.registerWorker('test');
    const { claimed } = await queue.claimSubmissions(w.id, batchId, { limit: 1, maxInFlight: 10 });
    const rowId = claimed[0]!.row.id;
    const attemptId = await queue.beginSubmit({ lease: claimed[0]!.lease }, 'm', '{}', 0.01);
    await queue.unregisterWorker(w.id);

    const journal = new PaidJournal(journalFile);
    journal.record(queue.describe(), answer(rowId + 500, attemptId + 500, 'q-batch-deleted'));
    journal.record(queue.describe(), answer(rowId, attemptId, 'q-kept'));

    await h.engine.start();
    expect(await queue.getAttempt(attemptId)).toMatchObject({ queueId: 'q-kept', charged: true });
    expect(journal.pending()).toEqual([]);
    const warning = notices.find((m) => m.includes('q-batch-deleted'));
    expect(warning).toContain(journal.setAsideFile);
    expect(readFileSync(journal.setAsideFile, 'utf8')).toContain('q-batch-deleted');
  });
});
