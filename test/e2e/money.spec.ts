/**
 * Money on screen, as a new user meets it: one live quote feeds the table, the total, the cap check and the queue
 * button (and they agree after every edit); clips are counted as clips ("5 rows × 3 takes"); batch defaults and a
 * spend cap kept from the last sheet are shown and confirmed before anything is queued; batches are named after the
 * sheet (and its tab), never after its file extension. Waits on what the page shows.
 */
import { expect, test, type Page } from '@playwright/test';
import ExcelJS from 'exceljs';
import { useWebApp } from './web-app-fixture';

test.use({ actionTimeout: 10_000 });

const web = useWebApp();

/** Five shots of the Rehearsal model at 1 s 480p without sound: $0.01 a clip. */
const FIVE = [
  'Shot,Prompt,Model,Duration (s),Resolution,Audio',
  'Opening,"Slow aerial push over a foggy harbour at dawn",sim-fast-text-to-video,1,480p,no',
  'Market,"Handheld walk through a busy fish market",sim-fast-text-to-video,1,480p,no',
  'Closing,"Boats returning at sunset, long shadows",sim-fast-text-to-video,1,480p,no',
  'Gulls,"Gulls circling a trawler",sim-fast-text-to-video,1,480p,no',
  'Nets,"Close-up of hands mending nets",sim-fast-text-to-video,1,480p,no',
].join('\n');

const TWO = ['Prompt,Model,Duration', 'A lighthouse in a storm,sim-fast-text-to-video,1s', 'Waves on black rocks,sim-fast-text-to-video,1s'].join('\n');

async function open(page: Page, name: string, csv: string) {
  await page.getByTestId('sheet-input').setInputFiles({ name, mimeType: 'text/csv', buffer: Buffer.from(csv) });
}

/** Every place a total shows says the same amount. */
async function expectTotal(page: Page, amount: string) {
  await expect(page.getByTestId('editor-total')).toHaveText(`Total ${amount}`);
  await expect(page.getByTestId('quote-total')).toHaveText(amount);
  await expect(page.getByTestId('cap-quote')).toHaveText(`quote total ${amount}`);
}

test('one live quote: the table, the total, the cap check and the queue button agree after every edit', async ({ page }) => {
  await page.goto(web.url);
  await expect(page.getByTestId('key-status')).toBeVisible();
  await open(page, 'harbor_shots.csv', FIVE);
  await expect(page.getByTestId('editor-summary')).toHaveText('5 rows ready');
  await expect(page.getByTestId('clip-count')).toHaveText('5 clips');
  await expectTotal(page, '$0.05');
  await expect(page.getByRole('button', { name: 'Queue 5 clips in Rehearsal' })).toBeEnabled();

  // Three takes a row: 15 clips, each priced; the cap between the old and new total is now flagged.
  await page.getByTestId('default-takes').selectOption('3');
  await expect(page.getByTestId('clip-count')).toHaveText('5 rows × 3 takes = 15 clips');
  await expectTotal(page, '$0.15');
  await expect(page.getByTestId('edit-row-1').getByTestId('row-price')).toHaveText('$0.03');
  await expect(page.getByTestId('edit-row-1').getByTestId('row-price')).toHaveAttribute('title', /3 takes × \$0\.01/);
  await page.getByTestId('budget-input').fill('0.10');
  await expect(page.getByTestId('budget-warning')).toContainText('The quote ($0.15) is above your cap ($0.10)');
  await expect(page.getByRole('button', { name: 'Queue 15 clips in Rehearsal' })).toBeVisible();

  // A cell edited in the table: one row at 1 take, another at 3 s. Every figure follows at once.
  await page.getByTestId('cell-1-takes').dblclick();
  await page.getByTestId('cell-input').fill('1');
  await page.keyboard.press('Enter');
  await page.getByTestId('cell-2-duration').dblclick();
  await page.getByTestId('cell-input').fill('3');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('clip-count')).toHaveText('5 rows, 13 clips (takes vary by row)');
  await expectTotal(page, '$0.19');
  await expect(page.getByRole('button', { name: 'Queue 13 clips in Rehearsal' })).toBeVisible();
  await page.screenshot({ path: 'test-results/e2e-money-live-quote.png', fullPage: true });

  // Under the cap again once the cap is raised.
  await page.getByTestId('budget-input').fill('0.50');
  await expect(page.getByTestId('budget-warning')).toHaveCount(0);
});

