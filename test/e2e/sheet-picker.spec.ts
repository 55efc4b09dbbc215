/**
 * Sheets as the world writes them, in the app (browser mode, real Chromium): the sheet picker of a workbook whose open
 * sheet has no prompt column and whose first sheet is hidden; choosing a sheet and the same file again re-import; an
 * encoding that was only guessed is shown both ways and asked; ambiguous columns are chosen for the user, said, and
 * changeable; a header row under a title; a file:// image refused in the preview. Waits on what the page shows.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import ExcelJS from 'exceljs';
import { useWebApp } from './web-app-fixture';

test.use({ actionTimeout: 10_000, viewport: { width: 1360, height: 1500 } });

const CORPUS = path.resolve('test/fixtures/sheets/corpus');
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const web = useWebApp();

/** A studio's workbook: last season's shots kept hidden first, a notes tab open when saved, the shots last. */
async function studioBook(shots: string[]): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  const old = book.addWorksheet('Old version', { state: 'hidden' });
  old.addRow(['Prompt', 'Model', 'Duration']);
  old.addRow(['OLD: a lighthouse in a storm', 'sim-fast-text-to-video', 1]);
  const notes = book.addWorksheet('Notes');
  notes.addRow(['Date', 'Comment']);
  notes.addRow(['12 March', 'Client wants more gulls']);
  const sheet = book.addWorksheet('Shots');
  sheet.addRow(['Prompt', 'Model', 'Duration']);
  for (const s of shots) sheet.addRow([s, 'sim-fast-text-to-video', 1]);
  book.views = [{ x: 0, y: 0, width: 16000, height: 9000, firstSheet: 0, activeTab: 1, visibility: 'visible' }];
  return Buffer.from(await book.xlsx.writeBuffer());
}

test('a multi-sheet workbook always shows its sheet picker; choosing a sheet, or the same file again, re-imports', async ({ page }) => {
  await page.goto(web.url);
  await expect(page.getByTestId('key-status')).toBeVisible();
  const input = page.getByTestId('sheet-input');
  await input.setInputFiles({ name: 'plan.xlsx', mimeType: XLSX, buffer: await studioBook(['Gulls over the pier']) });

  // The tab open when saved ("Notes") has no prompt column: the read is refused, the picker stays, hidden sheets marked.
  await expect(page.getByRole('alert')).toContainText('No column looks like a prompt');
  const picker = page.getByTestId('sheet-select');
  await expect(picker).toHaveValue('Notes');
  await expect(picker.locator('option')).toHaveText(['Old version (hidden)', 'Notes', 'Shots']);
  await picker.scrollIntoViewIfNeeded();
  await page.screenshot({ path: 'test-results/e2e-sheet-picker-refused.png' });

  await picker.selectOption('Shots');
  await expect(page.getByTestId('cell-1-prompt')).toHaveText('Gulls over the pier');
  await expect(page.getByTestId('editor-summary')).toHaveText('1 row ready');
  await expect(page.getByRole('alert')).toHaveCount(0);
  await page.getByTestId('cell-1-prompt').scrollIntoViewIfNeeded();
  await page.screenshot({ path: 'test-results/e2e-sheet-picker-chosen.png' });

  // The same file, saved again with another shot: the picker is emptied as it opens, so choosing it is a change.
  await input.evaluate((el: HTMLInputElement) => el.dispatchEvent(new MouseEvent('click', { bubbles: true })));
  await expect(input).toHaveValue('');
  await input.setInputFiles({ name: 'plan.xlsx', mimeType: XLSX, buffer: await studioBook(['Gulls over the pier', 'Rain on the harbour wall']) });
  await expect(picker).toHaveValue('Notes'); // read anew from the start, as a new import
  await picker.selectOption('Shots');
  await expect(page.getByTestId('cell-2-prompt')).toHaveText('Rain on the harbour wall');
  await expect(page.getByTestId('editor-summary')).toHaveText('2 rows ready');

  // A hidden sheet is read only when chosen, and the preview says it is hidden.
  await picker.selectOption('Old version');
  await expect(page.getByTestId('cell-1-prompt')).toHaveText('OLD: a lighthouse in a storm');
  await expect(page.getByText('"Old version" is hidden in this workbook')).toBeVisible();
});

