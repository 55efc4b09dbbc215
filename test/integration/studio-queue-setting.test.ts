/**
 * The Studio queue setting's service against a real PostgreSQL: an address is saved only after a connection worked,
 * the password comes from ~/.pgpass (here PGPASSFILE) or PGPASSWORD and never from the address, refusals say what to
 * do, and the view tells whether a restart is needed and whether VENICE_BATCH_DB overrides the setting.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SettingsFile, type Settings, type SettingsPatch } from '../../main/core/services/app-settings';
import type { AppInfo } from '../../main/core/services/app-services';
import { PgQueueStore } from '../../main/core/queue/pg/pg-store';
import { checkStudioQueue, setStudioQueue, studioQueueView, type StudioQueueHost } from '../../main/core/services/studio-queue-setting';
import { startPostgres, type TestPostgres } from '../support/postgres';

let server: TestPostgres;
let dir: string;
const saved = { PGPASSWORD: process.env.PGPASSWORD, PGPASSFILE: process.env.PGPASSFILE };

beforeAll(async () => {
  server = await startPostgres();
  dir = mkdtempSync(path.join(os.tmpdir(), 'vb-studio-setting-'));
}, 120_000);
afterAll(async () => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  await server?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** An app as the service sees it: on `queue`, with its settings in a real settings file. */
function host(queue: AppInfo['queue'], env: NodeJS.ProcessEnv = {}): StudioQueueHost {
  const settings = new SettingsFile(mkdtempSync(path.join(dir, 'data-')));
  return {
    info: () => ({ queue }),
    getSettings: (): Settings => settings.get(),
    setSettings: async (patch: SettingsPatch) => settings.set(patch),
    opts: { env },
  };
}

const withoutPassword = (url: string) => {
  const u = new URL(url);
  u.password = '';
  return u.toString();
};

describe('Settings > Studio queue (service)', () => {
  // First in the file: node-postgres warns once per process, so a pgpass read by an earlier test would hide it.
  it('reads ~/.pgpass itself: the queue opens from it, with no warning from node-postgres (whose pg 9 stops reading it)', async () => {
    const url = await server.newDatabase('pgpass_queue');
    const u = new URL(url);
    delete process.env.PGPASSWORD;
    const passfile = path.join(dir, 'pgpass-queue');
    writeFileSync(passfile, `${u.hostname}:${u.port}:*:${u.username}:${u.password}\n`, { mode: 0o600 });
    process.env.PGPASSFILE = passfile;
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.message);
    process.on('warning', onWarning);
    try {
      await expect(checkStudioQueue(withoutPassword(url))).resolves.toBeUndefined();
      const store = await PgQueueStore.open(withoutPassword(url));
      try {
        expect(await store.listBatches()).toEqual([]);
      } finally {
        await store.close();
      }
      // Warnings are emitted on the next tick.
      await new Promise((r) => setImmediate(r));
      expect(warnings.filter((w) => /pgpass/i.test(w))).toEqual([]);
    } finally {
      process.off('warning', onWarning);
      delete process.env.PGPASSFILE;
    }
  });

  it('connects with the password from a pgpass file, and says plainly when it cannot', async () => {
    const url = await server.newDatabase('setting');
    const u = new URL(url);
    delete process.env.PGPASSWORD;
    const passfile = path.join(dir, 'pgpass');
    writeFileSync(passfile, `${u.hostname}:${u.port}:*:${u.username}:${u.password}\n`, { mode: 0o600 });
    process.env.PGPASSFILE = passfile;
    await expect(checkStudioQueue(withoutPassword(url))).resolves.toBeUndefined();

    writeFileSync(passfile, `${u.hostname}:${u.port}:*:${u.username}:not-the-password\n`, { mode: 0o600 });
    await expect(checkStudioQueue(withoutPassword(url))).rejects.toThrow(/refused the user name or password. Put the password in ~\/.pgpass/);
    process.env.PGPASSWORD = u.password;
    delete process.env.PGPASSFILE;
    await expect(checkStudioQueue(`postgres://postgres@${u.host}/nothing_here`)).rejects.toThrow(/There is no database "nothing_here" at 127\.0\.0\.1:\d+: create it first/);
    await expect(checkStudioQueue('postgres://postgres@127.0.0.1:1/x')).rejects.toThrow(/Nothing answers at 127\.0\.0\.1:1/);
  });

  it('saves only what connected; the view says when a restart is needed and when VENICE_BATCH_DB wins', async () => {
    const url = await server.newDatabase('view');
    process.env.PGPASSWORD = new URL(url).password;
    const address = withoutPassword(url);
    const local = host({ kind: 'local', description: 'this computer', problem: null });
    expect(studioQueueView(local)).toEqual({ on: { kind: 'local', description: 'this computer', problem: null }, environment: null, setting: null, restartNeeded: false });

    await expect(setStudioQueue(local, 'postgres://postgres@127.0.0.1:1/x')).rejects.toThrow(/Nothing answers/);
    expect(local.getSettings().studioQueue).toBeNull();
    const view = await setStudioQueue(local, address);
    expect(view).toMatchObject({ setting: address, restartNeeded: true });
    expect((await setStudioQueue(local, null)).restartNeeded).toBe(false);

    // On the studio queue already, with VENICE_BATCH_DB set: shown masked, and it is what counts.
    const description = `PostgreSQL ${new URL(url).host}${new URL(url).pathname}`;
    const onEnv = host({ kind: 'studio', description, problem: null }, { VENICE_BATCH_DB: url });
    const envView = studioQueueView(onEnv);
    expect(envView.environment).toBe(url.replace(`:${new URL(url).password}@`, ':•••••@'));
    expect(envView.restartNeeded).toBe(false);
    expect(JSON.stringify(envView)).not.toContain(new URL(url).password);
  });
});
