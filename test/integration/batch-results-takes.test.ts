/* eslint-disable @typescript-eslint/no-explicit-any -- values come back through the contract's envelope */
/**
 * Through the handler table, with a real store and the Venice simulator: the results sheet of a finished Rehearsal
 * batch (escaped cells, costs, queue ids, no links), and takes (N clips per sheet row, each quoted).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandlers, dispatch, type Handlers } from '../../main/handlers';
import { statusCommand } from '../../main/cli/status-command';
import type { CliSession } from '../../main/cli/session';
import { AppServices } from '../../main/core/services/app-services';
import { defaultSettings } from '../../main/core/services/app-settings';
import { SecretStore } from '../../main/core/secrets/secret-store';
import { startSimulator, type Simulator } from '../../main/core/venice/simulator';
import { until } from '../support/app-batch';

let dir: string;
let app: AppServices;
let handlers: Handlers;
let realVenice: Simulator;

const call = (name: string, input?: unknown): Promise<any> => dispatch(handlers, name, input, () => undefined);

beforeAll(async () => {
  realVenice = await startSimulator({ apiKeys: ['real-key'], processingMs: 200 });
  dir = mkdtempSync(path.join(os.tmpdir(), 'vb-results-'));
  app = new AppServices({
    dataDir: path.join(dir, 'data'),
    mode: 'test',
    version: 'test',
    env: { ...process.env, VENICE_API_KEY: '', VENICE_BASE_URL: realVenice.url },
    secrets: new SecretStore({ VENICE_API_KEY: '' }, `venice-batch-test-${process.pid}`),
    rehearsalProcessingMs: 200,
    engine: { pollPolicy: { floorMs: 100, ceilingMs: 500 }, tickMs: 50 },
    settingsDefaults: { ...defaultSettings(), outputDir: path.join(dir, 'clips') },
  });
  await app.start();
  handlers = createHandlers(app);
});

afterAll(async () => {
  await app?.close();
  await realVenice?.close();
  rmSync(dir, { recursive: true, force: true });
});

const DEFAULTS = { model: 'sim-fast-text-to-video', audio: false };

describe('results sheet', () => {
  it('exports a finished batch with escaped cells, costs and queue ids, and no download links', async () => {
    const csv = 'Name,Prompt,Duration,Resolution\nOpening,"=HYPERLINK(""http://evil.example"",""x"")",1,480p\n@SUM,+cmd a lighthouse,1,480p\n';
    const preview = await call('batch:importSheet', { fileName: 'hostile.csv', text: csv, rehearsal: true, defaults: DEFAULTS });
    expect(preview.ok).toBe(true);
    expect(preview.value.summary.valid).toBe(2);
    const created = await call('batch:create', { importId: preview.value.importId, concurrency: 2 });
    expect(created.ok).toBe(true);
    const batchId = created.value.id as number;
    await until(async () => (await call('batch:get', { batchId })).value.batch.phase === 'finished', 'the batch to finish', 100_000);

    const res = await call('batch:resultsSheet', { batchId });
    expect(res.ok).toBe(true);
    expect(res.value.fileName).toBe('hostile results.csv');
    expect(res.value.csv).not.toMatch(/https?:\/\/(?!evil\.example)/);
    const table = Papa.parse<string[]>(res.value.csv.replace(/^\uFEFF/, ''), { skipEmptyLines: true }).data;
    const [header, ...lines] = table;
    const col = (n: string) => header!.indexOf(n);
    expect(lines).toHaveLength(2);
    expect(lines.map((l) => l[col('prompt')])).toEqual([`'=HYPERLINK("http://evil.example","x")`, "'+cmd a lighthouse"]);
    expect(lines[1]![col('name')]).toBe("'@SUM");
    for (const l of lines) {
      expect(l[col('status')]).toBe('done');
      expect(Number(l[col('cost_usd')])).toBeGreaterThan(0);
      expect(l[col('queue_id')]).not.toBe('');
      expect(l[col('file')]).toMatch(/\.mp4$/);
    }
    expect(await call('batch:resultsSheet', { batchId: 9999 })).toMatchObject({ ok: false, error: { code: 'not_found' } });

    // The CLI writes the same sheet: `venice-batch status --batch N --csv file`.
    const file = path.join(dir, 'cli-results.csv');
    let said = '';
    const out = { write: (t: string) => ((said += t), true) } as unknown as NodeJS.WritableStream;
    const session = { store: app.store, queue: app.queue } as unknown as CliSession;
    expect(await statusCommand(session, { batch: String(batchId), csv: file }, out)).toBe(0);
    expect(said).toContain(`Wrote the results of batch ${batchId} (2 rows)`);
    expect(readFileSync(file, 'utf8')).toBe(res.value.csv);
  }, 120_000);
});

describe('takes', () => {
  it('turns a 2-row sheet with takes 3 into 6 clips, every take quoted and counted in the total', async () => {
    const csv = 'Name,Prompt,Duration,Resolution\nHarbour,Boats at dawn,1,480p\nMarket,A busy fish market,1,480p\n';
    const one = await call('batch:importSheet', { fileName: 'one-take.csv', text: csv, rehearsal: true, defaults: DEFAULTS });
    const three = await call('batch:importSheet', { fileName: 'takes.csv', text: csv, rehearsal: true, defaults: { ...DEFAULTS, takes: 3 } });
    expect(one.ok && three.ok).toBe(true);
    expect(three.value.summary).toEqual({ total: 2, valid: 2, invalid: 0 });
    expect(one.value.totalUsd).toBeGreaterThan(0);
    // Every take is its own clip and its own charge.
    expect(three.value.totalUsd).toBeCloseTo(one.value.totalUsd * 3, 2);

    const created = await call('batch:create', { importId: three.value.importId, concurrency: 3 });
    expect(created.ok).toBe(true);
    expect(created.value.total).toBe(6);
    expect(created.value.quotedUsd).toBeCloseTo(three.value.totalUsd, 2);
    const batchId = created.value.id as number;
    await until(async () => (await call('batch:get', { batchId })).value.batch.phase === 'finished', 'the batch to finish', 100_000);
    const { rows } = (await call('batch:get', { batchId })).value;
    expect(rows.map((r: any) => [r.row, r.take, r.prompt])).toEqual([
      [1, 1, 'Boats at dawn'],
      [1, 2, 'Boats at dawn'],
      [1, 3, 'Boats at dawn'],
      [2, 1, 'A busy fish market'],
      [2, 2, 'A busy fish market'],
      [2, 3, 'A busy fish market'],
    ]);
    for (const r of rows) expect(r.quoteUsd).toBeGreaterThan(0);
    // The default template "{row}-{name}-{take}" keeps the takes' files apart.
    expect(rows.map((r: any) => r.fileName)).toEqual([
      '001-Harbour-1.mp4',
      '001-Harbour-2.mp4',
      '001-Harbour-3.mp4',
      '002-Market-1.mp4',
      '002-Market-2.mp4',
      '002-Market-3.mp4',
    ]);
  }, 120_000);

  it('reads takes per row from a Variants column, and refuses a bad one with a plain message', async () => {
    const csv = 'Prompt,Variants,Duration,Resolution\nBoats at dawn,2,1,480p\nA fish market,,1,480p\nA lighthouse,eleven,1,480p\n';
    const preview = await call('batch:importSheet', { fileName: 'variants.csv', text: csv, rehearsal: true, defaults: DEFAULTS });
    expect(preview.value.summary).toEqual({ total: 3, valid: 2, invalid: 1 });
    expect(preview.value.rows[2].errors).toEqual([
      { column: 'Variants', message: 'Takes "eleven" is not a whole number from 1 to 10: write how many versions of this row to generate, or leave it empty for 1.' },
    ]);
    expect(await call('batch:importSheet', { fileName: 'x.csv', text: csv, rehearsal: true, defaults: { ...DEFAULTS, takes: 11 } })).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', message: 'defaults.takes: At most 10 takes per row.' },
    });
  });
});
