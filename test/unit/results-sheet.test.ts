/** The results CSV: one line per row, every hostile cell escaped so a spreadsheet app shows it as text. */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Papa from 'papaparse';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteQueueStore } from '../../main/core/queue/sqlite-adapter/store';
import { QueueStore } from '../../main/core/queue/store';
import { RESULTS_HEADER, resultsFileName, resultsSheet } from '../../main/core/services/results-sheet';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function storeWith(prompts: string[], names: Array<string | null> = []): { store: QueueStore; batchId: number } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vb-results-'));
  dirs.push(dir);
  const store = new QueueStore(path.join(dir, 'queue.sqlite'));
  const batchId = store.createBatch(
    { name: 'Shots: day/1', settings: { concurrency: 1 }, outputDir: '/tmp/out', nameTemplate: '{row}', baseUrl: 'http://x' },
    prompts.map((prompt, i) => ({ rowIndex: i + 1, params: { model: 'sim-model', prompt, duration: '5s' }, name: names[i] ?? null, quoteUsd: 0.25 })),
  );
  return { store, batchId };
}

const HOSTILE = ['=HYPERLINK("http://evil.example","click")', '+cmd|/c calc', '@SUM(A1:A9)', '-1+1', '\tleading tab', 'a plain prompt'];

describe('results sheet', () => {
  it('escapes every cell a spreadsheet app would run as a formula, and leaves plain text alone', async () => {
    const { store, batchId } = storeWith(HOSTILE, ['=cmd', null, null, null, null, 'plain']);
    const { csv, fileName } = await resultsSheet(new SqliteQueueStore(store, store.file), batchId);
    expect(fileName).toBe('Shots day 1 results.csv');
    const parsed = Papa.parse<string[]>(csv.replace(/^\uFEFF/, ''), { skipEmptyLines: true }).data;
    expect(parsed[0]).toEqual([...RESULTS_HEADER]);
    const promptCol = RESULTS_HEADER.indexOf('prompt');
    const nameCol = RESULTS_HEADER.indexOf('name');
    expect(parsed.slice(1).map((r) => r[promptCol])).toEqual([
      `'=HYPERLINK("http://evil.example","click")`,
      "'+cmd|/c calc",
      "'@SUM(A1:A9)",
      "'-1+1",
      "'\tleading tab",
      'a plain prompt',
    ]);
    expect(parsed[1]![nameCol]).toBe("'=cmd");
    expect(parsed[6]![nameCol]).toBe('plain');
    // No cell of any line starts with a formula character once parsed.
    for (const line of parsed.slice(1)) for (const cell of line) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
    store.close();
  });

  it('lists rows in queue order with their take, status, cost and no download link', async () => {
    const { store, batchId } = storeWith(['one', 'two']);
    const [first] = store.listRows(batchId);
    store.patchRow(first!.id, { errorMessage: 'Venice refused it', filePath: '/tmp/out/001-one-1.mp4' });
    const parsed = Papa.parse<string[]>((await resultsSheet(new SqliteQueueStore(store, store.file), batchId)).csv.replace(/^\uFEFF/, ''), { skipEmptyLines: true }).data;
    expect(parsed.slice(1).map((r) => [r[0], r[1], r[3], r[6], r[7], r[8], r[10]])).toEqual([
      ['1', '1', 'one', 'ready', '', '001-one-1.mp4', 'Venice refused it'],
      ['2', '1', 'two', 'ready', '', '', ''],
    ]);
    expect(parsed.flat().some((c) => /https?:/.test(c))).toBe(false);
    store.close();
  });

  it('gives a batch with an unusable name a usable file name', () => {
    expect(resultsFileName('///')).toBe('batch results.csv');
  });
});
