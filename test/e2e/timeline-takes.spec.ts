/**
 * Takes on the timeline, in browser mode on a real Rehearsal batch: rows asked for two takes put their first take on
 * the track and both under it as chips; the editor trims the clip with I, picks the other take with a click, and the
 * trim stays (the takes are the same length), one undo step, saved.
 */
import { expect, test } from '@playwright/test';
import { SHEET, callApp } from './support';
import { useWebApp } from './web-app-fixture';

const web = useWebApp();

const call = <T>(name: string, input: unknown): Promise<T> => callApp<T>(web, name, input);


test('the other takes wait under the clip; swapping one keeps the trim', async ({ page }) => {
  test.setTimeout(120_000);
  // The batch is made through the app's calls (two takes of every row), as the sheet panel would make it.
  const preview = await call<{ importId: string }>('batch:importSheet', { fileName: 'takes.csv', text: SHEET, rehearsal: true, defaults: { takes: 2 } });
  await call('batch:create', { importId: preview.importId, concurrency: 3 });
  await page.goto(web.url);
  await expect(page.getByTestId('batch-header').getByTestId('batch-done')).toHaveText('6/6 done', { timeout: 60_000 });
  await expect(page.getByTestId('timeline-clip')).toHaveCount(3, { timeout: 15_000 });
  const [batch] = await call<{ id: number }[]>('batch:list', {});
  type View = { clips: { rowId: number; inSec: number }[]; bin: { rowId: number; row: number; take: number; fps: string }[] };
  const before = await call<View>('timeline:get', { batchId: batch!.id });
  const takes = before.bin.filter((b) => b.row === before.bin.find((x) => x.rowId === before.clips[0]!.rowId)!.row);
  expect(takes.map((t) => t.take)).toEqual([1, 2]);
  const chips = page.getByTestId('takes').first().getByRole('button');
  await expect(chips).toHaveText(['T1', 'T2']);
  await expect(chips.first()).toHaveAttribute('aria-pressed', 'true');

  // In point 5 frames into the first take.
  await page.getByTestId('timeline-ruler').click({ position: { x: 2, y: 10 } });
  for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowRight');
  await page.keyboard.press('i');
  await expect(page.getByTestId('save-state')).toHaveText('Saved', { timeout: 10_000 });
  const fps = Number(before.bin[0]!.fps);

  await page.getByTestId('takes').first().getByRole('button', { name: /^Take 2 of / }).click();
  await expect(page.getByTestId('save-state')).toHaveText('Saved', { timeout: 10_000 });
  const after = await call<View>('timeline:get', { batchId: batch!.id });
  expect(after.clips[0]!.rowId).toBe(takes[1]!.rowId);
  expect(Math.round(after.clips[0]!.inSec * fps)).toBe(5);
  await expect(page.getByTestId('takes').first().getByRole('button', { name: /^Take 2 of / })).toHaveAttribute('aria-pressed', 'true');
  // One undo step puts the first take back, trim and all.
  await page.getByTestId('timeline-pane').click({ position: { x: 6, y: 6 } });
  await page.keyboard.press('Control+z');
  await expect(page.getByTestId('save-state')).toHaveText('Saved', { timeout: 10_000 });
  const undone = await call<View>('timeline:get', { batchId: batch!.id });
  expect(undone.clips[0]).toMatchObject({ rowId: takes[0]!.rowId });
  expect(Math.round(undone.clips[0]!.inSec * fps)).toBe(5);
  await page.screenshot({ path: 'test-results/e2e-timeline-takes.png' });
});
