/** A queued batch's spend cap (checked in main before a resume and when changed) and drafts kept in the data folder. */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteQueueStore } from '../../main/core/queue/sqlite-adapter/store';
import { QueueStore } from '../../main/core/queue/store';
import { Drafts } from '../../main/core/services/drafts';
import { batchTitle, withoutSheetExtension } from '../../main/core/services/batch-name';
import { capBlocksResume, setSpendCap } from '../../main/core/services/spend-cap';
import { plainPauseReason } from '../../main/core/services/views';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const tempDir = () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vb-cap-'));
  dirs.push(dir);
  return dir;
};

/** A batch of three $0.50 clips under a $1.00 cap, the first two paid and the batch stopped at the cap. */
function cappedBatch(): { store: QueueStore; api: SqliteQueueStore; batchId: number } {
  const store = new QueueStore(path.join(tempDir(), 'queue.sqlite'));
  const batchId = store.createBatch(
    { name: 'b', settings: { concurrency: 2 }, outputDir: '/tmp/out', nameTemplate: '{row}', baseUrl: 'http://x', budgetUsd: 1 },
    [1, 2, 3].map((n) => ({ rowIndex: n, params: { model: 'm', prompt: `p${n}`, duration: '5s' }, quoteUsd: 0.5 })),
  );
  for (const row of store.listRows(batchId).slice(0, 2)) {
    const a = store.beginSubmit(row.id, 'm', '{}', 0.5);
    store.tx(() => {
      store.patchAttempt(a, { state: 'queued', charged: true });
      store.transitionRow(row.id, 'submitting', 'queued', {});
    });
  }
  store.setBatchStatus(batchId, 'paused', 'Budget reached: $1.00 of $1.00 spent; the next clip would exceed it. Raise the budget to continue.');
  return { store, api: new SqliteQueueStore(store, store.file), batchId };
}

describe('spend cap of a queued batch', () => {
  it('refuses a resume that would only stop again, saying what is used, what the next clip costs and what to do', async () => {
    const { store, api, batchId } = cappedBatch();
    expect(await capBlocksResume(api, store.getBatch(batchId)!)).toBe(
      'This batch is at its spend cap: $1.00 of its $1.00 cap is used, and the next clip costs $0.50. Raise the cap to at least $1.50, or remove it, to resume.',
    );
  });

  it('refuses a cap below what is used, takes a higher one or none, and says the batch can resume', async () => {
    const { store, api, batchId } = cappedBatch();
    await expect(setSpendCap(api, batchId, 0.75)).rejects.toThrow('The cap cannot be below what this batch has already used ($1.00)');
    expect(store.getBatch(batchId)!.budgetUsd).toBe(1);
    await setSpendCap(api, batchId, 1.5);
    expect(store.getBatch(batchId)).toMatchObject({ budgetUsd: 1.5, status: 'paused', pauseReason: 'Stopped at the spend cap; the cap is now $1.50. Resume to continue.' });
    expect(await capBlocksResume(api, store.getBatch(batchId)!)).toBeNull();
    await setSpendCap(api, batchId, null);
    expect(store.getBatch(batchId)).toMatchObject({ budgetUsd: null, pauseReason: 'Stopped at the spend cap; there is no cap now. Resume to continue.' });
    expect(plainPauseReason('Budget reached: $1.00 of $1.00 spent; the next clip would exceed it. Raise the budget to continue.')).toBe(
      'Spend cap reached: $1.00 of $1.00 spent; the next clip would exceed it. Raise or remove the spend cap to continue.',
    );
    store.setBatchStatus(batchId, 'cancelled');
    await expect(setSpendCap(api, batchId, 5)).rejects.toThrow(/cancelled/);
  });
});

