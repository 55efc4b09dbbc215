/**
 * `venice-batch studio import` on a real local queue made by real `run`s against the simulator (one batch finished
 * with a timeline, one killed with a row in doubt and two paid jobs still processing on Venice), moved into a real
 * PostgreSQL. Then another machine (its own data folder) on the shared queue finishes the paid jobs: the simulator's
 * ledger shows no second charge, and the row in doubt waits for a person.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountIdFor } from '../../main/core/queue/account-limiter';
import { PgQueueStore } from '../../main/core/queue/pg/pg-store';
import { SCHEMA } from '../../main/core/queue/pg/schema';
import { QueueStore } from '../../main/core/queue/store';
import { TimelineStore } from '../../main/core/queue/timeline-store';
import { PaidJournal } from '../../main/core/queue/paid-journal';
import { SqliteQueueStore } from '../../main/core/queue/sqlite-adapter/store';
import { importLocalQueue } from '../../main/core/queue/studio-import';
import { addBatch } from '../support/store-under-test';
import { startSimulator, type Simulator } from '../../main/core/venice/simulator';
import { buildCli, runCli, startCli } from '../support/cli-process';
import { startPostgres, type TestPostgres } from '../support/postgres';

let server: TestPostgres;
let sim: Simulator;
let dir: string;

beforeAll(async () => {
  await buildCli();
  server = await startPostgres();
  // Long enough that a job queued just before the kill is still processing on Venice when the import runs.
  sim = await startSimulator({ processingMs: 15_000, seed: 17 });
  dir = mkdtempSync(path.join(os.tmpdir(), 'vb-studio-import-'));
}, 180_000);
afterAll(async () => {
  await sim?.close();
  await server?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function sql(url: string, text: string, values: unknown[] = []): Promise<Array<Record<string, unknown>>> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(text, values)).rows;
  } finally {
    await c.end();
  }
}

const count = async (url: string, table: string) => Number((await sql(url, `SELECT COUNT(*) AS n FROM ${SCHEMA}.${table}`))[0]!.n);

const charges = (prompt: string) => sim.ledger().filter((e) => e.kind === 'charge' && e.prompt === prompt).length;

async function until(what: string, ok: () => boolean, ms = 30_000, detail: () => string = () => ''): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}: ${detail()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('venice-batch studio import', () => {
  it('moves a local queue once, keeping every paid queue id; a worker on the shared queue finishes it without paying twice', async () => {
    const url = await server.newDatabase('import');
    const data = path.join(dir, 'editor-data');
    const out = path.join(dir, 'clips');
    const local = { VENICE_BATCH_DATA: data, VENICE_BASE_URL: sim.url, VENICE_API_KEY: 'sim-key', VENICE_BATCH_DB: '' };
    const studio = { ...local, VENICE_BATCH_DB: url };
    const common = ['--yes', '--model', 'sim-fast-text-to-video', '--audio', 'no', '--concurrency', '3'];

    // 1. A batch that finished on this machine, cut on a timeline.
    const first = path.join(dir, 'finished.csv');
    writeFileSync(first, 'prompt,duration\n"Harbour at dawn",1s\n');
    const done = await runCli(['run', first, '--out', path.join(out, 'finished'), ...common], local);
    expect(done.code, done.output).toBe(0);
    const store = new QueueStore(path.join(data, 'queue.sqlite'));
    const doneRow = store.listRows(1)[0]!;
    new TimelineStore(store.db).saveTimeline(1, [{ rowId: doneRow.id, inSec: 0.2, outSec: null, transitionIn: { kind: 'cut' } }], [{ id: 'm1', at: 0.5, note: 'gulls' }]);
    store.close();

    // 2. A batch killed mid-way: row 1 charged but its answer lost (in doubt), rows 2 and 3 paid and processing.
    const second = path.join(dir, 'night.csv');
    writeFileSync(second, 'prompt,duration\n"Answer lost",1s\n"Paid and processing",1s\n"Also paid",1s\n');
    const nightOut = path.join(out, 'night');
    sim.injectFault({ kind: 'charge_then_drop', route: 'queue' });
    const queuesBefore = sim.stats().requests.queue;
    const run = await startCli(['run', second, '--out', nightOut, ...common], local);
    await until('three paid jobs', () => charges('Paid and processing') + charges('Also paid') + charges('Answer lost') === 3, 30_000, () =>
      `${JSON.stringify(sim.stats().requests)} ${JSON.stringify(sim.ledger().map((e) => e.prompt))}\n${run.output()}`);

    // While the local engine holds its queue, the import refuses and moves nothing.
    const refused = await runCli(['studio', 'import'], studio);
    expect(refused.code, refused.output).toBe(2);
    expect(refused.output).toMatch(/in use by .*run.*Nothing was moved/);
    expect(await count(url, 'batches')).toBe(0);

    run.child.kill('SIGKILL');
    await run.exited;
    const onVenice = sim.jobs().filter((j) => j.status === 'processing').map((j) => j.prompt);
    expect(onVenice).toEqual(expect.arrayContaining(['Also paid', 'Paid and processing']));
    const localQueueIds = new QueueStore(path.join(data, 'queue.sqlite'));
    const paidIds = localQueueIds.listRows(2).map((r) => (r.currentAttemptId ? localQueueIds.getAttempt(r.currentAttemptId)?.queueId : null));
    expect(localQueueIds.listRows(2).map((r) => r.state)).toEqual(['in_doubt', 'queued', 'queued']);
    expect(sim.stats().requests.queue).toBe(queuesBefore + 3);
    localQueueIds.close();

    // 3. The import: both batches, the paid queue ids, the timeline; the password never printed.
    const moved = await runCli(['studio', 'import'], studio);
    expect(moved.code, moved.output).toBe(0);
    expect(moved.output).toMatch(/moved: local batch 1 .* -> studio batch \d+: 1 row, 1 done, 1 paid job kept with its queue id, its timeline/);
    expect(moved.output).toMatch(/moved: local batch 2 .*: 3 rows, 0 done, 2 paid jobs kept .*2 still on Venice.*1 in doubt/);
    expect(moved.output).toMatch(/set aside as .*queue\.moved-to-studio-.*\.sqlite/);
    // The last minute of this machine's calls now counts against the account's shared window (by the key's hash).
    expect(moved.output).toMatch(/\d+ calls to Venice in the last minute now counted by the studio's shared limits/);
    const slots = await sql(url, `SELECT COUNT(*) AS n FROM ${SCHEMA}.venice_calls WHERE account = $1 AND route = 'queue' AND kind = 'slot'`, [accountIdFor(sim.url, 'sim-key')]);
    expect(Number(slots[0]!.n)).toBeGreaterThanOrEqual(4);
    expect(moved.output).not.toContain('venice-batch-test'); // the test server's password
    expect(existsSync(path.join(data, 'queue.sqlite'))).toBe(false);
    const backup = readdirSync(data).find((f) => /^queue\.moved-to-studio-.*\.sqlite$/.test(f))!;
    // The set-aside copy's batches were paused before the studio's commit: had the machine died before setting the
    // file aside, its own engine still would not have sent those rows.
    const aside = new QueueStore(path.join(data, backup));
    expect(aside.listBatches().map((b) => [b.status, b.pauseReason])).toEqual([
      ['paused', expect.stringMatching(/Being moved into the studio queue: run `venice-batch studio import` again/)],
      ['paused', expect.stringMatching(/Being moved into the studio queue/)],
    ]);
    aside.close();

    const shared = await PgQueueStore.open(url);
    try {
      const batches = await shared.listBatches();
      expect(batches.map((b) => b.name)).toHaveLength(2);
      const night = batches.find((b) => b.outputDir === nightOut)!;
      // In the studio each batch keeps the status it had before the move.
      expect(batches.map((b) => b.status)).toEqual(['active', 'active']);
      const rows = await shared.listRows(night.id);
      expect(rows.map((r) => r.state)).toEqual(['in_doubt', 'queued', 'queued']);
      expect(rows[0]!.errorMessage).toMatch(/Venice may have charged for this clip/);
      const sharedIds = await Promise.all(rows.map(async (r) => (r.currentAttemptId ? ((await shared.getAttempt(r.currentAttemptId))?.queueId ?? null) : null)));
      expect(sharedIds).toEqual(paidIds);
      const finished = batches.find((b) => b.outputDir === path.join(out, 'finished'))!;
      const finishedRow = (await shared.listRows(finished.id))[0]!;
      const timeline = await shared.timelines.getTimeline(finished.id);
      expect(timeline?.clips).toEqual([{ rowId: finishedRow.id, inSec: 0.2, outSec: null, transitionIn: { kind: 'cut' } }]);
      expect(timeline?.markers).toEqual([{ id: 'm1', at: 0.5, note: 'gulls' }]);
    } finally {
      await shared.close();
    }

    // 4. Again: nothing left locally. And had the machine stopped before setting its file aside, a second import
    //    finds every batch already there and copies nothing.
    const again = await runCli(['studio', 'import'], studio);
    expect(again.code, again.output).toBe(0);
    expect(again.output).toMatch(/Nothing to move: .* holds no batch\. Earlier moves are kept as queue\.moved-to-studio-/);
    copyFileSync(path.join(data, backup), path.join(data, 'queue.sqlite'));
    const rowsBefore = await count(url, 'rows');
    const repeat = await runCli(['studio', 'import'], studio);
    expect(repeat.code, repeat.output).toBe(0);
    expect(repeat.output).toMatch(/already there: local batch 1 .*not copied again/);
    expect(repeat.output).toMatch(/already there: local batch 2 /);
    expect(repeat.output).not.toMatch(/moved: /);
    expect(await count(url, 'batches')).toBe(2);
    expect(await count(url, 'rows')).toBe(rowsBefore);

    // A copy of the same queue from another place is refused whole (its paid queue ids are already in the studio),
    // and its batches are left as they were.
    const elsewhere = path.join(dir, 'copied-data');
    mkdirSync(elsewhere);
    copyFileSync(path.join(data, backup), path.join(elsewhere, 'queue.sqlite'));
    const conflict = await runCli(['studio', 'import'], { ...studio, VENICE_BATCH_DATA: elsewhere });
    expect(conflict.code, conflict.output).toBe(2);
    expect(conflict.output).toMatch(/Paid job \S+ is already in the studio queue \(batch \d+\).*Nothing was moved/);
    expect(existsSync(path.join(elsewhere, 'queue.sqlite'))).toBe(true);
    expect(await count(url, 'rows')).toBe(rowsBefore);

    // 5. Another machine on the shared queue runs the same sheet: it resumes the moved batch, fetches both paid
    //    clips by their queue ids, sends nothing again, and leaves the row in doubt for a person (exit 1).
    const render = { ...studio, VENICE_BATCH_DATA: path.join(dir, 'render-box-data') };
    const queuesAtImport = sim.stats().requests.queue;
    const finish = await runCli(['run', second, '--out', nightOut, ...common], render, 120_000);
    expect(finish.code, finish.output).toBe(1);
    expect(finish.output).toMatch(/row 1 in doubt/);
    expect(sim.stats().requests.queue).toBe(queuesAtImport);
    expect(charges('Paid and processing')).toBe(1);
    expect(charges('Also paid')).toBe(1);
    expect(charges('Answer lost')).toBe(1);
    expect(readdirSync(nightOut).filter((f) => f.endsWith('.mp4'))).toHaveLength(2);
    expect(await count(url, 'batches')).toBe(2);
  }, 240_000);

  it('a row cut off mid-request arrives in doubt, and a paid answer only in the journal arrives with its queue id', async () => {
    const url = await server.newDatabase('journal');
    const data = path.join(dir, 'journal-data');
    const file = path.join(data, 'queue.sqlite');
    const local = new QueueStore(file);
    const batchId = await addBatch(new SqliteQueueStore(local, file), 3);
    const [cut, journalled] = local.listRows(batchId);
    local.beginSubmit(cut!.id, 'm', '{}', 0.5); // the engine died with this request out
    const attemptId = local.beginSubmit(journalled!.id, 'm', '{}', 0.5);
    // Venice answered, the journal kept it, the machine died before the queue took it.
    new PaidJournal(path.join(data, 'paid-journal.jsonl')).record(`Local queue ${file}`, {
      rowId: journalled!.id,
      attemptId,
      queueId: 'q-only-in-journal',
      downloadUrlEnc: null,
      requestId: null,
      queuedAt: Date.now(),
      nextActionAt: Date.now(),
    });
    local.close();

    const report = await importLocalQueue({ dataDir: data, url });
    expect(report.journalApplied).toBe(1);
    expect(report.moved).toHaveLength(1);
    expect(report.moved[0]).toMatchObject({ rows: 3, paidJobs: 1, onVenice: 1, inDoubt: 1 });
    expect(new PaidJournal(path.join(data, 'paid-journal.jsonl')).pending()).toEqual([]);

    const shared = await PgQueueStore.open(url);
    try {
      const rows = await shared.listRows(report.moved[0]!.batchId);
      expect(rows.map((r) => r.state)).toEqual(['in_doubt', 'queued', 'ready']);
      const cutAttempt = await shared.getAttempt(rows[0]!.currentAttemptId!);
      expect(cutAttempt).toMatchObject({ state: 'in_doubt', queueId: null, errorKind: 'interrupted' });
      expect((await shared.getAttempt(rows[1]!.currentAttemptId!))?.queueId).toBe('q-only-in-journal');
      expect((await shared.rowEvents(rows[0]!.id)).map((e) => e.kind)).toContain('in_doubt');
      // Nothing is held, and the paid job is due for a poll now: the first worker to come picks it up.
      expect(await shared.listLeases()).toEqual([]);
      expect(rows[1]!.nextActionAt ?? 0).toBeLessThanOrEqual(shared.now());
    } finally {
      await shared.close();
    }
  }, 60_000);

  it('says what to set when VENICE_BATCH_DB is missing, and refuses an unknown studio command', async () => {
    const env = { VENICE_BATCH_DATA: path.join(dir, 'no-db-data'), VENICE_API_KEY: 'sim-key', VENICE_BATCH_DB: '' };
    const missing = await runCli(['studio', 'import'], env);
    expect(missing.code).toBe(2);
    expect(missing.output).toMatch(/Set VENICE_BATCH_DB=postgres:\/\/user:password@host:5432\/database to the studio queue first/);
    const unknown = await runCli(['studio', 'export'], { ...env, VENICE_BATCH_DB: await server.newDatabase('unknown') });
    expect(unknown.code).toBe(2);
    expect(unknown.output).toMatch(/Unknown studio command "export": use `venice-batch studio import`/);
  }, 60_000);

  it('a refused move leaves the local batches as they were (active, or paused by the person)', async () => {
    const url = await server.newDatabase('restore');
    const paidQueue = async (data: string, status: 'active' | 'paused') => {
      const file = path.join(data, 'queue.sqlite');
      const local = new QueueStore(file);
      const batchId = await addBatch(new SqliteQueueStore(local, file), 1);
      const row = local.listRows(batchId)[0]!;
      const attemptId = local.beginSubmit(row.id, 'm', '{}', 0.5);
      local.patchAttempt(attemptId, { state: 'queued', queueId: 'q-same-job', charged: true });
      local.transitionRow(row.id, 'submitting', 'queued');
      if (status === 'paused') local.setBatchStatus(batchId, 'paused', 'Paused by you');
      local.close();
      return file;
    };
    await paidQueue(path.join(dir, 'restore-first'), 'active');
    await importLocalQueue({ dataDir: path.join(dir, 'restore-first'), url });
    const second = await paidQueue(path.join(dir, 'restore-second'), 'paused');
    await expect(importLocalQueue({ dataDir: path.join(dir, 'restore-second'), url })).rejects.toThrow(/Paid job q-same-job is already in the studio queue/);
    const left = new QueueStore(second);
    expect(left.listBatches().map((b) => [b.status, b.pauseReason])).toEqual([['paused', 'Paused by you']]);
    left.close();
    const third = await paidQueue(path.join(dir, 'restore-third'), 'active');
    await expect(importLocalQueue({ dataDir: path.join(dir, 'restore-third'), url })).rejects.toThrow(/already in the studio queue/);
    const active = new QueueStore(third);
    expect(active.listBatches().map((b) => [b.status, b.pauseReason])).toEqual([['active', null]]);
    active.close();
  }, 60_000);
});
