/**
 * The API key against a real Secret Service (gnome-keyring under dbus-run-session, as `npm test` runs it): stored,
 * read, reported only as set / source / last four, cleared. A canary key is used for a whole real (non-Rehearsal)
 * batch through the contract and must never show up in a log line, the queue database, any file in the data folder,
 * any contract output or event, or any error message.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppServices } from '../../main/core/services/app-services';
import { defaultSettings } from '../../main/core/services/app-settings';
import { KEYCHAIN_ACCOUNT, SecretStore } from '../../main/core/secrets/secret-store';
import { startSimulator, type Simulator } from '../../main/core/venice/simulator';
import { createHandlers, dispatch, forwardEvents, type Handlers } from '../../main/handlers';

const SERVICE = `venice-batch-test-${process.pid}`;
const CANARY = `vk-canary-${'9f2e7c4a1b3d5e6f'}-${process.pid}-tail`;
const OTHER = 'vk-someone-elses-key-0123456789';

const probe = new SecretStore({}, `${SERVICE}-probe`);
const available = (await probe.status()).keychainAvailable;
const why = available ? '' : ' (skipped: no Secret Service here; `npm test` runs these inside dbus-run-session with gnome-keyring)';

/** Every file under `dir`, as latin1 text (a key written in any single-byte-compatible encoding shows up). */
function filesUnder(dir: string): Array<{ file: string; text: string }> {
  const out: Array<{ file: string; text: string }> = [];
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out.push(...filesUnder(p));
    else out.push({ file: p, text: readFileSync(p).toString('latin1') });
  }
  return out;
}

