/**
 * The batch editor as an editor uses it: import a sheet with a duration the model does not offer, see the cell and
 * the plain message with its fix, fix it by typing in the cell, undo and redo the edit from the keyboard, queue the
 * EDITED rows in Rehearsal and watch them finish. Waits on what the page shows, never on a clock.
 */
import { expect, test } from '@playwright/test';
import ExcelJS from 'exceljs';
import { SHEET } from './support';
import { useWebApp } from './web-app-fixture';

const web = useWebApp();

test('fixes an invalid cell in the table, undoes and redoes it, and queues the edited rows', async ({ page }) => {
  await page.goto(web.url);
  await expect(page.getByTestId('key-status')).toBeVisible();
  const bad = `${SHEET}\nWhale,"A whale breaching at dusk",sim-fast-text-to-video,99,480p,no`;
  await page.getByTestId('sheet-input').setInputFiles({ name: 'edit-me.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });

  const summary = page.getByTestId('editor-summary');
  await expect(summary).toHaveText('3 rows ready, 1 needs fixing');
  const cell = page.getByTestId('cell-4-duration');
  await expect(cell).toHaveAttribute('aria-invalid', 'true');
  const check = page.getByTestId('edit-row-4').getByTestId('row-check');
  await expect(check).toContainText('is not offered by Sim Fast (480p, short clips for tests and rehearsals): use');
  const queue = page.getByRole('button', { name: /^Queue \d+ clips? in Rehearsal/ });
  await expect(queue).toBeDisabled();
  await expect(page.getByTestId('edit-row-4').getByRole('button', { name: 'Use 3s' })).toBeVisible();
  await cell.click();
  await expect(page.getByTestId('row-detail')).toContainText('Duration');
  await page.screenshot({ path: 'test-results/e2e-editor-invalid.png', fullPage: true });

  // Enter edits the cell; Escape leaves it as it was.
  await page.keyboard.press('Enter');
  await page.getByTestId('cell-input').fill('7');
  await page.keyboard.press('Escape');
  await expect(cell).toHaveText('99s');

  // Typing replaces the cell; Enter keeps it and the row turns ready at once.
  await page.keyboard.type('1');
  await expect(page.getByTestId('cell-input')).toHaveValue('1');
  await page.keyboard.press('Enter');
  await expect(cell).toHaveText('1s');
  await expect(cell).not.toHaveAttribute('aria-invalid');
  await expect(summary).toHaveText('4 rows ready');
  await expect(check).toHaveText('ready');

  await page.keyboard.press('Control+z');
  await expect(cell).toHaveText('99s');
  await expect(summary).toHaveText('3 rows ready, 1 needs fixing');
  await page.keyboard.press('Control+Shift+Z');
  await expect(cell).toHaveText('1s');
  await expect(summary).toHaveText('4 rows ready');

  // Arrow keys move the selection: up to row 3, left to its name.
  await expect(cell).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowLeft');
  await expect(page.getByTestId('cell-3-name')).toHaveAttribute('aria-selected', 'true');
  await page.screenshot({ path: 'test-results/e2e-editor-fixed.png', fullPage: true });

  await expect(queue).toHaveText('Queue 4 clips in Rehearsal');
  await queue.click();
  const rows = page.getByTestId('batch-rows');
  for (const n of [1, 2, 3, 4]) await expect(rows.getByTestId(`row-${n}`).getByTestId('row-status')).toHaveText('done', { timeout: 45_000 });
  // The clip made is the edited row's: 1 second, not the 99 of the file.
  await expect(rows.getByTestId('row-4')).toContainText('Whale');
  await expect(rows.getByTestId('row-4')).toContainText('1s');
  await page.screenshot({ path: 'test-results/e2e-editor-done.png', fullPage: true });
});

test('a 10,000-row sheet keeps only the visible rows in the page, and rows can be added, duplicated and deleted', async ({ page }) => {
  await page.goto(web.url);
  await expect(page.getByTestId('key-status')).toBeVisible();
  const lines = ['Name,Prompt,Model,Duration,Resolution,Audio'];
  for (let i = 1; i <= 10_000; i++) lines.push(`Shot ${i},"Prompt number ${i}",sim-fast-text-to-video,1,480p,no`);
  await page.getByTestId('sheet-input').setInputFiles({ name: 'big.csv', mimeType: 'text/csv', buffer: Buffer.from(lines.join('\n')) });
  await expect(page.getByTestId('editor-summary')).toHaveText('10,000 rows ready', { timeout: 30_000 });
  const inDom = await page.locator('[data-testid^="edit-row-"]').count();
  expect(inDom).toBeGreaterThan(5);
  expect(inDom).toBeLessThan(60);

  // Keyboard to the end of the sheet: the last row is scrolled into the page.
  await page.getByTestId('cell-1-prompt').click();
  for (let i = 0; i < 3; i++) await page.keyboard.press('PageDown');
  await expect(page.getByTestId('cell-31-prompt')).toHaveAttribute('aria-selected', 'true');

  await page.keyboard.press('Control+d');
  await expect(page.getByTestId('editor-summary')).toHaveText('10,001 rows ready');
  await expect(page.getByTestId('cell-32-prompt')).toHaveText('Prompt number 31');
  await page.keyboard.press('Control+Delete');
  await expect(page.getByTestId('editor-summary')).toHaveText('10,000 rows ready');
  await page.getByRole('button', { name: 'Add row' }).click();
  // A new row takes the settings of the row above; it has no prompt yet and says so.
  await expect(page.getByTestId('editor-summary')).toHaveText('10,000 rows ready, 1 needs fixing');
  await expect(page.getByTestId('edit-row-32').getByTestId('row-check')).toContainText('Prompt is empty');
  await page.keyboard.press('Control+z');
  await expect(page.getByTestId('editor-summary')).toHaveText('10,000 rows ready');
  await page.screenshot({ path: 'test-results/e2e-editor-10k.png' });
  await page.getByRole('button', { name: 'Discard' }).click();
});

test('an Excel workbook is read in the page too, so every cell of it can be edited', async ({ page }) => {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('Shots');
  sheet.addRow(['Name', 'Prompt', 'Model', 'Duration', 'Resolution', 'Audio']);
  sheet.addRow(['Harbour', 'Fog over the harbour', 'sim-fast-text-to-video', 1, '480p', 'no']);
  const buffer = Buffer.from(await book.xlsx.writeBuffer());
  await page.goto(web.url);
  await expect(page.getByTestId('key-status')).toBeVisible();
  await page.getByTestId('sheet-input').setInputFiles({ name: 'shots.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer });
  await expect(page.getByTestId('editor-summary')).toHaveText('1 row ready');
  await expect(page.getByTestId('cell-1-resolution')).toHaveText('480p');
  await expect(page.getByTestId('cell-1-audio')).toHaveText('no');
  await page.getByTestId('cell-1-resolution').dblclick();
  await page.getByTestId('cell-input').fill('9000p');
  await page.keyboard.press('Tab');
  await expect(page.getByTestId('edit-row-1').getByTestId('row-check')).toContainText('Resolution "9000p" is not offered');
  await expect(page.getByTestId('cell-1-aspect_ratio')).toHaveAttribute('aria-selected', 'true');
  await page.getByTestId('edit-row-1').getByRole('button', { name: 'Use 480p' }).click();
  await expect(page.getByTestId('editor-summary')).toHaveText('1 row ready');
  // Delete empties the selected cell (the model's default then applies); Ctrl+Z brings it back.
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('Delete');
  await expect(page.getByTestId('cell-1-resolution')).toHaveText('');
  await page.keyboard.press('Control+z');
  await expect(page.getByTestId('cell-1-resolution')).toHaveText('480p');
  await page.getByRole('button', { name: 'Discard' }).click();
});
