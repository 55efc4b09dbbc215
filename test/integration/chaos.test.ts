/**
 * The crash test: a 40-row batch run by the real CLI process, killed with SIGKILL at 25+ random moments and
 * started again each time, against the simulator over real HTTP. Afterwards every clip that was paid for is on
 * disk exactly once, nothing was charged twice, no partial file is left, and the database is intact.
 *
 * A kill can land between "request sent" and "answer saved": Venice has no idempotency key, so that row is
 * honestly `in_doubt` (maybe charged, never re-sent by the app). The test then plays the user: it re-submits those
 * rows knowingly, and checks that the only extra charges are the ones the user asked for.
 */
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeMedia } from '../../main/core/media/probe';
import { QueueStore } from '../../main/core/queue/store';
import { startSimulator, type Simulator } from '../../main/core/venice/simulator';
import { mulberry32 } from '../support/engine-harness';
import { buildCli, runCli, startCli } from '../support/cli-process';

const ROWS = 40;
const KILLS = 25;

let sim: Simulator;
let dir: string;

beforeAll(async () => {
  await buildCli();
  sim = await startSimulator({ processingMs: 3_000, seed: 42 });
  dir = mkdtempSync(path.join(os.tmpdir(), 'vb-chaos-'));
});
afterAll(async () => {
  await sim?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('chaos: SIGKILL at random moments', () => {
  it('finishes every paid clip exactly once, with no partial files and an intact queue', async () => {
    const sheet = path.join(dir, 'shots.csv');
    const out = path.join(dir, 'clips');
    const lines = ['prompt,duration,resolution,audio,name'];
    for (let i = 1; i <= ROWS; i++) lines.push(`"Chaos shot ${i}, a harbour at dawn",1s,480p,no,shot ${i}`);
    writeFileSync(sheet, lines.join('\n'));
    const env = {
      VENICE_BATCH_DATA: path.join(dir, 'data'),
      VENICE_BASE_URL: sim.url,
      VENICE_API_KEY: 'sim-key',
    };
    const args = ['run', sheet, '--out', out, '--yes', '--model', 'sim-fast-text-to-video', '--concurrency', '4'];
    const random = mulberry32(2026);

    let kills = 0;
    let finishedEarly = false;
    while (kills < KILLS) {
      const run = await startCli(args, env);
      const delay = 150 + Math.floor(random() * 1_400);
      const outcome = await Promise.race([run.exited.then(() => 'exited' as const), new Promise<'kill'>((r) => setTimeout(() => r('kill'), delay))]);
      if (outcome === 'exited') {
        finishedEarly = true;
        break;
      }
      run.child.kill('SIGKILL');
      await run.exited;
      kills++;
    }
    expect(finishedEarly, `the batch finished after only ${kills} kills`).toBe(false);
    expect(kills).toBeGreaterThanOrEqual(KILLS);

    const final = await runCli(args, env);
    const store = new QueueStore(path.join(env.VENICE_BATCH_DATA, 'queue.sqlite'));
    try {
      expect(store.integrityCheck()).toBe('ok');
      let rows = store.listRows(1);
      expect(rows).toHaveLength(ROWS);
      const inDoubt = rows.filter((r) => r.state === 'in_doubt');
      expect(rows.filter((r) => r.state !== 'done' && r.state !== 'in_doubt'), final.output).toEqual([]);

      const charges = () => {
        const m = new Map<string, number>();
        for (const e of sim.ledger()) if (e.kind === 'charge') m.set(e.prompt, (m.get(e.prompt) ?? 0) + 1);
        return m;
      };
      // Done rows were charged exactly once; in-doubt rows at most once (the app never re-sent them).
      for (const r of rows) {
        const n = charges().get(r.params.prompt) ?? 0;
        if (r.state === 'done') expect(n, `row ${r.rowIndex}`).toBe(1);
        else expect(n, `row ${r.rowIndex}`).toBeLessThanOrEqual(1);
      }

      // The user re-submits the in-doubt rows knowingly; the run finishes them.
      if (inDoubt.length > 0) {
        const before = charges();
        const resolve = await runCli(['resolve', '--batch', '1', '--rows', inDoubt.map((r) => r.rowIndex).join(','), '--resubmit'], env);
        expect(resolve.code, resolve.output).toBe(0);
        const again = await runCli(args, env);
        expect(again.code, again.output).toBe(0);
        for (const r of inDoubt) expect(charges().get(r.params.prompt)).toBe((before.get(r.params.prompt) ?? 0) + 1);
      } else {
        expect(final.code, final.output).toBe(0);
      }
      rows = store.listRows(1);
      expect(rows.every((r) => r.state === 'done')).toBe(true);

      // Exactly one file per row, none partial, none empty, every one a real clip.
      const files = readdirSync(out).filter((n) => n !== '.venice-batch');
      expect(files.filter((n) => n.includes('.part'))).toEqual([]);
      expect(files.sort()).toEqual(rows.map((r) => path.basename(r.filePath!)).sort());
      for (const f of files) {
        expect(statSync(path.join(out, f)).size).toBeGreaterThan(10_000);
        const info = await probeMedia(path.join(out, f));
        expect(info.video?.width).toBe(854);
        expect(info.durationSec).toBeCloseTo(1, 0);
      }
      expect(sim.stats().lockouts).toBe(0);
      console.log(`chaos: ${kills} kills, ${inDoubt.length} row(s) in doubt (re-submitted by the user), ${sim.stats().rateLimited} rate-limited answers`);
    } finally {
      store.close();
    }
  }, 300_000);

  it('a kill while a queue request is unanswered leaves the row in doubt, never re-sent until the user says so', async () => {
    const sheet = path.join(dir, 'one.csv');
    writeFileSync(sheet, 'prompt,duration\n"Killed mid-request",1s\n');
    const env = { VENICE_BATCH_DATA: path.join(dir, 'data-hang'), VENICE_BASE_URL: sim.url, VENICE_API_KEY: 'sim-key' };
    const args = ['run', sheet, '--out', path.join(dir, 'hang-clips'), '--yes', '--model', 'sim-fast-text-to-video', '--audio', 'no'];
    const queuedBefore = sim.stats().requests.queue;
    sim.injectFault({ kind: 'hang', route: 'queue' });
    const run = await startCli(args, env);
    const deadline = Date.now() + 20_000;
    while (sim.stats().requests.queue === queuedBefore && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(sim.stats().requests.queue).toBe(queuedBefore + 1);
    run.child.kill('SIGKILL');
    await run.exited;

    const again = await runCli(args, env);
    expect(again.code).toBe(1);
    expect(again.output).toMatch(/row 1 in doubt: Venice may have charged for this clip/);
    expect(sim.stats().requests.queue).toBe(queuedBefore + 1); // not re-sent on restart

    expect((await runCli(['resolve', '--rows', '1', '--resubmit'], env)).code).toBe(0);
    const done = await runCli(args, env);
    expect(done.code, done.output).toBe(0);
    expect(sim.stats().requests.queue).toBe(queuedBefore + 2); // sent again only after the user chose to
    expect(sim.ledger().filter((e) => e.prompt === 'Killed mid-request' && e.kind === 'charge')).toHaveLength(1);
  }, 120_000);
});

