/**
 * The morning report as an editor meets it: a Rehearsal batch ends with one clip refused by Venice's content
 * policy, and the report panel says what happened (clips done, what it would have cost against the quote, the row
 * that needs a decision, why, and what to do). "Got it" puts it away for good: a reload does not bring it back.
 */
import { expect, test } from '@playwright/test';
import { injectQueueFault, SHEET } from './support';
import { useWebApp } from './web-app-fixture';

const web = useWebApp();

test('a finished batch leaves a morning report: clips, spend against quote, the decision it needs; put away for good', async ({ page }) => {
  await page.goto(web.url);
  await expect(page.getByText('No batches yet')).toBeVisible();
  // The Rehearsal simulator starts with the first call that needs it: the first batch starts it.
  await page.getByTestId('sheet-input').setInputFiles({ name: 'harbour.csv', mimeType: 'text/csv', buffer: Buffer.from(SHEET) });
  await expect(page.getByText('3 rows ready')).toBeVisible();
  await injectQueueFault(web, 'content_policy_422');
  await page.getByRole('button', { name: 'Queue 3 clips in Rehearsal' }).click();

  const report = page.getByTestId('morning-report');
  await expect(report).toBeVisible({ timeout: 45_000 });
  await expect(report.getByTestId('report-clips')).toContainText('2 of 3 clips done, 1 failed');
  await expect(report.getByTestId('report-spend')).toContainText(/\$\d+\.\d\d rehearsed of \$\d+\.\d\d quoted/);
  await expect(report.getByTestId('report-decisions')).toContainText('content policy');
  await expect(report.getByTestId('report-decisions')).toContainText('reworded prompt');
  await page.screenshot({ path: 'test-results/e2e-morning-report.png', fullPage: true });

  await report.getByRole('button', { name: 'Got it' }).click();
  await expect(report).toBeHidden();
  await page.reload();
  await expect(page.getByTestId('batch-header')).toBeVisible();
  await expect(page.getByTestId('morning-report')).toBeHidden();
});
