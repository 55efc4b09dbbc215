/**
 * From finished clips to one stitched video, as an editor does it in browser mode: run a Rehearsal batch of three
 * clips, move one by keyboard, trim another, add a crossfade, export, watch the progress bar and read the result;
 * the reported duration must be the sum of the trimmed lengths less the crossfade. A reload shows the saved timeline.
 */
import { expect, test, type Page } from '@playwright/test';
import { SHEET, startWebApp, type WebApp } from './support';

let web: WebApp;

test.beforeAll(async () => {
  web = await startWebApp();
});

test.afterAll(async () => {
  if (test.info().status !== 'passed') console.log(web?.output());
  await web?.stop();
});

/** Calls the app the way the page does (the token from the start address), for facts the test checks against. */
async function call<T>(name: string, input: unknown): Promise<T> {
  const token = new URL(web.url).searchParams.get('token') ?? '';
  const res = await fetch(new URL(`/api/${name}`, web.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-venice-token': token },
    body: JSON.stringify(input),
  });
  const body = (await res.json()) as { ok: boolean; value: T; error?: { message: string } };
  if (!body.ok) throw new Error(`${name}: ${body.error?.message}`);
  return body.value;
}

const cardLabels = (page: Page) => page.getByTestId('timeline-clip').locator('.clip-label').allTextContents();

