/**
 * Nothing lost by a misclick: opening another file over an edited sheet asks first, the edited sheet is kept as a
 * draft, and the draft is still there after the app restarts (browser mode started again over the same data folder),
 * with its edits, defaults and cap.
 */
import { expect, test, type Page } from '@playwright/test';
import { SHEET, startWebApp, type WebApp } from './support';

test.use({ actionTimeout: 10_000 });

let web: WebApp;
test.afterAll(async () => {
  if (test.info().status !== 'passed') console.log(web?.output());
  await web?.stop();
});

const OTHER = ['Prompt,Model,Duration', 'A lighthouse in a storm,sim-fast-text-to-video,1s'].join('\n');

async function open(page: Page, name: string, csv: string) {
  await page.getByTestId('sheet-input').setInputFiles({ name, mimeType: 'text/csv', buffer: Buffer.from(csv) });
}

test('another file asks before replacing an edited sheet, which survives a restart as a draft', async ({ page }) => {
  web = await startWebApp();
  await page.goto(web.url);
  await expect(page.getByTestId('key-status')).toBeVisible();
  await open(page, 'harbor_shots.csv', SHEET);
  await expect(page.getByTestId('editor-summary')).toHaveText('3 rows ready');
  await page.getByTestId('cell-2-prompt').dblclick();
  await page.getByTestId('cell-input').fill('Handheld walk through a fish market in the rain');
  await page.keyboard.press('Enter');
  await page.getByTestId('default-takes').selectOption('2');
  await page.getByTestId('budget-input').fill('0.50');
  await expect(page.getByText('(edited)')).toBeVisible();

  // Another file: nothing is replaced until the user says so.
  await open(page, 'other.csv', OTHER);
  const ask = page.getByTestId('confirm-replace');
  await expect(ask).toContainText('harbor_shots has edits that are not queued. Open other.csv instead?');
  await expect(page.getByTestId('cell-2-prompt')).toHaveText('Handheld walk through a fish market in the rain');
  await page.screenshot({ path: 'test-results/e2e-drafts-ask.png', fullPage: true });
  await ask.getByRole('button', { name: 'Keep editing harbor_shots' }).click();
  await expect(ask).toHaveCount(0);
  await expect(page.getByTestId('editor-summary')).toHaveText('3 rows ready');

  // Asked again, and this time replaced: the edited sheet is listed as a draft.
  await open(page, 'other.csv', OTHER);
  await ask.getByRole('button', { name: 'Open other.csv' }).click();
  await expect(page.getByTestId('editor-summary')).toHaveText('1 row ready');
  const draft = page.getByTestId('drafts').getByTestId('draft');
  await expect(draft).toHaveCount(1);
  await expect(draft).toContainText('harbor_shots');
  await expect(draft).toContainText('3 rows');

  // The app restarts over the same data folder: the draft is there, with its edit, its defaults and its cap.
  await web.stop({ keep: true });
  web = await startWebApp({ dir: web.dir });
  await page.goto(web.url);
  await expect(page.getByTestId('key-status')).toBeVisible();
  await expect(draft).toContainText('harbor_shots');
  await page.screenshot({ path: 'test-results/e2e-drafts-after-restart.png', fullPage: true });
  await draft.getByRole('button', { name: 'Open the draft harbor_shots' }).click();
  await expect(page.getByTestId('cell-2-prompt')).toHaveText('Handheld walk through a fish market in the rain');
  await expect(page.getByTestId('clip-count')).toHaveText('3 rows × 2 takes = 6 clips');
  await expect(page.getByTestId('budget-input')).toHaveValue('0.5');
  await expect(page.getByTestId('carry-over')).toHaveCount(0); // the draft's own settings, not carried over

  // Queued, the draft has done its job and leaves the list.
  await page.getByRole('button', { name: 'Queue 6 clips in Rehearsal' }).click();
  await expect(page.getByTestId('batch-header').getByRole('heading')).toHaveText('harbor_shots');
  await expect(page.getByTestId('drafts')).toHaveCount(0);
  await page.reload();
  await expect(page.getByTestId('key-status')).toBeVisible();
  await expect(page.getByTestId('batches')).toContainText('harbor_shots');
  await expect(page.getByTestId('drafts')).toHaveCount(0);
});

test('an edit made while the sheet is on its way to be queued is kept, not queued without it', async ({ page }) => {
  const app = await startWebApp();
  try {
    await page.goto(app.url);
    await expect(page.getByTestId('key-status')).toBeVisible();
    await open(page, 'harbor_shots.csv', SHEET);
    await expect(page.getByTestId('editor-summary')).toHaveText('3 rows ready');
    await page.getByTestId('cell-1-prompt').dblclick();
    await page.getByTestId('cell-input').fill('Slow aerial push over a harbour in rain');
    await page.keyboard.press('Enter');
    // The edited rows go to main before the batch is made: held there (the real server answers once let go) while the
    // editor types one more cell.
    let letGo: () => void = () => undefined;
    const held = new Promise<void>((r) => (letGo = r));
    let sent = false;
    await page.route('**/api/batch:importSheet', async (route) => {
      sent = true;
      await held;
      await route.continue();
    });
    await page.getByRole('button', { name: 'Queue 3 clips in Rehearsal' }).click();
    await expect.poll(() => sent).toBe(true);
    await page.getByTestId('cell-3-prompt').dblclick();
    await page.getByTestId('cell-input').fill('Boats returning at dusk, harbour lights on');
    await page.keyboard.press('Enter');
    letGo();
    await expect(page.getByRole('alert')).toContainText('You edited the sheet while it was being queued: check it and queue again.');
    await page.screenshot({ path: 'test-results/e2e-drafts-edited-while-queueing.png' });
    // No batch was made (the Batches pane shows none), and the sheet is still open with both edits.
    await expect(page.getByTestId('batch-header')).toHaveCount(0);
    await expect(page.getByTestId('cell-1-prompt')).toHaveText('Slow aerial push over a harbour in rain');
    await expect(page.getByTestId('cell-3-prompt')).toHaveText('Boats returning at dusk, harbour lights on');

    await page.unroute('**/api/batch:importSheet');
    await page.getByRole('button', { name: 'Queue 3 clips in Rehearsal' }).click();
    await expect(page.getByTestId('batch-header').getByRole('heading')).toHaveText('harbor_shots');
    await expect(page.getByTestId('batch-rows')).toContainText('Boats returning at dusk, harbour lights on');
    await expect(page.getByTestId('batch-rows')).toContainText('Slow aerial push over a harbour in rain');
  } catch (e) {
    console.log(app.output());
    throw e;
  } finally {
    await app.stop();
  }
});
