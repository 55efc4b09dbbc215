/**
 * The batch table as an editor uses it: select rows and fill a column down, undo it, move rows with Alt+Down and by
 * the drag handle, the Takes column and its faded default; settings edited and still there after a reload; the
 * results sheet downloaded with hostile cells escaped. Waits on what the page shows, never on a clock.
 */
import { readFileSync } from 'node:fs';
import Papa from 'papaparse';
import { expect, test, type Page } from '@playwright/test';
import { SHEET } from './support';
import { useWebApp } from './web-app-fixture';

const web = useWebApp();

const FOUR = `${SHEET}\nWhale,"A whale breaching at dusk",sim-fast-text-to-video,1,480p,no`;
const names = async (page: Page) => Promise.all([1, 2, 3, 4].map((n) => page.getByTestId(`cell-${n}-name`).innerText()));

test('multi-select, fill down, undo, reorder by keyboard and by drag, and the takes column', async ({ page }) => {
  await page.goto(web.url);
  await expect(page.getByTestId('key-status')).toBeVisible();
  await page.getByTestId('sheet-input').setInputFiles({ name: 'table.csv', mimeType: 'text/csv', buffer: Buffer.from(FOUR) });
  await expect(page.getByTestId('editor-summary')).toHaveText('4 rows ready');
  await expect(page.getByTestId('editor-keys')).toContainText('Ctrl/⌘+D fills down');

  // Rows 1-3 are selected (click, Shift+click) and row 1's name is filled down into the others.
  await page.getByTestId('cell-1-name').click();
  await page.getByTestId('cell-3-name').click({ modifiers: ['Shift'] });
  await expect(page.getByTestId('edit-row-2')).toHaveClass(/selected/);
  await expect(page.getByTestId('edit-row-4')).not.toHaveClass(/selected/);
  await page.keyboard.press('Control+d');
  expect(await names(page)).toEqual(['Opening', 'Opening', 'Opening', 'Whale']);
  await page.screenshot({ path: 'test-results/e2e-table-fill-down.png', fullPage: true });
  // One undo step takes the whole fill back.
  await page.keyboard.press('Control+z');
  expect(await names(page)).toEqual(['Opening', 'Market', 'Closing', 'Whale']);
  // Ctrl+click adds a row to the selection, Ctrl+A selects them all.
  await page.getByTestId('cell-4-name').click({ modifiers: ['Control'] });
  await expect(page.getByTestId('edit-row-4')).toHaveClass(/selected/);
  await page.keyboard.press('Control+a');
  for (const n of [1, 2, 3, 4]) await expect(page.getByTestId(`edit-row-${n}`)).toHaveClass(/selected/);

  // Alt+Down moves the active row down one place; the cell follows it.
  await page.getByTestId('cell-1-name').click();
  await page.keyboard.press('Alt+ArrowDown');
  expect(await names(page)).toEqual(['Market', 'Opening', 'Closing', 'Whale']);
  await expect(page.getByTestId('cell-2-name')).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('Control+z');
  expect(await names(page)).toEqual(['Opening', 'Market', 'Closing', 'Whale']);

  // Drag row 4 by its handle onto row 1.
  const handle = page.getByTestId('edit-row-4').getByTestId('drag-handle');
  const target = page.getByTestId('edit-row-1').getByTestId('drag-handle');
  const from = (await handle.boundingBox())!;
  const to = (await target.boundingBox())!;
  await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
  await page.mouse.down();
  await page.mouse.move(from.x + from.width / 2, from.y - 10, { steps: 4 });
  await page.mouse.move(to.x + to.width / 2, to.y + 2, { steps: 12 });
  await page.mouse.up();
  await expect.poll(() => names(page)).toEqual(['Whale', 'Opening', 'Market', 'Closing']);

  // Takes: empty cells show the default (1) faded; a 3 in one row is checked like any cell.
  await expect(page.getByTestId('cell-1-takes')).toHaveText('1');
  await expect(page.getByTestId('cell-1-takes').locator('.default')).toBeVisible();
  // Prices: one per ready row, and the total follows an edit (3 takes cost three clips).
  const price = (n: number) => page.getByTestId(`edit-row-${n}`).getByTestId('row-price');
  await expect(price(2)).toHaveText(/^\$\d+\.\d\d$/);
  const each = Number((await price(2).innerText()).slice(1));
  const total = page.getByTestId('editor-total');
  await expect(total).toHaveText(`Total $${(each * 4).toFixed(2)}`);
  await page.getByTestId('cell-2-takes').click();
  await page.keyboard.type('3');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('cell-2-takes')).toHaveText('3');
  await expect(price(2)).toHaveText(`$${(each * 3).toFixed(2)}`);
  await expect(total).toHaveText(`Total $${(each * 6).toFixed(2)}`);
  await page.getByTestId('cell-3-takes').click();
  await page.keyboard.type('12');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('edit-row-3').getByTestId('row-check')).toContainText('not a whole number from 1 to 10');
  await expect(price(3)).toHaveText('—');
  await page.screenshot({ path: 'test-results/e2e-table-takes.png', fullPage: true });
  await page.keyboard.press('Control+z');
  await expect(page.getByTestId('editor-summary')).toHaveText('4 rows ready');
});

