/**
 * Bench 2: wall time of a simulated batch at Venice's limits vs the ideal bound, and how many 429s it cost.
 *
 * The real engine (store, limiter, poll policy, client, verification with ffprobe) runs against the real simulator
 * over HTTP on 127.0.0.1, both with Venice's default limits: queue 40/min, retrieve 120/min, and the lockout rule.
 * Nothing is shrunk except the simulator's processing time, so the queue limit is the bottleneck, as it is for a
 * large overnight batch of short clips.
 */
import path from 'node:path';
import { Engine } from '../main/core/queue/engine';
import type { EngineClient, EngineEvent } from '../main/core/queue/engine-context';
import { VENICE_LIMITS } from '../main/core/queue/rate-limiter';
import { QueueStore } from '../main/core/queue/store';
import { DEFAULT_POLL_POLICY } from '../main/core/queue/timing';
import type { NewRow } from '../main/core/queue/types';
import { VeniceClient } from '../main/core/venice/client';
import { DEFAULT_LIMITS, startSimulator } from '../main/core/venice/simulator';
import { mulberry32 } from './prng';
import { maxInWindow } from './sliding-window';
import { fmt, type BenchRow } from './table';
import { detail, makeTempDir, removeTempDir } from './temp';

const MODEL = 'sim-fast-text-to-video';
const SIM_KEY = 'sim-key';
const WINDOW_MS = 60_000;

/**
 * The ideal bound: the finish time of a perfect scheduler that knows the limits and the processing time exactly.
 *   - Venice's queue window: at most Q requests in any 60 s, so request i can leave no earlier than
 *     send[i-Q] + 60 s (the window is sliding; request i-Q must have left it).
 *   - Concurrency: at most C jobs in flight, each holding its slot for processingMs (download and ffprobe of a
 *     1 s 480p clip take tens of ms and are counted as free, so the bound is slightly optimistic).
 *   - The retrieve limit never binds: a perfect poller needs one retrieve per job, i.e. at most Q/min < 120/min.
 * Sending greedily in row order is optimal for identical jobs, so
 *   send[i] = max(send[i-Q] + 60 s, earliest free slot),  ideal = max(send[i]) + processingMs.
 * Without the concurrency term this is floor((N-1)/Q) * 60 s + processingMs: 243 s for N=200, Q=40, P=3 s. With
 * C=20 the second 20 of each minute wait P for a slot, and the window carries that offset: 246 s (50 rows: 63 s).
 * The engine itself uses a 61 s window and a 5 s first poll by design, so its own best is about 250 s.
 */
export function idealWallMs(rows: number, queuePerMinute: number, concurrency: number, processingMs: number): number {
  const send: number[] = [];
  const slotFreeAt: number[] = Array.from({ length: concurrency }, () => 0);
  let end = 0;
  for (let i = 0; i < rows; i++) {
    slotFreeAt.sort((a, b) => a - b);
    const windowReady = i >= queuePerMinute ? (send[i - queuePerMinute] as number) + WINDOW_MS : 0;
    const t = Math.max(windowReady, slotFreeAt[0] as number);
    send.push(t);
    slotFreeAt[0] = t + processingMs;
    end = Math.max(end, t + processingMs);
  }
  return end;
}

