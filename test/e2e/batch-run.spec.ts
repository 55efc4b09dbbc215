/**
 * Watching a batch run, as an editor does: the header counts and progress bar, then a batch where Venice (the
 * Rehearsal simulator, told through its loopback admin API) refuses one clip under its content policy and drops
 * the answer to another after charging. The refused row takes the suggested prompt and the in-doubt row is sent again,
 * and the test waits on the status text each row shows.
 */
import { expect, test, type Page } from '@playwright/test';
import { injectQueueFault, SHEET } from './support';
import { useWebApp } from './web-app-fixture';

const web = useWebApp();

const SECOND = [
  'Shot,Prompt,Model,Duration (s),Resolution,Audio',
  'Dock,"Ropes thrown onto a wet dock",sim-fast-text-to-video,1,480p,no',
  'Gulls,"Gulls circling a trawler",sim-fast-text-to-video,1,480p,no',
  'Nets,"Close-up of hands mending nets",sim-fast-text-to-video,1,480p,no',
].join('\n');

async function queue(page: Page, name: string, csv: string): Promise<void> {
  await page.getByTestId('sheet-input').setInputFiles({ name, mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await expect(page.getByText('3 rows ready')).toBeVisible();
  await page.getByRole('button', { name: 'Queue 3 clips in Rehearsal' }).click();
}

test('shows progress, resends a refused row with the suggested prompt and an in-doubt row on request', async ({ page }) => {
  await page.goto(web.url);
  await expect(page.getByRole('status')).toContainText('Rehearsal mode');
  await expect(page.getByText('No batches yet')).toBeVisible();
  await queue(page, 'harbour.csv', SHEET);
  const header = page.getByTestId('batch-header');
  await expect(header.getByTestId('batch-done')).toHaveText('3/3 done', { timeout: 45_000 });
  await expect(header.getByRole('progressbar')).toHaveAttribute('aria-valuetext', '3 of 3 clips done');
  await expect(header.getByTestId('batch-stats')).toContainText('would have cost');
  await expect(header.getByTestId('batch-header-phase')).toHaveText('finished');

  await injectQueueFault(web, 'content_policy_422');
  await injectQueueFault(web, 'charge_then_drop');
  await queue(page, 'docks.csv', SECOND);

  const rows = page.getByTestId('batch-rows');
  const statuses = rows.getByTestId('row-status');
  await expect(statuses.filter({ hasText: 'in doubt' })).toHaveCount(1, { timeout: 45_000 });
  await expect(statuses.filter({ hasText: 'failed' })).toHaveCount(1, { timeout: 45_000 });
  await expect(statuses.filter({ hasText: 'done' })).toHaveCount(1, { timeout: 45_000 });
  await expect(header.getByTestId('batch-header-phase')).toHaveText('needs your decision');
  await expect(page.getByTestId('in-doubt-help')).toContainText('may have charged for this clip; the app will not send it again unless you choose');
  await expect(header.getByTestId('batch-stats')).toContainText('1 failed · 1 in doubt');
  await page.screenshot({ path: 'test-results/e2e-batch-needs-decision.png', fullPage: true });

  // Cancel asks first, in plain words; keeping it running changes nothing.
  await header.getByRole('button', { name: /^Cancel batch/ }).click();
  const dialog = page.getByRole('alertdialog', { name: 'Cancel this batch?' });
  await expect(dialog).toContainText('Rows not yet sent will not be sent; clips already paid for still download.');
  await page.screenshot({ path: 'test-results/e2e-batch-cancel-confirm.png', fullPage: true });
  await dialog.getByRole('button', { name: 'Keep it running' }).click();
  await expect(dialog).toHaveCount(0);

  // The refused row takes Venice's suggested prompt in one step, from the keyboard (focus, Enter).
  const suggested = (await rows.getByTestId('suggested-prompt').textContent()) ?? '';
  expect(suggested).not.toBe('');
  const use = rows.getByRole('button', { name: /^Use the suggested prompt for row \d+/ });
  await expect(rows.getByRole('button', { name: /^Retry row \d+$/ })).toBeVisible();
  await use.focus();
  await page.keyboard.press('Enter');
  const sendAgain = rows.getByRole('button', { name: /^Send row \d+ again/ });
  await sendAgain.click();

  await expect(statuses.filter({ hasText: 'done' })).toHaveCount(3, { timeout: 45_000 });
  await expect(header.getByTestId('batch-done')).toHaveText('3/3 done');
  await expect(header.getByTestId('batch-header-phase')).toHaveText('finished');
  await expect(rows.getByText('(try 2)')).toHaveCount(2);

  // The history of that row: the refused first try (not charged), the prompt change, and the second try with its file.
  const refused = rows.locator('tr', { hasText: suggested }).first();
  await refused.getByRole('button', { name: /^History of row \d+$/ }).click();
  const history = rows.getByTestId('row-history');
  await expect(history.getByRole('row')).toHaveCount(3);
  await expect(history).toContainText('done');
  await expect(history).toContainText('You used the prompt Venice suggested');
  await expect(history).toContainText('.mp4');
  await expect(rows.getByText(suggested)).toBeVisible();
  await page.screenshot({ path: 'test-results/e2e-batch-row-history.png', fullPage: true });
  await page.screenshot({ path: 'test-results/e2e-batch-recovered.png', fullPage: true });
});
