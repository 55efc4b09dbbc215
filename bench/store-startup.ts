/**
 * Bench 4: how long the app takes to become ready on a big queue. Times opening the QueueStore (schema check) plus
 * Engine.start (engine lock, recovery in recover.ts, and the first scheduling pass, which runs before start()
 * returns) on a store holding 10,000 rows in mixed states, vs an empty store. Both databases are built once; each
 * trial starts from a fresh copy, because recovery changes the store (in-doubt rows, re-attached polls, pruning).
 */
import { closeSync, copyFileSync, existsSync, mkdirSync, openSync, rmSync } from 'node:fs';
import path from 'node:path';
import { Engine } from '../main/core/queue/engine';
import { recoverAfterStart } from '../main/core/queue/recover';
import { SqliteQueueStore } from '../main/core/queue/sqlite-adapter/store';
import { QueueStore } from '../main/core/queue/store';
import type { NewRow } from '../main/core/queue/types';
import { median } from './prng';
import { fmt, type BenchRow } from './table';
import { detail, makeTempDir, removeTempDir } from './temp';

const ROWS = 10_000;
/** Never contacted: the engine is stopped before it could poll, and connect() refuses anyway. */
const BASE_URL = 'http://127.0.0.1:9/api/v1';

/**
 * The state mix, by row id modulo 100: mostly finished work, some waiting, and some of every state recovery has
 * to handle (submitting -> in doubt, downloading/verifying -> polled again, queued/processing -> re-attached).
 */
const STATE_CASE = `CASE
  WHEN id % 100 < 60 THEN 'done'
  WHEN id % 100 < 68 THEN 'failed'
  WHEN id % 100 < 83 THEN 'ready'
  WHEN id % 100 < 86 THEN 'queued'
  WHEN id % 100 < 92 THEN 'processing'
  WHEN id % 100 < 93 THEN 'downloading'
  WHEN id % 100 < 94 THEN 'verifying'
  WHEN id % 100 < 95 THEN 'submitting'
  WHEN id % 100 < 96 THEN 'in_doubt'
  ELSE 'cancelled' END`;

/** Old request-log entries (an overnight run's queue, retrieve and complete calls), which start-up prunes. */
const OLD_REQUESTS = 30_000;