describe('drafts', () => {
  const utf8 = (text: string) => new TextEncoder().encode(text);
  const input = { title: 'harbor_shots', fileName: 'harbor_shots.csv', rehearsal: true, bytes: utf8('prompt\nfog'), mapping: { prompt: 'prompt' }, defaults: { takes: 2 }, budgetUsd: 0.5, rows: 1 };

  it('keeps a draft across instances (a restart), updates it in place, lists newest first and deletes it', async () => {
    const dir = tempDir();
    let now = 1000;
    const drafts = new Drafts(dir, () => now);
    const first = await drafts.save(input);
    now = 2000;
    const second = await drafts.save({ ...input, title: 'other' });
    const again = new Drafts(dir, () => now);
    expect((await again.list()).map((d) => d.title)).toEqual(['other', 'harbor_shots']);
    now = 3000;
    await again.save({ ...input, id: first.id, bytes: utf8('prompt\nfog at dawn') });
    expect(await again.get(first.id)).toMatchObject({ csv: 'prompt\nfog at dawn', defaults: { takes: 2 }, budgetUsd: 0.5, savedAt: 3000 });
    expect(await again.list()).toHaveLength(2);
    expect((await again.delete(second.id)).drafts.map((d) => d.id)).toEqual([first.id]);
    await expect(again.get(second.id)).rejects.toThrow(/no longer there/);
    // Written whole or not at all: no temporary files left behind, and nothing of the deleted draft.
    expect(readdirSync(path.join(dir, 'drafts')).sort()).toEqual([`${first.id}.csv`, `${first.id}.json`]);
  });

  it("lists drafts without reading their sheets' text", async () => {
    const dir = tempDir();
    const drafts = new Drafts(dir);
    const big = await drafts.save({ ...input, bytes: utf8(`prompt\n${'a long prompt for a big sheet\n'.repeat(1000)}`), rows: 1000 });
    // The details file is small whatever the sheet: the list reads only these.
    expect(statSync(path.join(dir, 'drafts', `${big.id}.json`)).size).toBeLessThan(1000);
    // A sheet whose text cannot be read is still listed (it is there to be deleted), and says so when opened.
    rmSync(path.join(dir, 'drafts', `${big.id}.csv`));
    expect((await drafts.list()).map((d) => d.rows)).toEqual([1000]);
    await expect(drafts.get(big.id)).rejects.toThrow(/no longer there/);
  });

  it('still reads a draft saved with its text inside (before the text had a file of its own)', async () => {
    const dir = tempDir();
    const id = '11111111-2222-3333-4444-555555555555';
    mkdirSync(path.join(dir, 'drafts'), { recursive: true });
    const { bytes: _bytes, ...details } = input;
    writeFileSync(path.join(dir, 'drafts', `${id}.json`), JSON.stringify({ ...details, csv: 'prompt\nfog', id, savedAt: 5 }));
    const drafts = new Drafts(dir);
    expect(await drafts.list()).toEqual([{ id, title: 'harbor_shots', fileName: 'harbor_shots.csv', rehearsal: true, rows: 1, savedAt: 5 }]);
    expect(await drafts.get(id)).toMatchObject({ csv: 'prompt\nfog', budgetUsd: 0.5 });
    // Saved again, it moves to the new form: the text beside the details.
    await drafts.save({ ...input, id, bytes: utf8('prompt\nfog again') });
    expect(JSON.parse(readFileSync(path.join(dir, 'drafts', `${id}.json`), 'utf8')).csv).toBeUndefined();
    expect((await drafts.get(id)).csv).toBe('prompt\nfog again');
  });

  it('skips a draft file that does not parse, and refuses ids that are not its own', async () => {
    const dir = tempDir();
    const drafts = new Drafts(dir);
    const ok = await drafts.save(input);
    writeFileSync(path.join(dir, 'drafts', '00000000-0000-0000-0000-000000000000.json'), '{ not json');
    expect((await drafts.list()).map((d) => d.id)).toEqual([ok.id]);
    await expect(drafts.save({ ...input, id: '../../escape' })).rejects.toThrow(/not a draft/);
  });
});

describe('batch names', () => {
  it('are the sheet without extension, with the tab when the workbook has several', () => {
    expect(batchTitle('harbor_shots.csv', {})).toBe('harbor_shots');
    expect(batchTitle('days.xlsx', { sheetNames: ['Day 1', 'Day 2'], sheetName: 'Day 2' })).toBe('days (Day 2)');
    expect(batchTitle('days.xlsx', { sheetNames: ['Only'], sheetName: 'Only' })).toBe('days');
    expect(withoutSheetExtension('harbor_shots.csv')).toBe('harbor_shots');
    expect(withoutSheetExtension('v1.2 final')).toBe('v1.2 final');
  });
});