test('reorders, trims, crossfades and exports the timeline, which survives a reload', async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto(web.url);
  await expect(page.getByText('No batches yet')).toBeVisible();
  await page.getByTestId('sheet-input').setInputFiles({ name: 'harbour.csv', mimeType: 'text/csv', buffer: Buffer.from(SHEET) });
  await expect(page.getByText('3 rows ready')).toBeVisible();
  await page.getByRole('button', { name: 'Queue 3 clips in Rehearsal' }).click();
  await expect(page.getByTestId('batch-header').getByTestId('batch-done')).toHaveText('3/3 done', { timeout: 45_000 });

  const panel = page.getByRole('region', { name: 'Timeline' });
  const cards = panel.getByTestId('timeline-clip');
  await expect(cards).toHaveCount(3, { timeout: 15_000 });
  const before = (await cardLabels(page)).map((l) => l.replace(/^\d+\. /, ''));

  // Keyboard sorting: focus the first card's handle, pick it up, move it one place right, drop it.
  const handle = panel.getByRole('button', { name: `Move ${before[0]} (position 1)` });
  await handle.focus();
  await page.keyboard.press('Space');
  await expect(handle).toHaveAttribute('aria-pressed', 'true');
  await page.keyboard.press('ArrowRight');
  // dnd-kit's screen-reader announcement says when the card is over another card's place (not its own).
  await expect(page.getByText(/Draggable item (\S+) was moved over droppable area (?!\1\.)/)).toBeAttached();
  await page.keyboard.press('Space');
  await expect.poll(async () => (await cardLabels(page)).map((l) => l.replace(/^\d+\. /, ''))).toEqual([before[1], before[0], before[2]]);

  // Trim the (new) first clip: in at 0.2 s.
  await panel.getByRole('button', { name: `Trim ${before[1]}` }).click();
  const inField = panel.getByLabel('In point, seconds');
  await inField.fill('0.2');
  await inField.press('Enter');
  await expect(cards.nth(0)).toContainText('(trimmed)');

  // A 0.3 s crossfade into the third clip.
  await panel.getByLabel(`Transition into ${before[2]}`).selectOption('crossfade');
  const fade = panel.getByLabel(`Crossfade length into ${before[2]}, seconds`);
  await fade.fill('0.3');
  await fade.press('Enter');
  await expect(panel.getByTestId('save-state')).toHaveText('Saved', { timeout: 10_000 });
  await page.screenshot({ path: 'test-results/e2e-timeline-edited.png', fullPage: true });

  // The in-app preview steps through the clips, honouring the trims.
  await panel.getByRole('button', { name: 'Play the sequence' }).click();
  await expect(panel.getByText(/^Clip 3 of 3: /)).toBeVisible({ timeout: 15_000 });

  // The expected running time, from the clips' probed lengths as the app reports them.
  const [batch] = await call<{ id: number }[]>('batch:list', {});
  const saved = await call<{ clips: { rowId: number; inSec: number; outSec: number | null }[]; bin: { rowId: number; durationSec: number | null }[] }>('timeline:get', {
    batchId: batch!.id,
  });
  expect(saved.clips.map((c) => c.inSec)).toEqual([0.2, 0, 0]);
  const lengths = saved.clips.map((c) => (c.outSec ?? saved.bin.find((b) => b.rowId === c.rowId)!.durationSec!) - c.inSec);
  const expected = lengths.reduce((a, b) => a + b, 0) - 0.3;

  // Watch for the progress bar from before the click: a fast export may finish before a poll would see it.
  await page.evaluate(() => {
    const w = window as unknown as { sawProgress: boolean };
    w.sawProgress = false;
    new MutationObserver(() => {
      if (document.querySelector('[aria-label="Export progress"]')) w.sawProgress = true;
    }).observe(document.body, { childList: true, subtree: true });
  });
  await panel.getByLabel('Export file name').fill('harbour-cut.mp4');
  await panel.getByRole('button', { name: 'Export', exact: true }).click();
  const done = panel.getByTestId('export-done');
  await expect(done).toBeVisible({ timeout: 60_000 });
  expect(await page.evaluate(() => (window as unknown as { sawProgress: boolean }).sawProgress)).toBe(true);
  await expect(done).toContainText('harbour-cut.mp4');
  await expect(done).toContainText('Re-encoded to one format');
  const reported = Number(/\((\d+\.\d+) s\)/.exec((await done.textContent()) ?? '')?.[1]);
  expect(Math.abs(reported - expected)).toBeLessThanOrEqual(0.1);
  await page.screenshot({ path: 'test-results/e2e-timeline-exported.png', fullPage: true });

  // Exporting again to the same name asks before replacing.
  await panel.getByRole('button', { name: 'Export', exact: true }).click();
  await expect(panel.getByRole('button', { name: 'Replace it' })).toBeVisible({ timeout: 20_000 });
  await page.screenshot({ path: 'test-results/e2e-timeline-exists.png', fullPage: true });
  const first = await call<{ jobId: string }>('export:status', { batchId: batch!.id });
  await panel.getByRole('button', { name: 'Replace it' }).click();
  await expect(panel.getByRole('button', { name: 'Replace it' })).toHaveCount(0);
  // Replacing runs a new export job over the same name.
  await expect
    .poll(async () => {
      const now = await call<{ jobId: string; state: string }>('export:status', { batchId: batch!.id });
      return now.jobId !== first.jobId && now.state;
    }, { timeout: 60_000 })
    .toBe('done');
  await expect(done).toContainText('harbour-cut.mp4');

  // The hand-off for an editing suite lists the files it wrote.
  await panel.getByRole('button', { name: 'Write EDL, FCPXML and contact sheet' }).click();
  const files = panel.getByRole('region', { name: 'Hand-off to an editing suite' }).getByRole('listitem');
  await expect(files).toHaveCount(3, { timeout: 30_000 });
  await expect(files.filter({ hasText: 'CMX 3600 EDL' })).toContainText('.edl');
  await expect(files.filter({ hasText: 'FCPXML' })).toContainText('.fcpxml');

  // The timeline is saved with the batch: a reload shows the same order, trim and crossfade.
  await page.reload();
  await expect(cards).toHaveCount(3, { timeout: 15_000 });
  expect((await cardLabels(page)).map((l) => l.replace(/^\d+\. /, ''))).toEqual([before[1], before[0], before[2]]);
  await expect(cards.nth(0)).toContainText('(trimmed)');
  await expect(panel.getByLabel(`Crossfade length into ${before[2]}, seconds`)).toHaveValue('0.3');
  await expect(panel.getByTestId('export-done')).toContainText('harbour-cut.mp4');
});