test('defaults and a spend cap kept from the last sheet are shown and must be confirmed', async ({ page }) => {
  await page.goto(web.url);
  await expect(page.getByTestId('key-status')).toBeVisible();
  await open(page, 'first.csv', FIVE);
  await expect(page.getByTestId('editor-summary')).toHaveText('5 rows ready');
  await page.getByTestId('default-takes').selectOption('2');
  await page.getByTestId('budget-input').fill('0.04');
  await expect(page.getByTestId('carry-over')).toHaveCount(0); // nothing is carried over into the sheet it was set on

  // The next sheet: what is kept is said, with the cap, and nothing can be queued until the user decides.
  await open(page, 'second.csv', TWO);
  // The first sheet's defaults changed after it was read: it counts as edited, so the app asks before replacing it.
  await page.getByRole('button', { name: 'Open second.csv' }).click();
  const carry = page.getByTestId('carry-over');
  await expect(carry).toContainText('Kept from the last sheet');
  await expect(carry).toContainText('2 takes per row');
  await expect(carry).toContainText('spend cap $0.04');
  await expect(page.getByTestId('clip-count')).toHaveText('2 rows × 2 takes = 4 clips');
  const queue = page.getByRole('button', { name: 'Queue 4 clips in Rehearsal' });
  await expect(queue).toBeDisabled();
  await expect(page.getByTestId('queue-blocked')).toContainText('Keep or reset the settings kept from the last sheet');
  await page.screenshot({ path: 'test-results/e2e-money-carry-over.png', fullPage: true });

  // "Use this sheet's own": one take, no cap.
  await carry.getByRole('button', { name: 'Reset them for this sheet' }).click();
  await expect(carry).toHaveCount(0);
  await expect(page.getByTestId('clip-count')).toHaveText('2 clips');
  await expect(page.getByTestId('budget-input')).toHaveValue('');
  await expect(page.getByRole('button', { name: 'Queue 2 clips in Rehearsal' })).toBeEnabled();

  // Kept on purpose: the choice is remembered for this sheet only.
  await page.getByTestId('default-takes').selectOption('3');
  await open(page, 'third.csv', TWO);
  await page.getByRole('button', { name: 'Open third.csv' }).click();
  await expect(carry).toContainText('3 takes per row');
  await expect(carry).not.toContainText('spend cap');
  await carry.getByRole('button', { name: 'Keep them' }).click();
  await expect(carry).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Queue 6 clips in Rehearsal' })).toBeEnabled();
});

test('batches are named after the sheet and its tab, without the file extension', async ({ page }) => {
  const book = new ExcelJS.Workbook();
  book.addWorksheet('Day 1').addRows([
    ['Prompt', 'Model', 'Duration'],
    ['Sunrise over the dunes', 'sim-fast-text-to-video', 1],
  ]);
  book.addWorksheet('Day 2').addRows([
    ['Prompt', 'Model', 'Duration'],
    ['Night market lanterns', 'sim-fast-text-to-video', 1],
  ]);
  const buffer = Buffer.from(await book.xlsx.writeBuffer());
  await page.goto(web.url);
  await expect(page.getByTestId('key-status')).toBeVisible();
  await page.getByTestId('sheet-input').setInputFiles({ name: 'days.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer });
  await expect(page.getByTestId('sheet-select')).toHaveValue('Day 1');
  await page.getByTestId('sheet-select').selectOption('Day 2');
  await expect(page.getByTestId('cell-1-prompt')).toHaveText('Night market lanterns');
  // An edited workbook goes to main as CSV: the batch still takes the workbook's name and tab.
  await page.getByTestId('cell-1-prompt').dblclick();
  await page.getByTestId('cell-input').fill('Night market lanterns in the rain');
  await page.keyboard.press('Enter');
  await page.getByRole('button', { name: 'Queue 1 clip in Rehearsal' }).click();
  const header = page.getByTestId('batch-header');
  await expect(header.getByRole('heading')).toHaveText('days (Day 2)');
  await expect(header.getByTestId('batch-done')).toHaveText('1/1 done', { timeout: 45_000 });

  await open(page, 'harbor_shots.csv', TWO);
  await page.getByRole('button', { name: 'Queue 2 clips in Rehearsal' }).click();
  await expect(header.getByRole('heading')).toHaveText('harbor_shots');
  await expect(header.getByTestId('batch-done')).toHaveText('2/2 done', { timeout: 45_000 });
  // What the batch exports is named after it too.
  const download = page.waitForEvent('download');
  await header.getByTestId('export-results').click();
  expect((await download).suggestedFilename()).toBe('harbor_shots results.csv');
  await expect(page.getByTestId('batches').getByRole('button', { name: 'days (Day 2)' })).toBeVisible();
});
