/**
 * The `venice-batch` CLI as a user runs it: a real process, real sheets, the simulator over HTTP. Checks exit codes
 * and the documented JSON shapes.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../main/core/venice/simulator';
import { buildCli, runCli } from '../support/cli-process';

let sim: Simulator;
let dir: string;
let env: NodeJS.ProcessEnv;

function sheet(name: string, text: string): string {
  const p = path.join(dir, name);
  writeFileSync(p, text);
  return p;
}

beforeAll(async () => {
  await buildCli();
  sim = await startSimulator({ processingMs: 400, seed: 5 });
  dir = mkdtempSync(path.join(os.tmpdir(), 'vb-cli-'));
  env = { VENICE_BATCH_DATA: path.join(dir, 'data'), VENICE_BASE_URL: sim.url, VENICE_API_KEY: 'sim-key' };
});
afterAll(async () => {
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('venice-batch CLI', () => {
  it('validate --json: rows numbered from 1, the column and a plain message, exit 1 when some are invalid', async () => {
    const file = sheet(
      'mixed.csv',
      'Prompt,Duration (s),Model\n"A harbour at dawn",2,sim-fast-text-to-video\n"Too long a clip",7,sim-fast-text-to-video\n,1,sim-fast-text-to-video\n',
    );
    const r = await runCli(['validate', file, '--json'], env);
    expect(r.code).toBe(1);
    const json = JSON.parse(r.output);
    expect(json.summary).toEqual({ total: 3, valid: 1, invalid: 2 });
    expect(json.rows[0]).toMatchObject({ row: 1, valid: true, errors: [] });
    expect(json.rows[1].errors[0]).toEqual({ column: 'Duration (s)', message: expect.stringMatching(/"7s" is not offered by sim-fast-text-to-video: use 1s, 2s or 3s/) });
    expect(json.rows[2].errors[0]).toEqual({ column: 'Prompt', message: 'Prompt is empty.' });
  });

  it('validate exits 0 when every row is valid, and 2 when the sheet cannot be read', async () => {
    const ok = sheet('ok.csv', 'prompt;duration\n"Café au lait, façade";2s\n');
    expect((await runCli(['validate', ok, '--model', 'sim-fast-text-to-video'], env)).code).toBe(0);
    const junk = path.join(dir, 'junk.csv');
    writeFileSync(junk, Buffer.from([0x00, 0x01, 0x02, 0xff, 0x00, 0x13]));
    const r = await runCli(['validate', junk], env);
    expect(r.code).toBe(2);
    expect(r.output).toMatch(/Cannot read/);
    expect((await runCli(['validate', path.join(dir, 'missing.csv')], env)).code).toBe(2);
    expect((await runCli(['frobnicate'], env)).code).toBe(2);
  });

  it('quote --json prices each row and the total', async () => {
    const file = sheet('quote.csv', 'prompt,duration,audio\nA,1s,no\nB,2s,yes\n');
    const r = await runCli(['quote', file, '--model', 'sim-fast-text-to-video', '--json'], env);
    expect(r.code, r.output).toBe(0);
    const json = JSON.parse(r.output);
    expect(json.rows).toHaveLength(2);
    expect(json.rows[0]).toMatchObject({ row: 1, usd: 0.01 });
    expect(json.rows[1].usd).toBeCloseTo(0.03, 6);
    expect(json.totalUsd).toBeCloseTo(0.04, 6);
  });

  it('run refuses to spend without confirmation, then runs, resumes, and reports status', async () => {
    const file = sheet('run.csv', 'prompt,duration,name\n"Gulls over the pier",1s,gulls\n"Rain on a window",2s,rain\n');
    const out = path.join(dir, 'clips');
    const args = ['run', file, '--out', out, '--model', 'sim-fast-text-to-video', '--audio', 'no'];
    const refused = await runCli(args, env);
    expect(refused.code).toBe(1);
    expect(refused.output).toMatch(/Add --yes to confirm/);
    expect(sim.ledger()).toHaveLength(0);

    const r = await runCli([...args, '--yes'], env);
    expect(r.code, r.output).toBe(0);
    expect(r.output).toMatch(/2 done, 0 failed/);
    const again = await runCli([...args, '--yes'], env);
    expect(again.output).toMatch(/Resuming batch 1/);
    expect(sim.ledger().filter((e) => e.kind === 'charge')).toHaveLength(2);

    const status = JSON.parse((await runCli(['status', '--json'], env)).output);
    expect(status.batch).toMatchObject({ id: 1, status: 'active', outputDir: out });
    expect(status.rows.map((x: { state: string }) => x.state)).toEqual(['done', 'done']);
    expect(status.rows[0].file).toMatch(/001-gulls-1\.mp4$/);
    expect(status.rows[0].queueId).toBeTruthy();
    expect(JSON.stringify(status)).not.toContain('sim-key');

    // The same sheet with another --out (a typo, another mount of the share) would be a new batch, paid again: the
    // editor is told which batch it already is, and how to resume it, before being asked to spend.
    const elsewhere = await runCli(['run', file, '--out', path.join(dir, 'clips-again'), '--model', 'sim-fast-text-to-video', '--audio', 'no'], env);
    expect(elsewhere.code).toBe(1);
    expect(elsewhere.output).toContain(`This sheet is already batch 1 (run.csv), saving to ${out}: to resume it, run with --out ${out}.`);
    expect(elsewhere.output).toMatch(/A new batch pays for every clip again/);
    expect(sim.ledger().filter((e) => e.kind === 'charge')).toHaveLength(2);
  });

  it('refuses to queue a sheet with invalid rows, naming each problem', async () => {
    const file = sheet('bad.csv', 'prompt,duration\nfine,1s\nbroken,9s\n');
    const r = await runCli(['run', file, '--out', path.join(dir, 'bad-out'), '--yes', '--model', 'sim-fast-text-to-video'], env);
    expect(r.code).toBe(1);
    expect(r.output).toMatch(/row 2, duration: Duration "9s" is not offered/);
    expect(r.output).toMatch(/nothing was queued/);
  });

  it('resolve and retry: the decisions only a person may make', async () => {
    const data = { ...env, VENICE_BATCH_DATA: path.join(dir, 'data-decisions') };
    const file = sheet('decide.csv', 'prompt,duration\n"Lost answer",1s\n"Refused clip",1s\n"Fine clip",1s\n');
    const args = ['run', file, '--out', path.join(dir, 'decide-out'), '--yes', '--model', 'sim-fast-text-to-video', '--audio', 'no', '--concurrency', '1'];
    sim.injectFault({ kind: 'charge_then_drop', route: 'queue' });
    sim.injectFault({ kind: 'content_policy_422', route: 'retrieve' });
    const first = await runCli(args, data);
    expect(first.code).toBe(1);
    expect(first.output).toMatch(/row 1 in doubt/);
    expect(first.output).toMatch(/venice-batch resolve --batch 1 --rows 1 --resubmit \| --lost/);
    expect(first.output).toMatch(/row 2 failed: Venice refused the clip under its content policy/);
    expect(first.output).toMatch(/suggested prompt:/);

    expect((await runCli(['resolve', '--rows', '2', '--lost'], data)).output).toMatch(/not in doubt/);
    expect((await runCli(['resolve', '--rows', '1'], data)).code).toBe(2);
    const resolved = await runCli(['resolve', '--rows', '1', '--lost'], data);
    expect(resolved.code, resolved.output).toBe(0);
    const retried = await runCli(['retry', '--rows', '2'], data);
    expect(retried.output).toMatch(/1 will be sent again \(a new charge each\)/);
    const second = await runCli(args, data);
    const status = JSON.parse((await runCli(['status', '--json'], data)).output);
    expect(status.rows.map((r: { state: string }) => r.state)).toEqual(['failed', 'done', 'done']);
    expect(status.rows[0].error).toBe('Marked lost by you');
    expect(second.code).toBe(1);
  });
});

