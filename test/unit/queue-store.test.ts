import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../main/core/queue/migrations';
import { schemaVersion } from '../../main/core/queue/db';
import { acquireEngineLock, EngineBusyError } from '../../main/core/queue/engine-lock';
import { SqliteQueueStore } from '../../main/core/queue/sqlite-adapter/store';
import { QueueStore } from '../../main/core/queue/store';
import { resolveInDoubt, retryRows } from '../../main/core/queue/user-actions';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function freshStore(): { store: QueueStore; file: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vb-store-'));
  dirs.push(dir);
  const file = path.join(dir, 'queue.sqlite');
  return { store: new QueueStore(file), file };
}

/** The user's decisions go through the store interface (the same on the studio queue). */
const asApi = (store: QueueStore) => new SqliteQueueStore(store, store.file);

function addBatch(store: QueueStore, rows = 3): number {
  return store.createBatch(
    { name: 'b', settings: { concurrency: 2 }, outputDir: '/tmp/out', nameTemplate: '{row}', baseUrl: 'http://x' },
    Array.from({ length: rows }, (_, i) => ({ rowIndex: i + 1, params: { model: 'm', prompt: `p${i}`, duration: '5s' }, quoteUsd: 0.5 })),
  );
}

describe('QueueStore', () => {
  it('creates the schema with WAL and a version, and reopens without migrating twice', () => {
    const { store, file } = freshStore();
    expect(schemaVersion(store.db)).toBe(MIGRATIONS.length);
    expect((store.db.prepare('PRAGMA journal_mode').get() as { journal_mode: string }).journal_mode).toBe('wal');
    addBatch(store);
    store.close();
    const again = new QueueStore(file);
    expect(again.listBatches()).toHaveLength(1);
    expect(again.integrityCheck()).toBe('ok');
  });

  it('refuses a queue written by a newer version, saying what to do', () => {
    const { store, file } = freshStore();
    store.db.exec(`PRAGMA user_version = ${MIGRATIONS.length + 5}`);
    store.close();
    expect(() => new QueueStore(file)).toThrow(/newer version of Venice Batch/);
  });

  it('records a submission durably and keeps every attempt as history', async () => {
    const { store } = freshStore();
    const batchId = addBatch(store, 1);
    const [row] = store.listRows(batchId);
    const a1 = store.beginSubmit(row!.id, 'm', '{}', 0.5);
    expect(store.getRow(row!.id)).toMatchObject({ state: 'submitting', currentAttemptId: a1 });
    store.tx(() => {
      store.patchAttempt(a1, { state: 'failed', errorKind: 'content_policy' });
      store.transitionRow(row!.id, 'submitting', 'failed', { errorKind: 'content_policy', errorMessage: 'no' });
    });
    expect(await retryRows(asApi(store), [row!.id], Date.now())).toEqual({ refetch: 0, resubmit: 1 });
    const a2 = store.beginSubmit(row!.id, 'm', '{}', 0.5);
    expect(store.listAttempts(row!.id).map((a) => [a.id, a.attemptNo])).toEqual([
      [a1, 1],
      [a2, 2],
    ]);
  });

  it('refuses illegal transitions and lost races', () => {
    const { store } = freshStore();
    const batchId = addBatch(store, 1);
    const [row] = store.listRows(batchId);
    expect(() => store.transitionRow(row!.id, 'ready', 'done')).toThrow(/cannot go from ready to done/);
    expect(() => store.transitionRow(row!.id, 'failed', 'ready')).toThrow(/was not in state failed/);
  });

  it('moves an in-doubt row only on the user decision', async () => {
    const { store } = freshStore();
    const batchId = addBatch(store, 2);
    const [r1, r2] = store.listRows(batchId);
    for (const r of [r1!, r2!]) {
      store.beginSubmit(r.id, 'm', '{}', 0.5);
      store.transitionRow(r.id, 'submitting', 'in_doubt');
    }
    expect(() => store.transitionRow(r1!.id, 'in_doubt', 'submitting')).toThrow();
    await resolveInDoubt(asApi(store), r1!.id, 'resubmit');
    await resolveInDoubt(asApi(store), r2!.id, 'lost');
    expect(store.getRow(r1!.id)?.state).toBe('ready');
    expect(store.getRow(r2!.id)).toMatchObject({ state: 'failed', errorKind: 'marked_lost' });
    expect(store.getAttempt(store.getRow(r2!.id)!.currentAttemptId!)?.state).toBe('lost');
  });

  it('adds up confirmed and in-doubt spend', () => {
    const { store } = freshStore();
    const batchId = addBatch(store, 3);
    const [r1, r2] = store.listRows(batchId);
    const a1 = store.beginSubmit(r1!.id, 'm', '{}', 0.5);
    store.patchAttempt(a1, { charged: true, state: 'queued' });
    const a2 = store.beginSubmit(r2!.id, 'm', '{}', 0.75);
    store.patchAttempt(a2, { state: 'in_doubt' });
    expect(store.spend(batchId)).toEqual({ chargedUsd: 0.5, inDoubtUsd: 0.75 });
  });

  it('lets one engine own a data folder, and takes over from a dead one', () => {
    const { store, file } = freshStore();
    const release = acquireEngineLock(store.db, 'app');
    const other = new QueueStore(file);
    // Same process: pretend another live owner holds it by writing our parent's pid (alive).
    other.db.prepare('UPDATE engine_lock SET pid = ? WHERE id = 1').run(process.ppid);
    expect(() => acquireEngineLock(store.db, 'cli')).toThrow(EngineBusyError);
    // A pid that cannot be alive: taken over.
    other.db.prepare('UPDATE engine_lock SET pid = ? WHERE id = 1').run(2 ** 22 + 12345);
    const release2 = acquireEngineLock(store.db, 'cli');
    release2();
    release();
    expect(other.db.prepare('SELECT COUNT(*) AS n FROM engine_lock').get()).toEqual({ n: 0 });
  });

  it('changes a row\'s parameters only while no paid job depends on them', () => {
    const { store } = freshStore();
    const batchId = addBatch(store, 1);
    const [row] = store.listRows(batchId);
    store.setRowParams(row!.id, { ...row!.params, prompt: 'softer prompt' });
    expect(store.getRow(row!.id)?.params.prompt).toBe('softer prompt');
    const a = store.beginSubmit(row!.id, 'm', '{}', 0.5);
    store.patchAttempt(a, { state: 'queued', charged: true });
    store.transitionRow(row!.id, 'submitting', 'queued');
    expect(() => store.setRowParams(row!.id, { ...row!.params, prompt: 'changed after paying' })).toThrow(/cannot be changed/);
  });
});

