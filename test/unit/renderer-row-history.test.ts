/**
 * What the renderer is shown of a row's history (`rows:history`, main/core/services/row-history.ts): every
 * attempt with its cost, state, file and error and the row's log, and never an attempt's sealed download link,
 * its request body or its queue id, whatever the store holds.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { calls } from '../../main/contract';
import { SqliteQueueStore } from '../../main/core/queue/sqlite-adapter/store';
import { QueueStore } from '../../main/core/queue/store';
import { rowHistory } from '../../main/core/services/row-history';
import { rowViewOf } from '../../main/core/services/views';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function storeWithAttempt() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vb-history-'));
  dirs.push(dir);
  const store = new QueueStore(path.join(dir, 'queue.sqlite'));
  const batchId = store.createBatch(
    { name: 'b', settings: { concurrency: 1 }, outputDir: '/tmp/out', nameTemplate: '{row}', baseUrl: 'http://x' },
    [{ rowIndex: 1, params: { model: 'm', prompt: 'a harbour', duration: '5s' }, quoteUsd: 0.5, state: 'ready' }],
  );
  const row = store.listRows(batchId)[0]!;
  const attemptId = store.beginSubmit(row.id, 'm', '{"prompt":"SECRET-REQUEST"}', 0.5);
  store.patchAttempt(attemptId, {
    state: 'done',
    queueId: 'QUEUE-ID-123',
    downloadUrlEnc: 'SEALED-LINK',
    charged: true,
    avgExecutionMs: 90_000,
    executionMs: 80_000,
    filePath: '/tmp/out/001.mp4',
  });
  store.addEvent(batchId, row.id, 'saved', 'Saved 001.mp4 from https://x.example/clip.mp4?X-Amz-Signature=abc&token=zzz');
  return { store, api: new SqliteQueueStore(store, store.file), rowId: row.id };
}

describe('row history', () => {
  it('lists attempts and log lines through the contract, with no link, request or queue id', async () => {
    const { store, api, rowId } = storeWithAttempt();
    const out = calls['rows:history'].output.parse(await rowHistory(api, rowId));
    expect(out.attempts).toHaveLength(1);
    expect(out.attempts[0]).toMatchObject({ attemptNo: 1, state: 'done', quoteUsd: 0.5, charged: true, estimateMs: 90_000, runMs: 80_000, fileName: '001.mp4' });
    expect(out.events.map((e) => e.kind)).toContain('saved');
    const text = JSON.stringify(out);
    for (const secret of ['SEALED-LINK', 'SECRET-REQUEST', 'QUEUE-ID-123', 'X-Amz-Signature=abc', 'token=zzz']) expect(text).not.toContain(secret);
    store.close();
  });

  it("gives the row view Venice's estimate and the run time so far, for the ETA", async () => {
    const { store, api, rowId } = storeWithAttempt();
    const view = calls['batch:get'].output.shape.rows.element.parse(await rowViewOf(api, store.getRow(rowId)!));
    expect(view).toMatchObject({ estimateMs: 90_000, runMs: 80_000, attempts: 1 });
    store.close();
  });

  it('says plainly when the row does not exist', async () => {
    const { store, api } = storeWithAttempt();
    await expect(rowHistory(api, 999)).rejects.toThrow('There is no row 999.');
    store.close();
  });
});