export async function benchBatchWallTime(opts: { quick: boolean }): Promise<BenchRow[]> {
  // 200 rows need >= 4 min (the queue limit alone); the quick run does 50, which still crosses one window.
  const rows = opts.quick ? 50 : 200;
  const processingMs = 3_000;
  const concurrency = 20;
  const dir = makeTempDir('batch');
  const outDir = path.join(dir, 'clips');
  // Default limits on the simulator side too: 40 queue/min, 120 retrieve/min, >20 errors in 30 s locks for 30 s.
  const sim = await startSimulator({ processingMs, seed: 7, balanceUsd: 1_000 });
  const store = new QueueStore(path.join(dir, 'queue.sqlite'));
  const apiKey = async () => SIM_KEY;
  // Product default timeouts: the harness's short test timeouts could turn a slow answer into an "in doubt" row.
  const client = new VeniceClient({ baseUrl: sim.url, apiKey });
  const notices: string[] = [];
  // A pass-through that only counts /video/complete per job: a job completed twice gets a 404, which counts
  // toward Venice's lockout rule, so duplicates are worth seeing.
  const completesPerJob = new Map<string, number>();
  const engineClient: EngineClient = {
    queue: (...a) => client.queue(...a),
    retrieve: (...a) => client.retrieve(...a),
    quote: (...a) => client.quote(...a),
    downloadFromUrl: (...a) => client.downloadFromUrl(...a),
    complete: (req) => {
      completesPerJob.set(req.queue_id, (completesPerJob.get(req.queue_id) ?? 0) + 1);
      return client.complete(req);
    },
  };
  const engine = new Engine({
    store,
    connect: async () => ({ client: engineClient, apiKey }),
    limits: VENICE_LIMITS,
    pollPolicy: DEFAULT_POLL_POLICY,
    maxInFlight: concurrency,
    random: mulberry32(11),
    onEvent: (e: EngineEvent) => {
      if (e.type === 'notice' && e.level !== 'info') notices.push(`${e.level}: ${e.message}`);
    },
  });
  const batchRows: NewRow[] = Array.from({ length: rows }, (_, i) => ({
    rowIndex: i + 1,
    params: { model: MODEL, prompt: `Shot ${i + 1}: a lighthouse at dusk`, duration: '1s', resolution: '480p', audio: false },
    quoteUsd: 0.01,
  }));
  const batchId = store.createBatch(
    { name: 'bench', settings: { concurrency }, outputDir: outDir, nameTemplate: '{row}-{take}', budgetUsd: null, baseUrl: sim.url },
    batchRows,
  );
  const ideal = idealWallMs(rows, DEFAULT_LIMITS.queuePerMinute, concurrency, processingMs);
  detail(
    `${rows} rows of ${MODEL} 1s 480p audio=false; simulator processingMs ${processingMs}; engine maxInFlight ${concurrency}, ` +
      `batch concurrency ${concurrency}, poll floor ${fmt.s(DEFAULT_POLL_POLICY.floorMs, 0)}; ideal bound ${fmt.s(ideal)}`,
  );

  const t0 = Date.now();
  const progress = setInterval(() => {
    const c = store.countByState(batchId);
    const st = sim.stats();
    detail(
      `t=${fmt.s(Date.now() - t0, 0)}: done ${c.done ?? 0}, in flight ${(c.submitting ?? 0) + (c.queued ?? 0) + (c.processing ?? 0) + (c.downloading ?? 0) + (c.verifying ?? 0)}, ` +
        `ready ${c.ready ?? 0}; sim queue ${st.requests.queue}, retrieve ${st.requests.retrieve}, 429s ${st.rateLimited}; ` +
        `engine limiter: recent errors ${engine.localLimiterFor(sim.url)?.snapshot().recentErrors ?? '-'} (budget ${VENICE_LIMITS.errorBudget}), ` +
        `queue wait ${fmt.s(engine.localLimiterFor(sim.url)?.waitMs('queue') ?? 0)}`,
    );
  }, 10_000);
  let wallMs: number;
  try {
    await engine.start();
    // A stuck batch must not hang the bench: give up well past any plausible finish.
    const deadline = ideal * 2 + 120_000;
    let timer: NodeJS.Timeout | undefined;
    const settled = await Promise.race([
      engine.waitUntilSettled(batchId, 100).then(() => true),
      new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), deadline))),
    ]);
    clearTimeout(timer);
    wallMs = Date.now() - t0;
    if (!settled) throw new Error(`the batch did not settle within ${fmt.s(deadline, 0)}`);
  } finally {
    clearInterval(progress);
    await engine.stop().catch(() => undefined);
  }

  const counts = store.countByState(batchId);
  const stats = sim.stats();
  // The simulator's ledger stamps each charge when the queue request is handled: the server-side send times.
  const queueTimes = sim.ledger().filter((e) => e.kind === 'charge').map((e) => e.at);
  const log = store.db.prepare('SELECT at, route, ok FROM request_log').all() as Array<{ at: number; route: string; ok: number }>;
  const retrieveTimes = log.filter((r) => r.route === 'retrieve').map((r) => r.at);
  const polls = store.db
    .prepare('SELECT COALESCE(SUM(a.polls), 0) AS n FROM attempts a JOIN rows r ON r.id = a.row_id WHERE r.batch_id = ?')
    .get(batchId) as { n: number };
  const lastQueue = Math.max(...queueTimes) - t0;
  const retrievesPerJob = stats.requests.retrieve / rows;
  const http429 = stats.statusCounts['429'] ?? 0;
  store.close();
  await sim.close();
  removeTempDir(dir);

  detail(`rows by state: ${JSON.stringify(counts)}`);
  detail(`simulator requests: ${JSON.stringify(stats.requests)}; answers: ${JSON.stringify(stats.statusCounts)}`);
  detail(`429s from limits ${stats.rateLimited} (all 429 answers ${http429}), lockouts ${stats.lockouts}`);
  detail(
    `max queue requests in any 60 s window (server clock) ${maxInWindow(queueTimes, WINDOW_MS)} (limit ${DEFAULT_LIMITS.queuePerMinute}); ` +
      `max retrieve in any 60 s (engine log) ${maxInWindow(retrieveTimes, WINDOW_MS)} (limit ${DEFAULT_LIMITS.retrievePerMinute})`,
  );
  detail(
    `last queue request at ${fmt.s(lastQueue)}; wall ${fmt.s(wallMs)}; retrieve calls/job ${fmt.n(retrievesPerJob)} ` +
      `(PROCESSING polls/job ${fmt.n(Number(polls.n) / rows)}); complete calls ${stats.requests.complete}`,
  );
  const sends = [...queueTimes].sort((a, b) => a - b).map((t) => t - t0);
  const marks = [0, concurrency - 1, concurrency, DEFAULT_LIMITS.queuePerMinute - 1, DEFAULT_LIMITS.queuePerMinute, sends.length - 1];
  detail(
    `queue sends (server clock, from start): ${[...new Set(marks)].filter((i) => i < sends.length).map((i) => `#${i + 1} ${fmt.s(sends[i] as number)}`).join(', ')}`,
  );
  const failed = log.filter((r) => !r.ok).reduce<Record<string, number>>((m, r) => ({ ...m, [r.route]: (m[r.route] ?? 0) + 1 }), {});
  const dupes = [...completesPerJob.values()].filter((n) => n > 1).length;
  detail(
    `non-2xx answers by route (engine log): ${JSON.stringify(failed)}; jobs sent /video/complete more than once: ${dupes} of ${completesPerJob.size}`,
  );
  detail(`engine notices (warning/error): ${notices.length}${notices.length ? `; first: ${notices.slice(0, 3).join(' | ')}` : ''}`);
  const notDone = rows - (counts.done ?? 0);
  const scope = opts.quick ? `QUICK: ${rows} rows (full run: 200)` : `${rows} rows`;

  return [
    {
      name: 'batch: wall / ideal',
      measured: fmt.s(wallMs),
      baseline: fmt.s(ideal),
      ratio: wallMs / ideal,
      note: `${scope}; ${notDone ? `${notDone} rows NOT done; ` : 'all done; '}retrieve/job ${fmt.n(retrievesPerJob)}`,
    },
    {
      name: 'batch: 429s / lockouts',
      measured: `${http429} / ${stats.lockouts}`,
      baseline: 'goal 0 / 0',
      ratio: undefined,
      note: `${stats.rateLimited} refused by the simulator's limiter; ${scope}`,
    },
  ];
}
