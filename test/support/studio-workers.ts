/**
 * A studio night in one test: one PostgreSQL (embedded, test/support/postgres.ts), one Venice simulator with its
 * ledger, one output folder, and several machines as real `venice-batch` processes, each with its own data folder:
 * an editor's `run` that adds the batch and follows it, and render boxes running `work`. Random render boxes are
 * SIGKILLed and started again (and the editor's `run` once, which must resume the same shared batch).
 *
 * It measures what the issue asks: every row done or explained, no double charge (the simulator's ledger), no 429
 * or lockout, each clip in the folder once, work shared among the machines, and the rows a dead machine held taken
 * over once its lease ran out (how long that took, per kill).
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { SCHEMA } from '../../main/core/queue/pg/schema';
import { startSimulator, type Simulator } from '../../main/core/venice/simulator';
import { seededRng } from '../../main/core/venice/simulator/random';
import { buildCli, runCli, startCli, type CliRun } from './cli-process';
import { startPostgres, type TestPostgres } from './postgres';

export interface StudioOptions {
  rows: number;
  kills: number;
  workers?: number;
  /** Lease length for every machine (short, so a dead machine's rows are taken over within seconds). */
  leaseMs?: number;
  seed?: number;
  log?: (line: string) => void;
}

export interface Takeover {
  /** Rows the killed machine held (by state when it died). */
  held: Record<string, number>;
  /** From the kill until no lease of the dead machine was left (taken over, or in doubt when it was sending). */
  ms: number;
}

export interface StudioResult {
  rows: number;
  kills: number;
  wallMs: number;
  /** Exit codes of the editor's `run` (the last one settles the batch). */
  runExit: number | null;
  runOutput: string;
  /** The restarted `run` said it resumed the batch rather than adding one. */
  runResumed: boolean;
  batches: number;
  states: Record<string, number>;
  /** Rows neither done nor failed/in doubt with a reason. */
  unexplained: string[];
  /** Prompts charged more than once by the simulator. */
  doubleCharges: string[];
  /** Charged queue ids that no attempt of the queue knows, while the row is not in doubt (a paid job lost). */
  lostPaid: string[];
  rateLimited: number;
  lockouts: number;
  /** The most queue calls (and retrieve calls) the simulator saw in any 60 s, all machines together. */
  maxQueuePerMinute: number;
  maxRetrievePerMinute: number;
  /** Clips in the output folder (not temp files), and names of temp/partial files left. */
  clipFiles: string[];
  leftovers: string[];
  /** Done rows whose file is missing, or two rows naming one file. */
  clipProblems: string[];
  /** Rows each machine reported done (machine = worker slot; the editor's `run` is "editor"). */
  doneBy: Record<string, number>;
  takeovers: Takeover[];
  /** `work` stopped by SIGTERM: exit codes, and leases still held after they all stopped. */
  termExits: Array<number | null>;
  leasesAfterTerm: number;
  /** A last `work --until-idle`: its exit code and output. */
  idleExit: number | null;
  idleOutput: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function query<T>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  // The queue lives in its own schema (pg/schema.ts).
  const c = new pg.Client({ connectionString: url, options: `-c search_path=${SCHEMA}` });
  await c.connect();
  try {
    return (await c.query(sql, params)).rows as T[];
  } finally {
    await c.end();
  }
}

/** Leases held by the workers a process registered (matched by pid: one machine here, one pid per process). */
async function leasesOf(url: string, pid: number): Promise<Array<{ id: string; state: string; owner: string }>> {
  return query(url, `SELECT r.id, r.state, r.lease_owner AS owner FROM rows r JOIN workers w ON w.id = r.lease_owner WHERE w.pid = $1 AND r.lease_token IS NOT NULL`, [pid]);
}

async function leasesOwnedBy(url: string, owners: string[]): Promise<number> {
  if (!owners.length) return 0;
  const [r] = await query<{ n: string }>(url, 'SELECT count(*) AS n FROM rows WHERE lease_owner = ANY($1) AND lease_token IS NOT NULL', [owners]);
  return Number(r?.n ?? 0);
}

/** Rows a process's output says it finished ("batch 1 row id 17: done", work-command.ts). */
function doneRows(output: string): Set<string> {
  return new Set([...output.matchAll(/^batch \d+ row id (\d+): done$/gm)].map((m) => m[1]!));
}

