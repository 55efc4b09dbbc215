/**
 * The morning report through the app: when a batch ends, its report is published (`report:ready`) and the
 * batch's notice (the desktop notification) is its summary; when the app starts after a night, the report of a
 * batch that ended unseen is published again with a `morning-report` notice, until the user marks it seen. A batch
 * that waits by itself shows why in its view.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppEvent } from '../../main/core/services/app-events';
import { AppServices } from '../../main/core/services/app-services';
import { defaultSettings } from '../../main/core/services/app-settings';
import { SecretStore } from '../../main/core/secrets/secret-store';
import { startSimulator, type Simulator } from '../../main/core/venice/simulator';
import { createHandlers, dispatch } from '../../main/handlers';

let sim: Simulator;
let dir: string;

beforeAll(async () => {
  sim = await startSimulator({ processingMs: 300, seed: 8 });
  dir = mkdtempSync(path.join(os.tmpdir(), 'vb-report-'));
});
afterAll(async () => {
  await sim?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function open(): { app: AppServices; events: AppEvent[] } {
  const env = { VENICE_API_KEY: 'sim-key', VENICE_BASE_URL: sim.url };
  const app = new AppServices({
    dataDir: path.join(dir, 'data'),
    mode: 'test',
    version: 'test',
    env: { ...process.env, ...env },
    secrets: new SecretStore(env, `venice-batch-report-${process.pid}`),
    engine: { pollPolicy: { floorMs: 150, ceilingMs: 1_000 }, tickMs: 50 },
    settingsDefaults: { ...defaultSettings(), outputDir: path.join(dir, 'clips'), rehearsal: false },
  });
  const events: AppEvent[] = [];
  app.on((e) => events.push(e));
  return { app, events };
}

const ok = <T>(r: { ok: boolean; value?: unknown; error?: unknown }): T => {
  expect(r.ok, JSON.stringify(r.error)).toBe(true);
  return r.value as T;
};

describe('the morning report in the app', () => {
  it('is published when a batch ends, again after a night until seen, and a waiting batch says why', async () => {
    const first = open();
    await first.app.start();
    let h = createHandlers(first.app);
    const preview = ok<{ importId: string }>(
      await dispatch(h, 'batch:importSheet', {
        fileName: 'night.csv',
        text: 'name,prompt\nOne,A lighthouse at dusk\nTwo,A harbour at dawn\n',
        rehearsal: false,
        defaults: { model: 'sim-fast-text-to-video', duration: '1s', resolution: '480p', audio: false },
      }),
    );
    const batch = ok<{ id: number }>(await dispatch(h, 'batch:create', { importId: preview.importId, confirmSpend: true }));
    await first.app.engine.waitUntilSettled(batch.id, 50);
    await new Promise((r) => setTimeout(r, 300)); // coalesced batch updates
    const ready = first.events.filter((e) => e.name === 'report:ready').map((e) => e.payload as { batchId: number; summary: string; clips: { done: number } });
    expect(ready.map((r) => r.batchId)).toEqual([batch.id]);
    expect(ready[0]?.clips.done).toBe(2);
    expect(ready[0]?.summary).toMatch(/^Batch "night.*": 2 of 2 clips done; \$0\.\d\d spent of \$0\.\d\d quoted\.$/);
    const finished = first.events.find((e) => e.name === 'notice' && e.payload.kind === 'batch-finished');
    expect(finished?.payload).toMatchObject({ message: ready[0]?.summary, batchId: batch.id });

    // A hold the engine opened shows in the batch's view (here, one left open by a previous run's network outage).
    first.app.store!.holds.open({ scope: 'endpoint', baseUrl: sim.url, cause: 'offline', message: 'No connection to Venice (test)', auto: true, at: Date.now() });
    const view = ok<{ batch: { waitingReason: string | null } }>(await dispatch(h, 'batch:get', { batchId: batch.id }));
    expect(view.batch.waitingReason).toBe('No connection to Venice (test)');
    await first.app.close();

    // The next morning: the app starts, the report of the unseen batch comes again, with a notification.
    const second = open();
    await second.app.start();
    h = createHandlers(second.app);
    expect(second.events.some((e) => e.name === 'notice' && e.payload.kind === 'morning-report' && e.payload.batchId === batch.id)).toBe(true);
    expect(second.events.some((e) => e.name === 'report:ready')).toBe(true);
    const unseen = ok<{ batchId: number; pauses: Array<{ cause: string }> } | null>(await dispatch(h, 'report:get', {}));
    expect(unseen?.batchId).toBe(batch.id);
    ok(await dispatch(h, 'report:markSeen', { batchId: batch.id }));
    expect(ok(await dispatch(h, 'report:get', {}))).toBeNull();
    expect(ok<{ batchId: number }>(await dispatch(h, 'report:get', { batchId: batch.id })).batchId).toBe(batch.id);
    expect(await dispatch(h, 'report:get', { batchId: 999 })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    await second.app.close();

    // Seen: the next start says nothing more about it.
    const third = open();
    await third.app.start();
    expect(third.events.some((e) => e.name === 'notice' && e.payload.kind === 'morning-report')).toBe(false);
    await third.app.close();
  }, 120_000);
});