describe.runIf(available)(`the API key in the system keychain${why}`, () => {
  let dir: string;
  let sim: Simulator;
  let app: AppServices;
  let handlers: Handlers;
  const seen: string[] = [];
  const logs: string[] = [];
  const restore: Array<() => void> = [];

  const call = async (name: string, input?: unknown) => {
    const r = await dispatch(handlers, name, input, (m) => logs.push(m));
    seen.push(JSON.stringify(r));
    return r as { ok: boolean; value?: any; error?: { code: string; message: string } }; // eslint-disable-line @typescript-eslint/no-explicit-any
  };

  beforeAll(async () => {
    // Everything printed while these tests run is captured and searched for the key.
    for (const stream of [process.stdout, process.stderr]) {
      const write = stream.write.bind(stream);
      stream.write = ((chunk: unknown, ...rest: unknown[]) => {
        logs.push(String(chunk));
        return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
      }) as typeof stream.write;
      restore.push(() => (stream.write = write));
    }
    sim = await startSimulator({ apiKeys: [CANARY, OTHER], processingMs: 300, seed: 3 });
    dir = mkdtempSync(path.join(os.tmpdir(), 'vb-secrets-'));
    app = new AppServices({
      dataDir: path.join(dir, 'data'),
      mode: 'test',
      version: 'test',
      env: { ...process.env, VENICE_API_KEY: '', VENICE_BASE_URL: sim.url },
      secrets: new SecretStore({}, SERVICE),
      engine: { pollPolicy: { floorMs: 150, ceilingMs: 1_000 }, tickMs: 50 },
      settingsDefaults: { ...defaultSettings(), outputDir: path.join(dir, 'clips'), rehearsal: false },
    });
    await app.start();
    handlers = createHandlers(app);
    forwardEvents(app, (name, payload) => seen.push(`${name} ${JSON.stringify(payload)}`));
  });

  afterAll(async () => {
    await new SecretStore({}, SERVICE).clearKey().catch(() => undefined);
    await app?.close();
    await sim?.close();
    for (const r of restore) r();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('starts with no key, and refuses a key Venice does not accept without storing it', async () => {
    expect((await call('secrets:status')).value).toEqual({ set: false, source: 'none', last4: null, keychainAvailable: true, problem: null });
    const wrong = 'vk-not-a-real-key-5555555555';
    const r = await call('secrets:setKey', { key: wrong });
    expect(r).toMatchObject({ ok: false, error: { code: 'key_rejected' } });
    expect(r.error?.message).toMatch(/did not accept/);
    expect(JSON.stringify(r)).not.toContain(wrong);
    expect((await call('secrets:status')).value.set).toBe(false);
  });

  it('checks and stores the key, then reports only its last four characters', async () => {
    const r = await call('secrets:setKey', { key: `  ${CANARY}\n` });
    expect(r.ok).toBe(true);
    expect(r.value).toEqual({ set: true, source: 'keychain', last4: CANARY.slice(-4), keychainAvailable: true, problem: null });
    // Really in the keychain, under the app's account, trimmed.
    const keytar = (await import('keytar')).default;
    expect(await keytar.getPassword(SERVICE, KEYCHAIN_ACCOUNT)).toBe(CANARY);
    expect(await app.secrets.getKey()).toBe(CANARY);
  });

  it('runs a real batch with it, and the key appears in no output, event, log, database or file', async () => {
    const preview = await call('batch:importSheet', {
      fileName: 'real.csv',
      text: 'name,prompt\nOne,A lighthouse at dusk\nTwo,A harbour at dawn\n',
      rehearsal: false,
      defaults: { model: 'sim-sora-2-private-text-to-video', duration: '4s', resolution: '480p', aspect_ratio: '16:9' },
    });
    expect(preview.ok).toBe(true);
    expect(preview.value.totalUsd).toBeGreaterThan(0);
    expect(await call('batch:create', { importId: preview.value.importId })).toMatchObject({ ok: false, error: { code: 'confirm' } });
    const created = await call('batch:create', { importId: preview.value.importId, confirmSpend: true });
    expect(created).toMatchObject({ ok: true, value: { rehearsal: false } });
    await app.engine.waitUntilSettled(created.value.id, 50);
    const got = await call('batch:get', { batchId: created.value.id });
    expect(got.value.rows.map((r: { state: string }) => r.state)).toEqual(['done', 'done']);
    // Venice was really called with the key from the keychain.
    expect(sim.ledger().filter((e) => e.kind === 'charge')).toHaveLength(2);
    await call('batch:list');
    await call('app:info');
    await call('settings:get');

    app.store!.db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
    const files = [...filesUnder(path.join(dir, 'data')), ...filesUnder(path.join(dir, 'clips'))];
    expect(files.some((f) => f.file.endsWith('queue.sqlite'))).toBe(true);
    for (const f of files) expect(f.text.includes(CANARY), `the key is in ${f.file}`).toBe(false);
    expect(seen.length).toBeGreaterThan(10);
    for (const s of seen) expect(s).not.toContain(CANARY);
    for (const l of logs) expect(l).not.toContain(CANARY);
  });

  it('says which key is in use when VENICE_API_KEY overrides the keychain', async () => {
    const env = new AppServices({ dataDir: path.join(dir, 'env'), mode: 'test', version: 'test', secrets: new SecretStore({ VENICE_API_KEY: OTHER }, SERVICE) });
    const r = await dispatch(createHandlers(env), 'secrets:status', undefined);
    await env.close();
    expect(r).toMatchObject({ ok: true, value: { set: true, source: 'environment', last4: OTHER.slice(-4) } });
    expect(JSON.stringify(r)).not.toContain(OTHER);
  });

  it('clears the key from the keychain', async () => {
    expect((await call('secrets:clearKey')).value).toMatchObject({ set: false, source: 'none', last4: null });
    const keytar = (await import('keytar')).default;
    expect(await keytar.getPassword(SERVICE, KEYCHAIN_ACCOUNT)).toBeNull();
    for (const s of seen) expect(s).not.toContain(CANARY);
  });
});

describe('without a Secret Service', () => {
  it('tells the user plainly, offers VENICE_API_KEY, and never stores the key anywhere else', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'vb-nokeychain-'));
    try {
      const r = spawnSync(path.resolve('node_modules/.bin/tsx'), ['test/support/keychain-probe.ts'], {
        env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/venice-batch-test-bus', DISPLAY: '', PROBE_DATA_DIR: dir, PROBE_KEY: CANARY },
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(r.status, r.stderr).toBe(0);
      const out = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}');
      expect(out.status.value).toMatchObject({ set: false, keychainAvailable: false });
      expect(out.status.value.problem).toMatch(/keychain is not available.*VENICE_API_KEY/s);
      expect(out.set).toMatchObject({ ok: false, error: { code: 'keychain_unavailable' } });
      expect(out.set.error.message).toMatch(/Secret Service|gnome-keyring/);
      expect(out.set.error.message).toMatch(/VENICE_API_KEY/);
      expect(r.stdout + r.stderr).not.toContain(CANARY);
      for (const f of filesUnder(dir)) expect(f.text.includes(CANARY), `the key is in ${f.file}`).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
