/**
 * The gauntlet: a Rehearsal-sized batch run by the real `venice-batch` CLI against the simulator over real HTTP,
 * SIGKILLed at random moments while the machine and Venice misbehave (a full disk, the output folder unplugged,
 * the process frozen as in a sleep, the network down, the key revoked, a 503 storm, random per-request faults).
 * A person plays the user between runs: rows in doubt are re-sent knowingly, as the app lets them be.
 *
 * Afterwards it measures what must never happen: a double charge, a paid clip lost, a partial file in the output
 * folder, a row neither done nor explained, more than one row in doubt per kill. And it proves from the simulator's
 * journal that kills really landed mid-request and mid-download.
 *
 * Adding a fault is one entry in FAULTS.
 */
import { existsSync, mkdtempSync, readdirSync, readlinkSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { probeMedia } from '../../main/core/media/probe';
import { tempClipPath } from '../../main/core/queue/engine-context';
import { startSimulator, type FaultKind, type Simulator } from '../../main/core/venice/simulator';
import { seededRng } from '../../main/core/venice/simulator/random';
import { buildCli, runCli, startCli, type CliRun } from './cli-process';

/** What a fault can reach while it acts. */
export interface GauntletWorld {
  sim: Simulator;
  outDir: string;
  dbFile: string;
  /** The CLI process running right now, if any. */
  current: () => CliRun | undefined;
  random: () => number;
}

export interface GauntletFault {
  name: string;
  /** Starts the fault; resolves to the function that ends it early (every fault also ends by itself). */
  start: (w: GauntletWorld) => Promise<() => Promise<void>> | (() => Promise<void>);
}

const nothing = async () => undefined;

/**
 * A fault the simulator inflicts on the next `count` requests, whatever they are and whenever they come (a window
 * of time could fall between two runs of the CLI and strike nothing; the machine-fault tests cover the windows).
 */
function simFault(name: string, kind: FaultKind, count: number): GauntletFault {
  return {
    name,
    start: (w) => {
      w.sim.injectFault({ kind, count });
      return nothing;
    },
  };
}

/** The highest attempt id so far: the next downloads will be of attempts around it. */
function maxAttemptId(dbFile: string): number {
  if (!existsSync(dbFile)) return 0;
  const db = openDb(dbFile);
  try {
    return Number((db.prepare('SELECT COALESCE(MAX(id), 0) AS n FROM attempts').get() as { n: number }).n);
  } finally {
    db.close();
  }
}

export const FAULTS: GauntletFault[] = [
  // The disk is full: every clip write answers ENOSPC (the kernel's /dev/full) for a few seconds.
  {
    name: 'disk full',
    start: (w) => {
      let on = true;
      const ids = () => {
        const top = maxAttemptId(w.dbFile);
        return Array.from({ length: 12 }, (_, i) => Math.max(1, top - 8 + i));
      };
      const tick = setInterval(() => {
        if (!on || !existsSync(w.outDir)) return;
        for (const id of ids()) {
          const temp = tempClipPath(w.outDir, id);
          try {
            if (!existsSync(temp)) symlinkSync('/dev/full', temp);
          } catch {
            /* raced with the engine or the folder: next tick */
          }
        }
      }, 50);
      const end = async () => {
        if (!on) return;
        on = false;
        clearInterval(tick);
        // Only the fake "full disk" links go; a real temp file of an attempt is the engine's business.
        for (const id of ids()) {
          const temp = tempClipPath(w.outDir, id);
          try {
            if (readlinkSafe(temp) === '/dev/full') rmSync(temp, { force: true });
          } catch {
            /* gone already */
          }
        }
      };
      setTimeout(() => void end(), 3_000);
      return end;
    },
  },
  // The drive holding the output folder is unplugged, then plugged back in.
  {
    name: 'output folder unplugged',
    start: (w) => {
      const away = `${w.outDir}-unplugged`;
      if (!existsSync(w.outDir) || existsSync(away)) return nothing;
      renameSync(w.outDir, away);
      let back = false;
      const end = async () => {
        if (back) return;
        back = true;
        renameSync(away, w.outDir);
      };
      setTimeout(() => void end(), 2_500);
      return end;
    },
  },
  // The laptop sleeps: the process stands still (its connections die under it), then wakes.
  {
    name: 'asleep',
    start: (w) => {
      const run = w.current();
      if (!run?.child.pid || run.child.exitCode !== null) return nothing;
      run.child.kill('SIGSTOP');
      let awake = false;
      const end = async () => {
        if (awake) return;
        awake = true;
        run.child.kill('SIGCONT');
      };
      setTimeout(() => void end(), 2_000);
      return end;
    },
  },
  // The network is down for a while: the server refuses connections and resets open ones.
  { name: 'network down', start: (w) => (w.sim.injectFault({ kind: 'network_down', forMs: 2_500 }), nothing) },
  simFault('key revoked', 'unauthorized_401', 6),
  simFault('503 storm', 'unavailable_503', 10),
];

function totalRequests(sim: Simulator): number {
  return Object.values(sim.stats().requests).reduce((a, b) => a + b, 0);
}

function readlinkSafe(p: string): string | undefined {
  try {
    return readlinkSync(p);
  } catch {
    return undefined;
  }
}

/** Per-request faults rolled at small rates all along: answers lost, cut short, refused. */
const RANDOM_FAULTS: Partial<Record<FaultKind, number>> = {
  rate_limit_429: 0.01,
  server_500: 0.01,
  truncated_download: 0.02,
  malformed_json: 0.005,
  charge_then_drop: 0.005,
};

export interface GauntletOptions {
  rows: number;
  kills: number;
  seed?: number;
  concurrency?: number;
  faults?: GauntletFault[];
  /** Chance, at each start of the CLI, that a fault starts too. */
  faultChance?: number;
  log?: (line: string) => void;
}

export interface GauntletResult {
  rows: number;
  kills: number;
  done: number;
  /** Rows that ended failed, each with a reason the user is given. */
  explained: number;
  unexplained: string[];
  doubleCharges: number;
  lostPaidClips: string[];
  partialFiles: string[];
  /** Rows left `submitting` by a kill (each becomes in doubt on restart): the worst single kill. */
  maxInDoubtPerKill: number;
  inDoubtFromKills: number;
  /** In-doubt rows the user chose to send again (their extra charges are the only allowed ones). */
  resubmitted: number;
  killedMidRequest: number;
  killedMidDownload: number;
  faultsStarted: Record<string, number>;
  faultsFired: Record<string, number>;
  wallMs: number;
}

/** Read-write on purpose: after a SIGKILL the first reader must be able to recover the WAL. Only SELECTs are run. */
function openDb(file: string): DatabaseSync {
  return new DatabaseSync(file, { timeout: 5_000 });
}

export async function runGauntlet(opts: GauntletOptions): Promise<GauntletResult> {
  const log = opts.log ?? (() => undefined);
  const random = seededRng(opts.seed ?? 2026);
  const faults = opts.faults ?? FAULTS;
  await buildCli();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vb-gauntlet-'));
  // Answers take a while and clips trickle in, as over a real network: kills land mid-request and mid-download.
  const sim = await startSimulator({ processingMs: 1_500, seed: opts.seed ?? 2026, answerDelayMs: 400, clipBytesPerSecond: 120_000, faultRates: RANDOM_FAULTS });
  const started = Date.now();
  try {
    const sheet = path.join(dir, 'shots.csv');
    const outDir = path.join(dir, 'clips');
    const dataDir = path.join(dir, 'data');
    const dbFile = path.join(dataDir, 'queue.sqlite');
    const lines = ['prompt,duration,resolution,audio,name'];
    for (let i = 1; i <= opts.rows; i++) lines.push(`"Gauntlet shot ${i}, a harbour at dawn",1s,480p,no,shot ${i}`);
    writeFileSync(sheet, lines.join('\n'));
    // Shorter waits than against the real API (the behaviour is the same, the night is shorter).
    const env = { VENICE_BATCH_DATA: dataDir, VENICE_BASE_URL: sim.url, VENICE_API_KEY: 'sim-key', VENICE_BATCH_POLL_FLOOR_MS: '400', VENICE_BATCH_HOLD_CHECK_MS: '1000', VENICE_BATCH_DEBUG: '1' };
    const args = ['run', sheet, '--out', outDir, '--yes', '--model', 'sim-fast-text-to-video', '--concurrency', String(opts.concurrency ?? 6)];
    let current: CliRun | undefined;
    const world: GauntletWorld = { sim, outDir, dbFile, current: () => current, random };
    const active: Array<() => Promise<void>> = [];
    const faultsStarted: Record<string, number> = {};
    let next = 0;
    let kills = 0;
    let maxInDoubtPerKill = 0;
    let inDoubtFromKills = 0;
    let resubmitted = 0;
    const resubmitsOf = new Map<number, number>();

    /** Attempts a kill left `submitting` (each becomes in doubt at the next start); each counts once. */
    const leftInDoubt = new Set<number>();
    const newlySubmitting = () => {
      if (!existsSync(dbFile)) return 0;
      const db = openDb(dbFile);
      try {
        const ids = (db.prepare("SELECT current_attempt_id AS id FROM rows WHERE state = 'submitting'").all() as Array<{ id: number }>).map((r) => r.id);
        const fresh = ids.filter((id) => !leftInDoubt.has(id));
        for (const id of fresh) leftInDoubt.add(id);
        return fresh.length;
      } finally {
        db.close();
      }
    };
    /** The user's decision on rows in doubt: send them again, knowingly. */
    const resubmitInDoubt = async () => {
      if (!existsSync(dbFile)) return;
      const db = openDb(dbFile);
      let rows: number[];
      try {
        rows = (db.prepare("SELECT row_index FROM rows WHERE state = 'in_doubt'").all() as Array<{ row_index: number }>).map((r) => r.row_index);
      } finally {
        db.close();
      }
      if (!rows.length) return;
      const r = await runCli(['resolve', '--rows', rows.join(','), '--resubmit'], env);
      if (r.code !== 0) throw new Error(`resolve failed: ${r.output}`);
      resubmitted += rows.length;
      for (const i of rows) resubmitsOf.set(i, (resubmitsOf.get(i) ?? 0) + 1);
    };

    const killTimes: number[] = [];
    let rounds = 0;
    while (kills < opts.kills) {
      if (++rounds > opts.kills * 4 + 20) throw new Error(`the gauntlet made no progress after ${rounds} rounds`);
      current = await startCli(args, env);
      const run = current;
      // The random moment is counted from when the process starts talking to Venice: a kill during start-up
      // (loading, recovery) is cheap to survive, the ones that matter land mid-request and mid-download.
      const before = totalRequests(sim);
      const talking = Date.now() + 3_000;
      while (totalRequests(sim) === before && run.child.exitCode === null && Date.now() < talking) await new Promise((r) => setTimeout(r, 10));
      // Round-robin through the faults, so each one strikes, at random moments.
      if (random() < (opts.faultChance ?? 0.35) && faults.length) {
        const f = faults[next++ % faults.length]!;
        faultsStarted[f.name] = (faultsStarted[f.name] ?? 0) + 1;
        active.push(await f.start(world));
        log(`fault: ${f.name}`);
      }
      const delay = Math.floor(random() * 1_500);
      const outcome = await Promise.race([run.exited.then(() => 'exited' as const), new Promise<'kill'>((r) => setTimeout(() => r('kill'), delay))]);
      if (outcome === 'exited') {
        // The batch settled with rows in doubt (or waits on nothing): the user decides, and it goes on.
        await resubmitInDoubt();
        continue;
      }
      killTimes.push(Date.now());
      run.child.kill('SIGKILL');
      await run.exited;
      kills++;
      const doubt = newlySubmitting();
      maxInDoubtPerKill = Math.max(maxInDoubtPerKill, doubt);
      inDoubtFromKills += doubt;
      // A kill also ends a process frozen "asleep"; the row it was sending is in doubt from now on.
      if (kills % 10 === 0) log(`${kills} kills`);
    }
    for (const end of active) await end();
    current = undefined;
    log(`${kills} kills done after ${((Date.now() - started) / 1000).toFixed(0)} s`);

    // Morning: run to the end, deciding in-doubt rows as a user would, until nothing is left to do.
    for (let i = 0; i < 6; i++) {
      const final = await runCli(args, env, 600_000);
      log(`final run ${i + 1}: exit ${final.code} after ${((Date.now() - started) / 1000).toFixed(0)} s`);
      if (final.code !== 0) log(final.output.split('\n').slice(-25).join('\n'));
      if (final.code === 0) break;
      await resubmitInDoubt();
    }

    // ---- what must never happen ----
    const db = openDb(dbFile);
    type Row = { id: number; row_index: number; state: string; error_kind: string | null; error_message: string | null; file_path: string | null };
    type Attempt = { id: number; row_id: number; queue_id: string | null; state: string; file_path: string | null; error_kind: string | null; remote_deleted: number };
    let rows: Row[];
    let attempts: Attempt[];
    try {
      rows = db.prepare('SELECT id, row_index, state, error_kind, error_message, file_path FROM rows').all() as Row[];
      attempts = db.prepare('SELECT id, row_id, queue_id, state, file_path, error_kind, remote_deleted FROM attempts').all() as Attempt[];
    } finally {
      db.close();
    }
    const charges = sim.ledger().filter((e) => e.kind === 'charge');
    const refunded = new Set(sim.ledger().filter((e) => e.kind === 'refund').map((e) => e.queueId));
    const byPrompt = new Map<string, number>();
    for (const c of charges) byPrompt.set(c.prompt, (byPrompt.get(c.prompt) ?? 0) + 1);
    // A row may be charged once, plus once per time the user chose to send it again.
    let doubleCharges = 0;
    for (const [prompt, k] of byPrompt) {
      const row = Number(/^Gauntlet shot (\d+),/.exec(prompt)?.[1]);
      doubleCharges += Math.max(0, k - 1 - (resubmitsOf.get(row) ?? 0));
    }

    // Every charge the queue knows of ends in a file kept (done, or set aside as rejected) or a refund.
    const attemptByQueue = new Map(attempts.filter((a) => a.queue_id).map((a) => [a.queue_id as string, a]));
    const lostPaidClips: string[] = [];
    for (const c of charges) {
      const a = attemptByQueue.get(c.queueId);
      if (!a || refunded.has(c.queueId)) continue; // unknown ones are the in-doubt charges counted above
      const kept = a.file_path && existsSync(a.file_path);
      // A download that failed for good leaves the clip on Venice, where "retry" fetches it: not lost.
      const stillOnVenice = a.state === 'failed' && a.error_kind === 'download_failed' && a.remote_deleted === 0;
      if (!kept && !stillOnVenice) lostPaidClips.push(`${c.queueId} (${a.state} ${a.error_kind ?? ''})`);
    }

    const unexplained = rows
      .filter((r) => r.state !== 'done' && !(r.state === 'failed' && (r.error_message ?? '').length > 10))
      .map((r) => `row ${r.row_index}: ${r.state} ${r.error_kind ?? ''}`);

    const partialFiles: string[] = [];
    const names = existsSync(outDir) ? readdirSync(outDir) : [];
    for (const n of names) {
      if (n === '.venice-batch') continue;
      const p = path.join(outDir, n);
      if (n.startsWith('.') || n.includes('.part')) {
        partialFiles.push(n);
        continue;
      }
      const info = await probeMedia(p).catch(() => undefined);
      if (!info?.video || statSync(p).size < 10_000 || Math.abs((info.durationSec ?? 0) - 1) > 0.5) partialFiles.push(n);
    }
    const doneFiles = rows.filter((r) => r.state === 'done').map((r) => path.basename(r.file_path ?? ''));
    for (const f of doneFiles) if (!names.includes(f)) lostPaidClips.push(`file of a done row is missing: ${f}`);

    // An exchange the client left counts as a kill's only if it ended within a second of a SIGKILL.
    const byKill = (x: { endedAt: number }) => killTimes.some((t) => x.endedAt >= t && x.endedAt <= t + 1_000);
    const exchanges = sim.exchanges().filter(byKill);
    const faultsFired: Record<string, number> = {};
    for (const f of sim.firedFaults()) faultsFired[f.kind] = (faultsFired[f.kind] ?? 0) + 1;
    return {
      rows: rows.length,
      kills,
      done: rows.filter((r) => r.state === 'done').length,
      explained: rows.filter((r) => r.state === 'failed').length,
      unexplained,
      doubleCharges,
      lostPaidClips,
      partialFiles,
      maxInDoubtPerKill,
      inDoubtFromKills,
      resubmitted,
      killedMidRequest: exchanges.filter((x) => x.outcome === 'client_left_before_answer').length,
      killedMidDownload: exchanges.filter((x) => x.outcome === 'client_left_mid_body').length,
      faultsStarted,
      faultsFired,
      wallMs: Date.now() - started,
    };
  } finally {
    await sim.close();
    for (const d of [dir]) rmSync(d, { recursive: true, force: true });
  }
}