test('settings edits are checked, saved, and still there after a reload', async ({ page }) => {
  await page.goto(web.url);
  await expect(page.getByTestId('key-status')).toBeVisible();
  // Settings live in their own dialog (the top bar's Settings button, or Ctrl+,).
  await page.getByRole('button', { name: 'Settings' }).click();
  const conc = page.getByTestId('setting-concurrency');
  await conc.fill('1');
  await conc.press('Enter');
  await expect(page.getByText('One clip at a time.')).toBeVisible();
  await conc.fill('5');
  await conc.press('Tab');
  await expect(page.getByText('Up to 5 clips at a time.')).toBeVisible();
  const folder = page.getByTestId('setting-output-dir');
  const before = await folder.inputValue();
  await folder.fill('relative/folder');
  await folder.press('Enter');
  await expect(page.getByRole('alert')).toContainText('Give the full path of the folder');
  await folder.press('Escape');
  await expect(folder).toHaveValue(before);
  const template = page.getByTestId('setting-name-template');
  await template.fill('{row} take {take}');
  await expect(page.getByTestId('name-example')).toHaveText('007 take 2.mp4');
  await template.press('Enter');
  await page.getByTestId('setting-when-done').selectOption('sleep');
  await page.screenshot({ path: 'test-results/e2e-table-settings.png', fullPage: true });
  await page.reload();
  // The app's keys are listened for once the page has drawn; a key pressed before that goes to a blank page.
  await expect(page.getByTestId('key-status')).toBeVisible();
  await page.keyboard.press('Control+,');
  await expect(page.getByTestId('setting-concurrency')).toHaveValue('5');
  await expect(page.getByTestId('setting-name-template')).toHaveValue('{row} take {take}');
  await expect(page.getByTestId('setting-when-done')).toHaveValue('sleep');
  // Back to the default template so the other tests' file names do not change.
  await page.getByTestId('setting-name-template').fill('{row}-{name}-{take}');
  await page.getByTestId('setting-name-template').press('Enter');
  await expect(page.getByTestId('name-example')).toHaveText('007-forest-dawn-2.mp4');
  await page.getByTestId('setting-when-done').selectOption('nothing');
});

test('the results sheet downloads with hostile cells escaped', async ({ page }) => {
  await page.goto(web.url);
  await expect(page.getByTestId('key-status')).toBeVisible();
  const hostile = [
    'Shot,Prompt,Model,Duration (s),Resolution,Audio',
    '"=HYPERLINK(""http://evil.example"",""x"")",+cmd a lighthouse at dusk,sim-fast-text-to-video,1,480p,no',
    '@SUM,-1+1 boats at sea,sim-fast-text-to-video,1,480p,no',
  ].join('\n');
  await page.getByTestId('sheet-input').setInputFiles({ name: 'hostile.csv', mimeType: 'text/csv', buffer: Buffer.from(hostile) });
  await expect(page.getByTestId('editor-summary')).toHaveText('2 rows ready');
  await page.getByRole('button', { name: /^Queue \d+ clips? in Rehearsal/ }).click();
  const rows = page.getByTestId('batch-rows');
  for (const n of [1, 2]) await expect(rows.getByTestId(`row-${n}`).getByTestId('row-status')).toHaveText('done', { timeout: 45_000 });
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-results').click()]);
  expect(download.suggestedFilename()).toBe('hostile results.csv');
  const csv = readFileSync((await download.path())!, 'utf8');
  expect(csv).toContain(`"'=HYPERLINK(""http://evil.example"",""x"")"`);
  expect(csv).toContain("'+cmd a lighthouse at dusk");
  expect(csv).toContain("'@SUM");
  expect(csv).toContain("'-1+1 boats at sea");
  const cells = Papa.parse<string[]>(csv.replace(/^\uFEFF/, ''), { skipEmptyLines: true }).data.flat();
  for (const cell of cells) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
  await page.screenshot({ path: 'test-results/e2e-table-results.png', fullPage: true });
});
