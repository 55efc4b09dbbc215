/**
 * Importing sheets as an editor does: a European Excel CSV (Windows-1252, `;`) whose prompt column needs mapping by
 * hand, the encoding override, batch defaults that turn rows valid, a saved mapping profile applied to the next sheet
 * by itself, drag-and-drop (and a refused file), and the template download. Waits on what the page shows.
 */
import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import ExcelJS from 'exceljs';
import { useWebApp } from './web-app-fixture';

test.use({ actionTimeout: 10_000 });

const web = useWebApp();

/** Windows-1252 bytes (Latin-1 covers every character used here). */
const cp1252 = (text: string) => Buffer.from(text, 'latin1');
const GERMAN = cp1252(['Szene;Bildidee;Notiz', 'Hafen;Nebel über dem Hafen;früh', 'Markt;Fischmarkt im Gedränge;Handkamera'].join('\r\n'));
const GERMAN_2 = cp1252(['Szene;Bildidee;Notiz', 'Brücke;Möwen über der Brücke;spät'].join('\r\n'));

async function drop(page: Page, name: string, bytes: Buffer, type: string, shot?: string) {
  const dataTransfer = await page.evaluateHandle(
    ({ data, name, type }) => {
      const dt = new DataTransfer();
      dt.items.add(new File([new Uint8Array(data)], name, { type }));
      return dt;
    },
    { data: [...bytes], name, type },
  );
  await page.dispatchEvent('body', 'dragenter', { dataTransfer });
  await expect(page.getByTestId('drop-overlay')).toHaveText('Drop a CSV, TSV or XLSX to import');
  if (shot) await page.screenshot({ path: shot });
  await page.dispatchEvent('body', 'drop', { dataTransfer });
  await expect(page.getByTestId('drop-overlay')).toHaveCount(0);
}

