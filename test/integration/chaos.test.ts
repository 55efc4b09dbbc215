/**
 * The crash test at its sharpest: the CLI is killed with SIGKILL while a queue request is unanswered. The row is
 * honestly `in_doubt` (Venice has no idempotency key), is never re-sent on restart, and goes out again only when the
 * user says so. Kills at random moments amid every other fault are the gauntlet's job (gauntlet.test.ts), which
 * also proves from the simulator's journal that its kills landed mid-request and mid-download.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../main/core/venice/simulator';
import { buildCli, runCli, startCli } from '../support/cli-process';

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

describe('chaos: SIGKILL mid-request', () => {
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