function buildTemplates(dir: string): { empty: string; big: string; outDir: string } {
  const outDir = path.join(dir, 'clips');
  mkdirSync(outDir, { recursive: true });
  const empty = path.join(dir, 'empty.sqlite');
  new QueueStore(empty).close();

  const big = path.join(dir, 'big.sqlite');
  const store = new QueueStore(big);
  const rows: NewRow[] = Array.from({ length: ROWS }, (_, i) => ({
    rowIndex: i + 1,
    name: `shot-${i + 1}`,
    params: {
      model: 'sim-fast-text-to-video',
      prompt: `Shot ${i + 1}: a lighthouse at dusk, waves breaking on the rocks, slow dolly in, golden light`,
      duration: '1s',
      resolution: '480p',
      audio: false,
    },
    extras: { scene: String(Math.floor(i / 10) + 1) },
    quoteUsd: 0.01,
  }));
  store.createBatch({ name: 'bench', settings: { concurrency: 4 }, outputDir: outDir, nameTemplate: '{row}-{take}', budgetUsd: null, baseUrl: BASE_URL }, rows);
  const now = Date.now();
  store.db.exec(`UPDATE rows SET state = ${STATE_CASE}`);
  // Every row past `ready` has an attempt (paid ones with a queue id), as the engine would have left it.
  store.db.exec(`
    INSERT INTO attempts (row_id, attempt_no, state, model, request_json, queue_id, quote_usd, charged, submitted_at,
                          queued_at, finished_at, avg_execution_ms, execution_ms, polls, bytes, file_path, remote_deleted)
    SELECT id, 1, state, 'sim-fast-text-to-video', params_json,
           CASE WHEN state IN ('submitting', 'in_doubt') THEN NULL ELSE 'q-' || id END, 0.01,
           CASE WHEN state IN ('submitting', 'in_doubt') THEN 0 ELSE 1 END, ${now - 3_600_000}, ${now - 3_500_000},
           CASE WHEN state IN ('done', 'failed') THEN ${now - 3_000_000} END, 4000, 3000, 3,
           CASE WHEN state = 'done' THEN 250000 END,
           CASE WHEN state = 'done' THEN '${outDir}/' || row_index || '-1.mp4' END,
           CASE WHEN state = 'done' THEN 1 ELSE 0 END
    FROM rows WHERE state NOT IN ('ready', 'cancelled')`);
  store.db.exec(`UPDATE rows SET current_attempt_id = (SELECT a.id FROM attempts a WHERE a.row_id = rows.id),
                   file_path = CASE WHEN state = 'done' THEN '${outDir}/' || row_index || '-1.mp4' END,
                   next_action_at = CASE WHEN state IN ('queued', 'processing') THEN ${now - 60_000} END`);
  // A few events per row, as a finished batch has (queued, downloading, done...).
  for (const kind of ['queued', 'downloading', 'done']) {
    store.db.exec(`INSERT INTO events (batch_id, row_id, at, kind, message, data_json)
                   SELECT batch_id, id, ${now - 3_000_000}, '${kind}', 'bench event', '{"bytes":250000}' FROM rows WHERE current_attempt_id IS NOT NULL`);
  }
  store.db.exec(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${OLD_REQUESTS})
                 INSERT INTO request_log (at, base_url, route, ok)
                 SELECT ${now - 86_400_000} + i, '${BASE_URL}', CASE i % 4 WHEN 0 THEN 'queue' WHEN 3 THEN 'complete' ELSE 'retrieve' END, 1 FROM n`);
  // The finished clips sit in the output folder, which recovery lists to sweep stray temp files.
  for (let i = 1; i <= ROWS; i++) if (i % 100 < 60) closeSync(openSync(path.join(outDir, `${i}-1.mp4`), 'w'));
  const counts = store.db.prepare('SELECT state, COUNT(*) AS n FROM rows GROUP BY state ORDER BY n DESC').all() as Array<{ state: string; n: number }>;
  detail(`10k store: ${counts.map((c) => `${c.state} ${c.n}`).join(', ')}; + attempts, 3 events/row, ${OLD_REQUESTS} old request-log entries, ${Math.round(ROWS * 0.6)} clip files`);
  store.close();
  if (existsSync(`${big}-wal`)) throw new Error('the template database was not checkpointed on close');
  return { empty, big, outDir };
}

interface Trial {
  openMs: number;
  startMs: number;
  totalMs: number;
  recovered: { inDoubt: number; reattached: number; resumed: number };
  connectCalls: number;
}

async function trial(template: string, dir: string): Promise<Trial> {
  const file = path.join(dir, 'trial.sqlite');
  copyFileSync(template, file);
  let connectCalls = 0;
  const t0 = performance.now();
  const store = new QueueStore(file);
  const t1 = performance.now();
  // The first scheduling pass finds jobs to poll and asks for a link; refusing it keeps the bench off the network
  // (the engine retries a failed link only 30 s later, long after this trial ends).
  const engine = new Engine({
    store,
    connect: async () => {
      connectCalls++;
      throw new Error('bench: no network');
    },
    onEvent: () => undefined,
  });
  const recovered = await engine.start();
  const t2 = performance.now();
  await engine.stop();
  store.close();
  for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
  return { openMs: t1 - t0, startMs: t2 - t1, totalMs: t2 - t0, recovered, connectCalls };
}

/** Recovery alone (the part of start() that walks the rows), to apportion start() between it and the rest. */
async function recoveryOnly(template: string, dir: string): Promise<number> {
  const file = path.join(dir, 'trial.sqlite');
  copyFileSync(template, file);
  const store = new QueueStore(file);
  const t0 = performance.now();
  // Recovery reads only the store, the clock and the output folders.
  const ctx: Parameters<typeof recoverAfterStart>[0] = { store: new SqliteQueueStore(store, file), now: Date.now };
  await recoverAfterStart(ctx, { leaseMs: 40_000 });
  const ms = performance.now() - t0;
  store.close();
  for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
  return ms;
}

export async function benchStoreStartup(opts: { quick: boolean }): Promise<BenchRow[]> {
  const dir = makeTempDir('store');
  try {
    const t0 = performance.now();
    const { empty, big } = buildTemplates(dir);
    detail(`templates built in ${fmt.s(performance.now() - t0, 2)}`);
    // One discarded warm-up of each (module and statement caches), then alternate so drift hits both alike.
    await trial(empty, dir);
    await trial(big, dir);
    // The empty store's start-up is a millisecond or two, so it takes more samples to steady the denominator.
    const rounds = opts.quick ? 3 : 9;
    const emptyPerRound = 3;
    const emptyRuns: Trial[] = [];
    const bigRuns: Trial[] = [];
    for (let i = 0; i < rounds; i++) {
      for (let k = 0; k < emptyPerRound; k++) emptyRuns.push(await trial(empty, dir));
      bigRuns.push(await trial(big, dir));
    }
    const med = (runs: Trial[], k: 'openMs' | 'startMs' | 'totalMs') => median(runs.map((r) => r[k]));
    for (const [label, runs] of [['empty', emptyRuns], ['10k  ', bigRuns]] as const) {
      const last = runs[runs.length - 1] as Trial;
      detail(
        `${label}: open ${fmt.ms(med(runs, 'openMs'))}, start ${fmt.ms(med(runs, 'startMs'))}, total ${fmt.ms(med(runs, 'totalMs'))} ` +
          `(median of ${runs.length}; min ${fmt.ms(Math.min(...runs.map((r) => r.totalMs)))}, max ${fmt.ms(Math.max(...runs.map((r) => r.totalMs)))}); ` +
          `recovered ${JSON.stringify(last.recovered)}, connect() called ${last.connectCalls}x`,
      );
    }
    const recoveryRuns: number[] = [];
    for (let i = 0; i < rounds; i++) recoveryRuns.push(await recoveryOnly(big, dir));
    detail(`10k: recoverAfterStart alone ${fmt.ms(median(recoveryRuns))} (median); the rest of start() is the lock and the first scheduling pass`);
    const e = med(emptyRuns, 'totalMs');
    const b = med(bigRuns, 'totalMs');
    return [
      {
        name: 'store: start-up 10k rows / empty',
        measured: fmt.ms(b),
        baseline: fmt.ms(e),
        ratio: b / e,
        note: `open + Engine.start (lock, recovery, first pass); medians of ${bigRuns.length} / ${emptyRuns.length}`,
      },
    ];
  } finally {
    removeTempDir(dir);
  }
}
