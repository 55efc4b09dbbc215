/**
 * Studio mode's proof: three render boxes (`venice-batch work`, real processes with their own data folders) and an
 * editor's `venice-batch run` share one PostgreSQL queue, one Venice account (the simulator and its ledger) and one
 * output folder, while random boxes are SIGKILLed and started again (and the editor's run once). CI size: 60 rows
 * and 6 kills with 5 s leases; the 300-row night runs with VENICE_BATCH_STUDIO_ROWS=300 (kills scale with it).
 * See test/support/studio-workers.ts for what is measured.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startSimulator } from '../../main/core/venice/simulator';
import { runCli, startCli } from '../support/cli-process';
import { describeStudio, runStudio } from '../support/studio-workers';

const ROWS = Number(process.env.VENICE_BATCH_STUDIO_ROWS) || 60;
const KILLS = Math.max(6, Math.round(ROWS / 10));
// Short, so a dead machine's rows are taken over within seconds; not shorter, because a process starved of CPU on
// a loaded test machine must still renew in time (a lost lease is safe, but its work starts over elsewhere).
const LEASE_MS = 5_000;

describe('studio: three machines on one PostgreSQL queue, killed at random', () => {
  it(`${ROWS} rows, ${KILLS} kills: every row done or explained, nothing charged twice, no lockout, each clip once, work shared, dead machines' rows taken over`, async () => {
    const r = await runStudio({ rows: ROWS, kills: KILLS, leaseMs: LEASE_MS, seed: 17, log: (l) => console.log(l) });
    console.log(describeStudio(r));

    expect(r.kills).toBe(KILLS);
    // `run` ended by itself (0 or 1), not by a crash (2) or the harness's timeout (null): its output says why.
    expect([0, 1], r.runOutput.slice(-4000)).toContain(r.runExit);
    expect(r.batches, 'running the same `run` again resumes the shared batch').toBe(1);
    expect(r.runResumed, r.runOutput).toBe(true);
    expect(r.unexplained, 'rows neither done nor failed/in doubt with a reason').toEqual([]);
    expect(r.states.done ?? 0).toBeGreaterThan(ROWS * 0.8);
    // The money rules: one charge per row at most (a row in doubt is never re-sent), and no paid job unknown.
    expect(r.doubleCharges).toEqual([]);
    expect(r.lostPaid).toEqual([]);
    // The account's limits are shared in the database: no machine ever met a 429, let alone a lockout.
    expect(r.lockouts).toBe(0);
    expect(r.maxQueuePerMinute, 'queue calls reaching Venice in the busiest 60 s, all machines together').toBeLessThanOrEqual(40);
    expect(r.rateLimited, '429s sent by the simulator').toBe(0);
    expect(r.maxRetrievePerMinute).toBeLessThanOrEqual(120);
    // One output folder: each clip once, nothing partial left once a machine has swept.
    expect(r.clipProblems).toEqual([]);
    expect(r.clipFiles).toHaveLength(r.states.done ?? 0);
    expect(r.leftovers).toEqual([]);
    // Work shared: more than one machine finished rows.
    expect(Object.values(r.doneBy).filter((n) => n > 0).length).toBeGreaterThan(1);
    // A dead machine's rows were taken over once its lease ran out: not before (a live machine's work is never
    // taken), and within a few leases even on a starved test machine (the sweep runs on the survivors, who may be
    // waiting for CPU too; the figures are printed above).
    const held = r.takeovers.filter((t) => Object.keys(t.held).length > 0);
    expect(held.length).toBeGreaterThan(0);
    for (const t of held) expect(t.ms).toBeLessThan(LEASE_MS * 4);
    expect(Math.max(...held.map((t) => t.ms))).toBeGreaterThan(LEASE_MS * 0.5);
    // `run` returned when its batch settled: 0 when every row is done, 1 when some wait for a person.
    const waiting = (r.states.in_doubt ?? 0) + (r.states.failed ?? 0);
    expect(r.runExit, r.runOutput).toBe(waiting ? 1 : 0);
    // SIGTERM stops a render box cleanly: leases given back.
    expect(r.termExits).toEqual([130, 130, 130]);
    expect(r.leasesAfterTerm).toBe(0);
    expect(r.idleExit, r.idleOutput).toBe(waiting ? 1 : 0);
    expect(r.idleOutput).toMatch(/Working on the studio queue: PostgreSQL 127\.0\.0\.1:\d+\/studio_/);
    expect(r.idleOutput).not.toMatch(/venice-batch-test/); // never the password
  }, 900_000);
});

describe('work on the local queue (no studio database)', () => {
  it('`work --until-idle` works a batch another machine added and left: exit 1 while a row waits for a person, 0 once it is settled; nothing to do is exit 0 at once', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'vb-work-local-'));
    const sim = await startSimulator({ processingMs: 500, seed: 5 });
    try {
      const sheet = path.join(dir, 'two.csv');
      writeFileSync(sheet, 'prompt,duration,resolution,audio\n"Local shot one",1s,480p,no\n"Local shot two",1s,480p,no\n');
      const env = { VENICE_BATCH_DATA: path.join(dir, 'data'), VENICE_BASE_URL: sim.url, VENICE_API_KEY: 'sim-key', VENICE_BATCH_POLL_FLOOR_MS: '300' };
      const empty = await runCli(['work', '--until-idle'], env);
      expect(empty.code, empty.output).toBe(0);
      expect(empty.output).toMatch(/Working on this machine's queue: Local queue .*queue\.sqlite/);
      expect(empty.output).toMatch(/Nothing left to do on the queue\./);

      // An editor adds the batch with `run`, and its machine dies while the first row's send is unanswered.
      sim.injectFault({ kind: 'hang', route: 'queue' });
      const run = await startCli(['run', sheet, '--out', path.join(dir, 'clips'), '--yes', '--model', 'sim-fast-text-to-video'], env);
      const until = Date.now() + 60_000;
      while (sim.stats().requests.queue === 0 && run.child.exitCode === null && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
      run.child.kill('SIGKILL');
      await run.exited;
      expect(run.output()).toMatch(/Batch 1:/);

      // A render box takes the rest: the other row is done, the one cut off mid-send waits for a person (exit 1).
      const work = await runCli(['work', '--until-idle'], env);
      expect(work.code, work.output).toBe(1);
      expect(work.output.match(/^batch 1 row id \d+: done$/gm)).toHaveLength(1);
      expect(work.output).toMatch(/waiting for a person: 1 row\(s\) in doubt/);
      expect(sim.stats().requests.queue).toBe(2); // the row in doubt was not sent again

      // The person decides to send it again; the next `work --until-idle` finishes the batch.
      expect((await runCli(['resolve', '--batch', '1', '--rows', '1', '--resubmit'], env)).code).toBe(0);
      const again = await runCli(['work', '--until-idle'], env);
      expect(again.code, again.output).toBe(0);
      expect(again.output).toMatch(/Nothing left to do on the queue\./);
      expect(readdirSync(path.join(dir, 'clips')).filter((f) => f.endsWith('.mp4') && !f.startsWith('.'))).toHaveLength(2);
      expect(sim.ledger().filter((e) => e.kind === 'charge')).toHaveLength(2);
    } finally {
      await sim.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('a studio address that is not one is refused with a plain message (exit 2), its password never printed', async () => {
    const r = await runCli(['work', '--until-idle'], { VENICE_BATCH_DATA: mkdtempSync(path.join(os.tmpdir(), 'vb-work-bad-')), VENICE_BATCH_DB: 'mysql://me:s3cret-pw@db/studio' });
    expect(r.code).toBe(2);
    expect(r.output).toMatch(/must start with postgres:\/\//);
    expect(r.output).not.toMatch(/s3cret-pw/);
  }, 60_000);
});