test('an encoding that was only guessed is shown both ways and asked', async ({ page }) => {
  await page.goto(web.url);
  await expect(page.getByTestId('key-status')).toBeVisible();
  const bytes = readFileSync(path.join(CORPUS, 'ambiguous-single-byte.csv'));
  await page.getByTestId('sheet-input').setInputFiles({ name: 'prices.csv', mimeType: 'text/csv', buffer: bytes });
  const ask = page.getByTestId('encoding-unsure');
  await expect(ask).toContainText('more than one fits: it was read as Windows-1252');
  await expect(ask.locator('li')).toHaveText([/Keep Windows-1252.*5 € on a market stall/, /Use Mac Roman.*5 Ä on a market stall/, /Use DOS CP850.*5 Ç on a market stall/]);
  await expect(page.getByTestId('encoding-select').locator('option:checked')).toHaveText('Guessed: Windows-1252 (Western European Excel)');
  await ask.scrollIntoViewIfNeeded();
  await page.screenshot({ path: 'test-results/e2e-encoding-unsure.png' });

  await page.getByTestId('encoding-choice-macintosh').click();
  await expect(page.getByTestId('cell-1-prompt')).toHaveText('Price tag reading 5 Ä on a market stall');
  await expect(ask).toHaveCount(0); // chosen by the user: nothing left to ask
  await page.getByTestId('encoding-select').selectOption('');
  await expect(ask).toBeVisible();
  await page.getByTestId('encoding-choice-windows-1252').click();
  await expect(page.getByTestId('cell-1-prompt')).toHaveText('Price tag reading 5 € on a market stall');
  await expect(ask).toHaveCount(0);
});

test('ambiguous columns are chosen by a fixed preference, said, and changeable; headers in other languages map', async ({ page }) => {
  await page.goto(web.url);
  await expect(page.getByTestId('key-status')).toBeVisible();
  await page.getByTestId('model-select').selectOption('sim-fast-text-to-video');
  await page.getByTestId('default-duration').selectOption('1s');
  const shotList = readFileSync(path.join(CORPUS, 'shot-list-shot-and-name.csv'));
  await page.getByTestId('sheet-input').setInputFiles({ name: 'shots.csv', mimeType: 'text/csv', buffer: shotList });
  await expect(page.getByText(/"Shot" \(column A\) and "Name" \(column B\) could all be the name; "Name" \(column B\) is used/)).toBeVisible();
  await expect(page.getByText(/Columns "Take" \(column E\) and "Notes" \(column F\) match no field/)).toBeVisible();
  await expect(page.getByTestId('map-prompt')).toHaveValue('Prompt');
  await expect(page.getByTestId('map-name')).toHaveValue('Name');
  await expect(page.getByTestId('cell-1-name')).toHaveText('harbour');
  await page.getByText(/could all be the name/).scrollIntoViewIfNeeded();
  await page.screenshot({ path: 'test-results/e2e-mapping-ambiguous.png' });
  await page.locator('.mapping summary').click();
  await page.getByTestId('map-name').selectOption('Shot');
  await expect(page.getByTestId('cell-1-name')).toHaveText('1A');

  const german = readFileSync(path.join(CORPUS, 'excel-de-windows1252.csv'));
  await page.getByTestId('sheet-input').setInputFiles({ name: 'szenen.csv', mimeType: 'text/csv', buffer: german });
  const keep = page.getByRole('button', { name: 'Open szenen.csv' });
  if (await keep.isVisible()) await keep.click();
  await expect(page.getByTestId('map-prompt')).toHaveValue('Beschreibung');
  await expect(page.getByTestId('map-duration')).toHaveValue('Dauer (s)');
  await expect(page.getByTestId('map-aspect_ratio')).toHaveValue('Seitenverhältnis');
  await expect(page.getByTestId('map-audio')).toHaveValue('Ton');
  await expect(page.getByTestId('cell-2-prompt')).toHaveText('Straßenbahn in München bei Nacht, Regen');
});

test('a header row under a title is found, said, and can be chosen; a file:// image is refused in the preview', async ({ page }) => {
  await page.goto(web.url);
  await expect(page.getByTestId('key-status')).toBeVisible();
  const numbers = readFileSync(path.join(CORPUS, 'numbers-table-title.xlsx'));
  await page.getByTestId('sheet-input').setInputFiles({ name: 'numbers.xlsx', mimeType: XLSX, buffer: numbers });
  const headerRow = page.getByTestId('header-row-select');
  await expect(headerRow.locator('option:checked')).toHaveText('Detected: row 2');
  await expect(page.getByText(/Row 2 was taken as the header row.*\("Table 1"\)/)).toBeVisible();
  await expect(page.getByTestId('cell-1-prompt')).toHaveText('Paper boat drifting down a gutter');
  await headerRow.selectOption('1');
  await expect(page.getByRole('alert')).toContainText('No column looks like a prompt');
  await headerRow.selectOption('');
  await expect(page.getByTestId('cell-2-prompt')).toHaveText('Neon reflections in a puddle');

  const sheet = 'Prompt,Model,Duration,Image\nA portrait that smiles,sim-kling-2.1-image-to-video,5s,file:///etc/hosts\n';
  await page.getByTestId('sheet-input').setInputFiles({ name: 'portraits.csv', mimeType: 'text/csv', buffer: Buffer.from(sheet) });
  const keep = page.getByRole('button', { name: 'Open portraits.csv' });
  if (await keep.isVisible()) await keep.click();
  await expect(page.getByTestId('row-check').first()).toContainText('file:// addresses are not accepted in the image column');
  await page.getByTestId('row-check').first().scrollIntoViewIfNeeded();
  await page.screenshot({ path: 'test-results/e2e-image-file-url.png' });
});
