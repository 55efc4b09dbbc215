/**
 * A real AppServices on a temp data folder with a Rehearsal batch run to the end on the simulator's fast model,
 * driven through the contract's handler table (so inputs and outputs are parsed as a window's would be).
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHandlers, dispatch, type Handlers } from '../../main/handlers';
import { AppServices } from '../../main/core/services/app-services';
import { defaultSettings } from '../../main/core/services/app-settings';
import { SecretStore } from '../../main/core/secrets/secret-store';

export interface AppWithBatch {
  app: AppServices;
  handlers: Handlers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- results are read back as a window would
  call: (name: string, input?: unknown) => Promise<{ ok: boolean; value?: any; error?: { code: string; message: string } }>;
}

export function tempRoot(prefix: string): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

export async function openApp(root: string): Promise<AppWithBatch> {
  const app = new AppServices({
    dataDir: path.join(root, 'data'),
    mode: 'test',
    version: 'test',
    // Nothing real: no key, and "real" Venice is an address nothing listens on.
    env: { ...process.env, VENICE_API_KEY: '', VENICE_BASE_URL: 'http://127.0.0.1:9/api/v1' },
    secrets: new SecretStore({ VENICE_API_KEY: '' }, `venice-batch-test-${process.pid}`),
    rehearsalProcessingMs: 200,
    engine: { pollPolicy: { floorMs: 100, ceilingMs: 500 }, tickMs: 50 },
    settingsDefaults: { ...defaultSettings(), outputDir: path.join(root, 'clips') },
  });
  await app.start();
  const handlers = createHandlers(app);
  const call = (name: string, input?: unknown) => dispatch(handlers, name, input, () => undefined) as ReturnType<AppWithBatch['call']>;
  return { app, handlers, call };
}

export async function until(check: () => boolean | Promise<boolean>, what: string, ms = 60_000): Promise<void> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > ms) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Imports `names` as a Rehearsal sheet (one `seconds`-long clip each) and waits until every row is done. */
export async function finishedBatch(a: AppWithBatch, names: string[], seconds = 1): Promise<number> {
  const csv = `Shot,Prompt,Duration (s),Resolution\n${names.map((n) => `${n},A shot called ${n},${seconds},480p`).join('\n')}\n`;
  const preview = await a.call('batch:importSheet', { fileName: `${names[0]}.csv`, text: csv, rehearsal: true, defaults: { model: 'sim-fast-text-to-video', audio: false } });
  if (!preview.ok) throw new Error(`import failed: ${preview.error?.message}`);
  const created = await a.call('batch:create', { importId: preview.value.importId, concurrency: 3 });
  if (!created.ok) throw new Error(`create failed: ${created.error?.message}`);
  const batchId = created.value.id as number;
  await until(async () => {
    const got = await a.call('batch:get', { batchId });
    return got.value.rows.every((r: { state: string }) => r.state === 'done');
  }, 'the batch to finish');
  return batchId;
}
