/**
 * The canary key-leak scan, which must run everywhere: it needs no keychain (the key comes from VENICE_API_KEY, as
 * on a render box or in CI). A canary key runs a whole real (non-Rehearsal) batch through the contract and the CLI,
 * and must then appear in no contract output or event, no log line, no file of the data folder (the queue database
 * included, WAL checkpointed), no clip folder file, and no output of `venice-batch status` (text, --json, --csv).
 * Its base64 form is searched too: a key leaked inside an encoded blob is still leaked.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppServices } from '../../main/core/services/app-services';
import { defaultSettings } from '../../main/core/services/app-settings';
import { SecretStore } from '../../main/core/secrets/secret-store';
import { startSimulator, type Simulator } from '../../main/core/venice/simulator';
import { createHandlers, dispatch, forwardEvents, type Handlers } from '../../main/handlers';
import { buildCli, runCli } from '../support/cli-process';

const CANARY = `vk-canary-env-${'4d1c9b7e2a6f8035'}-${process.pid}-end`;
const FORMS = [CANARY, Buffer.from(CANARY).toString('base64'), Buffer.from(CANARY).toString('base64url')];

function filesUnder(dir: string): Array<{ file: string; text: string }> {
  const out: Array<{ file: string; text: string }> = [];
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out.push(...filesUnder(p));
    else out.push({ file: p, text: readFileSync(p).toString('latin1') });
  }
  return out;
}

function expectNoKey(where: string, text: string): void {
  for (const form of FORMS) expect(text.includes(form), `the key (${form === CANARY ? 'plain' : 'base64'}) is in ${where}`).toBe(false);
}

describe('the canary key never leaks (key from VENICE_API_KEY, no keychain needed)', () => {
  let dir: string;
  let sim: Simulator;
  let app: AppServices;
  let handlers: Handlers;
  let closed = false;
  const seen: string[] = [];
  const logs: string[] = [];
  const restore: Array<() => void> = [];
  const env = () => ({ VENICE_API_KEY: CANARY, VENICE_BASE_URL: sim.url, VENICE_BATCH_DATA: path.join(dir, 'data') });

  const call = async (name: string, input?: unknown) => {
    const r = await dispatch(handlers, name, input, (m) => logs.push(m));
    seen.push(JSON.stringify(r));
    return r as { ok: boolean; value?: any; error?: { code: string; message: string } }; // eslint-disable-line @typescript-eslint/no-explicit-any
  };

  beforeAll(async () => {
    await buildCli();
    for (const stream of [process.stdout, process.stderr]) {
      const write = stream.write.bind(stream);
      stream.write = ((chunk: unknown, ...rest: unknown[]) => {
        logs.push(String(chunk));
        return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
      }) as typeof stream.write;
      restore.push(() => (stream.write = write));
    }
    sim = await startSimulator({ apiKeys: [CANARY], processingMs: 300, seed: 4 });
    dir = mkdtempSync(path.join(os.tmpdir(), 'vb-canary-'));
    app = new AppServices({
      dataDir: path.join(dir, 'data'),
      mode: 'test',
      version: 'test',
      env: { ...process.env, ...env() },
      // A keychain service nobody uses: the key must come from the environment alone.
      secrets: new SecretStore(env(), `venice-batch-canary-${process.pid}`),
      engine: { pollPolicy: { floorMs: 150, ceilingMs: 1_000 }, tickMs: 50 },
      settingsDefaults: { ...defaultSettings(), outputDir: path.join(dir, 'clips'), rehearsal: false },
    });
    await app.start();
    handlers = createHandlers(app);
    forwardEvents(app, (name, payload) => seen.push(`${name} ${JSON.stringify(payload)}`));
  });

  afterAll(async () => {
    if (!closed) await app?.close();
    await sim?.close();
    for (const r of restore) r();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('runs a real batch with the key from the environment, and the key is nowhere to be found', async () => {
    expect((await call('secrets:status')).value).toMatchObject({ set: true, source: 'environment', last4: CANARY.slice(-4) });
    const preview = await call('batch:importSheet', {
      fileName: 'real.csv',
      text: 'name,prompt\nOne,A lighthouse at dusk\nTwo,A harbour at dawn\n',
      rehearsal: false,
      defaults: { model: 'sim-sora-2-private-text-to-video', duration: '4s', resolution: '480p', aspect_ratio: '16:9' },
    });
    expect(preview.ok, JSON.stringify(preview.error)).toBe(true);
    const created = await call('batch:create', { importId: preview.value.importId, confirmSpend: true });
    expect(created).toMatchObject({ ok: true, value: { rehearsal: false } });
    await app.engine.waitUntilSettled(created.value.id, 50);
    const got = await call('batch:get', { batchId: created.value.id });
    expect(got.value.rows.map((r: { state: string }) => r.state)).toEqual(['done', 'done']);
    // Venice was really called with the canary.
    expect(sim.ledger().filter((e) => e.kind === 'charge')).toHaveLength(2);
    for (const name of ['batch:list', 'app:info', 'settings:get', 'secrets:status']) await call(name);
    await call('report:get', { batchId: created.value.id });
    await call('batch:resultsSheet', { batchId: created.value.id });
    await call('rows:history', { rowId: got.value.rows[0].id });
    await app.close();
    closed = true;

    // The CLI over the same data folder, the key again from the environment.
    const outputs = [
      await runCli(['status'], env()),
      await runCli(['status', '--json'], env()),
      await runCli(['status', '--csv', path.join(dir, 'results.csv')], env()),
    ];
    for (const o of outputs) expect(o.code, o.output).toBe(0);
    expect(outputs[0]?.output).toMatch(/Morning report/);

    expect(seen.length).toBeGreaterThan(10);
    for (const s of seen) expectNoKey('a contract output or event', s);
    for (const l of logs) expectNoKey('a log line', l);
    for (const o of outputs) expectNoKey('the CLI output', o.output);
    const files = [...filesUnder(path.join(dir, 'data')), ...filesUnder(path.join(dir, 'clips')), ...filesUnder(dir).filter((f) => f.file.endsWith('.csv'))];
    expect(files.some((f) => f.file.endsWith('queue.sqlite'))).toBe(true);
    for (const f of files) expectNoKey(f.file, f.text);
  }, 120_000);
});