/** The most instants in any window of 60 s (a sliding window, as Venice counts). */
function busiestMinute(times: number[]): number {
  const t = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; i < t.length; i++) {
    while (t[i]! - t[j]! >= 60_000) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

export async function runStudio(opts: StudioOptions): Promise<StudioResult> {
  const log = opts.log ?? (() => undefined);
  const random = seededRng(opts.seed ?? 17);
  const leaseMs = opts.leaseMs ?? 3_000;
  const workerCount = opts.workers ?? 3;
  await buildCli();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vb-studio-'));
  let postgres: TestPostgres | undefined;
  let sim: Simulator | undefined;
  const procs = new Set<CliRun>();
  const started = Date.now();
  try {
    postgres = await startPostgres();
    const url = await postgres.newDatabase('studio');
    // Answers take a while and clips trickle in, as over a real network: kills land mid-request and mid-download.
    sim = await startSimulator({ processingMs: 2_000, seed: opts.seed ?? 17, answerDelayMs: 200, clipBytesPerSecond: 300_000 });
    const sheet = path.join(dir, 'shots.csv');
    const outDir = path.join(dir, 'share', 'clips');
    const lines = ['prompt,duration,resolution,audio,name'];
    for (let i = 1; i <= opts.rows; i++) lines.push(`"Studio shot ${i}, a lighthouse in fog",1s,480p,no,shot ${i}`);
    writeFileSync(sheet, lines.join('\n'));
    const envFor = (machine: string): NodeJS.ProcessEnv => ({
      ...(process.env.VENICE_BATCH_STUDIO_DEBUG ? { VENICE_BATCH_DEBUG: '1' } : {}),
      VENICE_BATCH_DATA: path.join(dir, `data-${machine}`),
      VENICE_BATCH_DB: url,
      VENICE_BASE_URL: sim!.url,
      VENICE_API_KEY: 'sim-key',
      VENICE_BATCH_POLL_FLOOR_MS: '1000',
      VENICE_BATCH_HOLD_CHECK_MS: '1000',
      VENICE_BATCH_LEASE_MS: String(leaseMs),
      // Fewer clips at once than Venice allows: four processes verify clips with ffprobe on the test machine's cores.
      VENICE_BATCH_MAX_IN_FLIGHT: '12',
    });
    const outputs = new Map<string, string[]>();
    const start = async (machine: string, args: string[]) => {
      const run = await startCli(args, envFor(machine));
      procs.add(run);
      log(`${machine} started: pid ${run.child.pid}`);
      void run.exited.then(() => {
        procs.delete(run);
        outputs.set(machine, [...(outputs.get(machine) ?? []), run.output()]);
      });
      return run;
    };
    const runArgs = ['run', sheet, '--out', outDir, '--yes', '--model', 'sim-fast-text-to-video', '--concurrency', '20'];

    // The editor adds the batch; the render boxes join as soon as it is on the queue.
    let editor = await start('editor', runArgs);
    const addedBy = Date.now() + 60_000;
    while (!/Batch \d+:/.test(editor.output()) && editor.child.exitCode === null && Date.now() < addedBy) await sleep(50);
    if (!/Batch \d+:/.test(editor.output())) throw new Error(`run did not add the batch:\n${editor.output()}`);
    log(`batch added after ${((Date.now() - started) / 1000).toFixed(1)} s`);
    const workers: CliRun[] = [];
    for (let i = 0; i < workerCount; i++) workers.push(await start(`box${i + 1}`, ['work']));

    let kills = 0;
    let editorKilled = false;
    let runResumed = false;
    const takeovers: Takeover[] = [];
    const pending: Promise<void>[] = [];
    while (kills < opts.kills && editor.child.exitCode === null) {
      await sleep(2_500 + random() * 3_000);
      if (editor.child.exitCode !== null) break;
      // Halfway, the editor's own machine dies too: its `run` is started again and must resume the same batch.
      if (!editorKilled && kills >= opts.kills / 2) {
        editorKilled = true;
        editor.child.kill('SIGKILL');
        await editor.exited;
        log('editor killed');
        await sleep(500);
        editor = await start('editor', runArgs);
        continue;
      }
      // A machine that holds rows, when one does: the kill must leave work for the others to take over.
      const order = workers.map((w, i) => i).sort(() => random() - 0.5);
      let slot = order[0]!;
      let held: Array<{ id: string; state: string; owner: string }> = [];
      for (const i of order) {
        const l = await leasesOf(url, workers[i]!.child.pid!);
        if (l.length) {
          slot = i;
          held = l;
          break;
        }
      }
      const victim = workers[slot]!;
      victim.child.kill('SIGKILL');
      const killedAt = Date.now();
      await victim.exited;
      kills++;
      const owners = [...new Set(held.map((h) => h.owner))];
      const byState: Record<string, number> = {};
      for (const h of held) byState[h.state] = (byState[h.state] ?? 0) + 1;
      log(`kill ${kills}: box${slot + 1} holding ${JSON.stringify(byState)}`);
      // Watch, apart from the kill loop, how long the dead machine's leases outlive it.
      pending.push(
        (async () => {
          while ((await leasesOwnedBy(url, owners)) > 0 && Date.now() - killedAt < 60_000) await sleep(100);
          takeovers.push({ held: byState, ms: Date.now() - killedAt });
        })(),
      );
      await sleep(300 + random() * 1_500);
      workers[slot] = await start(`box${slot + 1}`, ['work']);
    }
    log(`${kills} kills after ${((Date.now() - started) / 1000).toFixed(0)} s; waiting for the editor's run`);
    const timeout = setTimeout(() => editor.child.kill('SIGKILL'), Math.max(600_000, opts.rows * 6_000));
    // Where the rows stand every 10 s (for a run that seems slow: which state they wait in).
    const progress = setInterval(() => {
      // A held row shows as state@pid: which machine holds it.
      void query<{ state: string; n: string }>(
        url,
        `SELECT r.state || COALESCE('@' || w.pid, CASE WHEN r.lease_token IS NULL THEN '' ELSE '@gone' END) AS state, count(*) AS n
         FROM rows r LEFT JOIN workers w ON w.id = r.lease_owner GROUP BY 1 ORDER BY 1`,
      ).then(
        (rs) => log(`${((Date.now() - started) / 1000).toFixed(0)} s: ${rs.map((x) => `${x.state} ${x.n}`).join(', ')}; sim ${JSON.stringify(sim!.stats().requests)}`),
        () => undefined,
      );
    }, 10_000);
    const runExit = await editor.exited;
    clearTimeout(timeout);
    clearInterval(progress);
    await Promise.all(pending);
    const runOutput = (outputs.get('editor') ?? []).join('\n----\n') || editor.output();
    runResumed = /Resuming batch 1 /.test(editor.output());
    log(`run exited ${runExit} after ${((Date.now() - started) / 1000).toFixed(0)} s`);

    // The render boxes are stopped as a person would: SIGTERM, work under way ends, leases go back.
    for (const w of workers) w.child.kill('SIGTERM');
    const termExits = await Promise.all(workers.map((w) => w.exited));
    const [leftLeases] = await query<{ n: string }>(url, 'SELECT count(*) AS n FROM rows WHERE lease_token IS NOT NULL');
    // A last render box with --until-idle: it sweeps what killed machines left in the folder and says what waits.
    const idle = await runCli(['work', '--until-idle'], envFor('box-idle'), 120_000);

    const batches = await query<{ id: string }>(url, 'SELECT id FROM batches');
    const rows = await query<{ id: string; row_index: number; state: string; error_message: string | null; file_path: string | null }>(
      url,
      'SELECT id, row_index, state, error_message, file_path FROM rows ORDER BY id',
    );
    const attempts = await query<{ queue_id: string | null }>(url, 'SELECT queue_id FROM attempts');
    const states: Record<string, number> = {};
    for (const r of rows) states[r.state] = (states[r.state] ?? 0) + 1;
    const unexplained = rows
      .filter((r) => !(r.state === 'done' || ((r.state === 'failed' || r.state === 'in_doubt') && r.error_message)))
      .map((r) => `row ${r.row_index}: ${r.state}`);

    const ledger = sim.ledger();
    const refunded = new Set(ledger.filter((e) => e.kind === 'refund').map((e) => e.queueId));
    const perPrompt = new Map<string, number>();
    for (const e of ledger) if (e.kind === 'charge' && !refunded.has(e.queueId)) perPrompt.set(e.prompt, (perPrompt.get(e.prompt) ?? 0) + 1);
    const doubleCharges = [...perPrompt].filter(([, n]) => n > 1).map(([p, n]) => `${p}: ${n}`);
    const known = new Set(attempts.map((a) => a.queue_id).filter(Boolean));
    const inDoubtPrompts = new Set(rows.filter((r) => r.state === 'in_doubt').map((r) => `Studio shot ${r.row_index}, a lighthouse in fog`));
    const lostPaid = ledger
      .filter((e) => e.kind === 'charge' && !refunded.has(e.queueId) && !known.has(e.queueId) && !inDoubtPrompts.has(e.prompt))
      .map((e) => `${e.prompt} (${e.queueId})`);

    const files = existsSync(outDir) ? readdirSync(outDir) : [];
    const clipFiles = files.filter((f) => f.endsWith('.mp4') && !f.startsWith('.'));
    const leftovers = files.filter((f) => f.startsWith('.') || f.includes('.part'));
    const clipProblems: string[] = [];
    const named = new Map<string, number>();
    for (const r of rows.filter((x) => x.state === 'done')) {
      const base = r.file_path ? path.basename(r.file_path) : '';
      if (!base || !clipFiles.includes(base)) clipProblems.push(`row ${r.row_index}: clip ${base || '(none)'} missing`);
      named.set(base, (named.get(base) ?? 0) + 1);
    }
    for (const [name, n] of named) if (n > 1) clipProblems.push(`${name} named by ${n} rows`);
    if (clipFiles.length !== named.size) clipProblems.push(`${clipFiles.length} clips in the folder for ${named.size} done rows`);

    const doneBy: Record<string, number> = {};
    for (const [machine, outs] of outputs) doneBy[machine] = doneRows(outs.join('\n')).size;
    doneBy['box-idle'] = doneRows(idle.output).size;

    const stats = sim.stats();
    const exchanges = sim.exchanges();
    if (process.env.VENICE_BATCH_STUDIO_DEBUG) {
      for (const [m, outs] of outputs) log(`---- ${m}\n${outs.join('\n----\n').slice(-6000)}`);
      const events = await query<{ kind: string; message: string; n: string }>(url, 'SELECT kind, left(message, 160) AS message, count(*) AS n FROM events GROUP BY 1, 2 ORDER BY 3 DESC LIMIT 40');
      log(`---- events\n${events.map((e) => `${e.n} ${e.kind}: ${e.message}`).join('\n')}`);
    }
    return {
      rows: opts.rows,
      kills,
      wallMs: Date.now() - started,
      runExit,
      runOutput,
      runResumed,
      batches: batches.length,
      states,
      unexplained,
      doubleCharges,
      lostPaid,
      rateLimited: stats.rateLimited,
      lockouts: stats.lockouts,
      maxQueuePerMinute: busiestMinute(exchanges.filter((e) => e.route === 'queue').map((e) => e.at)),
      maxRetrievePerMinute: busiestMinute(exchanges.filter((e) => e.route === 'retrieve').map((e) => e.at)),
      clipFiles,
      leftovers,
      clipProblems,
      doneBy,
      takeovers,
      termExits,
      leasesAfterTerm: Number(leftLeases?.n ?? 0),
      idleExit: idle.code,
      idleOutput: idle.output,
    };
  } finally {
    for (const p of procs) p.child.kill('SIGKILL');
    await sim?.close();
    await postgres?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

export function describeStudio(r: StudioResult): string {
  const t = r.takeovers.map((x) => (x.ms / 1000).toFixed(1)).join(', ');
  return (
    `studio: ${r.kills} kills over ${r.rows} rows in ${(r.wallMs / 1000).toFixed(0)} s; states ${JSON.stringify(r.states)}; ` +
    `done by ${JSON.stringify(r.doneBy)}; dead machines' leases gone after [${t}] s; double charges ${r.doubleCharges.length}, ` +
    `lost paid ${r.lostPaid.length}, 429s ${r.rateLimited}, lockouts ${r.lockouts}, busiest minute ${r.maxQueuePerMinute} queue / ${r.maxRetrievePerMinute} retrieve calls; clips ${r.clipFiles.length}, leftovers ${r.leftovers.length}; ` +
    `run exit ${r.runExit} (resumed: ${r.runResumed}), batches ${r.batches}; SIGTERM exits ${JSON.stringify(r.termExits)}, leases after ${r.leasesAfterTerm}; ` +
    `until-idle exit ${r.idleExit}`
  );
}