test('maps a European Excel sheet by hand, saves the mapping, and the next sheet uses it by itself', async ({ page }) => {
  await page.goto(web.url);
  await expect(page.getByTestId('key-status')).toBeVisible();
  await page.getByTestId('sheet-input').setInputFiles({ name: 'szenen.csv', mimeType: 'text/csv', buffer: GERMAN });

  // No header reads as the prompt: the reader refuses, and the mapping offers the sheet's own headers.
  await expect(page.getByRole('alert')).toContainText(/prompt/i);
  await expect(page.getByTestId('detected-format')).toHaveText('CSV');
  const prompt = page.getByTestId('map-prompt');
  await expect(prompt.locator('option')).toHaveText(['(not in this sheet)', 'Szene', 'Bildidee', 'Notiz']);
  await prompt.selectOption('Bildidee');

  // Read again with the mapping: the preview bar shows what was detected, the umlauts are intact.
  await expect(page.getByTestId('encoding-select').locator('option:checked')).toHaveText('Detected: Windows-1252 (Western European Excel)');
  await expect(page.getByTestId('delimiter-select').locator('option:checked')).toHaveText('Detected: Semicolon ;');
  await expect(page.getByTestId('cell-1-prompt')).toHaveText('Nebel über dem Hafen');
  await expect(page.getByTestId('extra-columns')).toContainText('{Notiz}');
  await expect(page.getByTestId('extra-columns')).toContainText('{Szene}');
  const summary = page.getByTestId('editor-summary');
  await expect(summary).toContainText('need fixing'); // no model, no duration yet
  await page.screenshot({ path: 'test-results/e2e-import-mapped.png', fullPage: true });

  // The wrong encoding shows as replacement characters; back to detection, the text is right again.
  await page.getByTestId('encoding-select').selectOption('utf-8');
  await expect(page.getByTestId('cell-1-prompt')).toContainText('\uFFFD');
  await page.getByTestId('encoding-select').selectOption('');
  await expect(page.getByTestId('cell-1-prompt')).toHaveText('Nebel über dem Hafen');

  // Batch defaults fill the empty cells: the rows' checks turn valid without touching a cell.
  await page.getByTestId('model-select').selectOption('sim-fast-text-to-video');
  await expect(page.getByTestId('default-duration').locator('option')).toHaveText(['(each row’s own)', '1s', '2s', '3s']);
  await page.getByTestId('default-duration').selectOption('2s');
  await expect(summary).toHaveText('2 rows ready');
  await expect(page.getByTestId('edit-row-1').getByTestId('row-check')).toHaveText('ready');

  await page.getByLabel('Mapping profile name').fill('Studio A');
  await page.getByRole('button', { name: 'Save profile' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Saved “Studio A”' })).toBeVisible();

  // The next sheet with the same headers, dropped on the window, is mapped by the profile without asking.
  await drop(page, 'szenen-2.csv', GERMAN_2, 'text/csv');
  // The first sheet's defaults were changed after it was read (an edit): the app asks before replacing it.
  await page.getByRole('button', { name: 'Open szenen-2.csv' }).click();
  // The batch defaults set for the first sheet are kept only once the user has seen and kept them.
  await expect(page.getByTestId('carry-over')).toContainText('duration 2s');
  await page.getByRole('button', { name: 'Keep them' }).click();
  await expect(page.locator('.mapping summary')).toContainText('profile “Studio A”');
  await expect(page.getByTestId('cell-1-prompt')).toHaveText('Möwen über der Brücke');
  await expect(page.getByTestId('map-prompt')).toHaveValue('Bildidee');
  await expect(summary).toHaveText('1 row ready');

  // A cap below the quote is flagged before anything is queued.
  await expect(page.getByTestId('quote-total')).toBeVisible();
  await page.getByTestId('budget-input').fill('0.01');
  await expect(page.getByTestId('budget-warning')).toContainText('above your cap');
  await page.screenshot({ path: 'test-results/e2e-import-profile.png', fullPage: true });

  // A default changed after the read counts as an edit: the rows go again (with their mapping and the new defaults).
  await page.getByTestId('budget-input').fill('');
  await page.getByTestId('default-duration').selectOption('1s');
  await expect(page.getByText('(edited)')).toBeVisible();
  await page.getByRole('button', { name: 'Queue 1 clip in Rehearsal' }).click();
  const row = page.getByTestId('batch-rows').getByTestId('row-1');
  await expect(row.getByTestId('row-status')).toHaveText('done', { timeout: 45_000 });
  await expect(row).toContainText('Brücke');
});

test('refuses a dropped file that is not a sheet, opens the picker with Ctrl+O, and downloads the template', async ({ page }) => {
  // Asked for before anything happens, so Playwright intercepts file choosers long before Ctrl+O is pressed (asking
  // right before the key press races the interception being switched on, which under load lost the chooser).
  const chooser = page.waitForEvent('filechooser', { timeout: 30_000 });
  await page.goto(web.url);
  await expect(page.getByTestId('key-status')).toBeVisible();
  await drop(page, 'still.png', Buffer.from([0x89, 0x50, 0x4e, 0x47]), 'image/png', 'test-results/e2e-import-drop-overlay.png');
  await expect(page.getByRole('alert')).toContainText('“still.png” is not a spreadsheet the importer reads');

  // Ctrl+O opens the sheet picker (in the desktop app the File menu's accelerator does, through `menu:command`), once
  // the picker it opens is there to be opened.
  await expect(page.getByTestId('sheet-input')).toBeEnabled();
  await page.keyboard.press('Control+o');
  await (await chooser).setFiles({ name: 'picked.csv', mimeType: 'text/csv', buffer: Buffer.from('Prompt,Model,Duration\nA lighthouse in a storm,sim-fast-text-to-video,1s') });
  await expect(page.getByTestId('editor-summary')).toHaveText('1 row ready');

  const download = page.waitForEvent('download');
  await page.getByTestId('download-template').click();
  const file = await download;
  expect(file.suggestedFilename()).toBe('venice-batch-template.csv');
  const text = readFileSync((await file.path())!, 'utf8');
  expect(text.split(/\r?\n/)[0]).toContain('prompt');
  await page.screenshot({ path: 'test-results/e2e-import-refused.png', fullPage: true });
});

test('a workbook with several sheets reads the first, and another one when chosen', async ({ page }) => {
  const book = new ExcelJS.Workbook();
  const first = book.addWorksheet('Day 1');
  first.addRow(['Prompt', 'Model', 'Duration']);
  first.addRow(['Sunrise over the dunes', 'sim-fast-text-to-video', 1]);
  const second = book.addWorksheet('Day 2');
  second.addRow(['Prompt', 'Model', 'Duration']);
  second.addRow(['Night market lanterns', 'sim-fast-text-to-video', 2]);
  second.addRow(['Rain on a tin roof', 'sim-fast-text-to-video', 3]);
  const buffer = Buffer.from(await book.xlsx.writeBuffer());
  await page.goto(web.url);
  await expect(page.getByTestId('key-status')).toBeVisible();
  await page.getByTestId('sheet-input').setInputFiles({ name: 'days.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer });
  await expect(page.getByTestId('detected-format')).toHaveText('XLSX');
  await expect(page.getByTestId('encoding-select')).toHaveCount(0); // text-only choices are not offered for a workbook
  await expect(page.getByTestId('sheet-select')).toHaveValue('Day 1');
  await expect(page.getByTestId('cell-1-prompt')).toHaveText('Sunrise over the dunes');
  await page.getByTestId('sheet-select').selectOption('Day 2');
  await expect(page.getByTestId('editor-summary')).toHaveText('2 rows ready');
  await expect(page.getByTestId('cell-2-prompt')).toHaveText('Rain on a tin roof');
  await page.screenshot({ path: 'test-results/e2e-import-xlsx-sheet.png', fullPage: true });
});
