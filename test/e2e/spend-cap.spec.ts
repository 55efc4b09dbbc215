/**
 * A batch stopped at its spend cap, as an editor meets it: one notice (not two), Resume says why it cannot resume,
 * the cap is raised, refused below what is used, removed, and the batch finishes; the notice goes once its cause is
 * gone, and what is left can be dismissed. Rehearsal's history says what a clip would cost, models go by their names.
 */
import { expect, test } from '@playwright/test';
import { SHEET } from './support';
import { useWebApp } from './web-app-fixture';

test.use({ actionTimeout: 10_000 });

const web = useWebApp();

test('a batch stopped at its cap explains Resume, takes a new cap, and finishes', async ({ page }) => {
  await page.goto(web.url);
  await expect(page.getByTestId('key-status')).toBeVisible();
  await page.getByTestId('sheet-input').setInputFiles({ name: 'capped.csv', mimeType: 'text/csv', buffer: Buffer.from(SHEET) });
  await expect(page.getByTestId('editor-summary')).toHaveText('3 rows ready');
  // Three clips at $0.01 under a $0.02 cap: two are made, the third would pass the cap.
  await page.getByTestId('budget-input').fill('0.02');
  await expect(page.getByTestId('budget-warning')).toBeVisible();
  await page.getByRole('button', { name: 'Queue 3 clips in Rehearsal' }).click();

  const header = page.getByTestId('batch-header');
  await expect(header.getByTestId('batch-header-phase')).toHaveText('paused', { timeout: 45_000 });
  await expect(header.getByTestId('batch-done')).toHaveText('2/3 done', { timeout: 45_000 });
  await expect(header).toContainText('Spend cap reached: $0.02 of $0.02 spent; the next clip would exceed it. Raise or remove the spend cap to continue.');
  await expect(header.getByTestId('spend-cap')).toContainText('Spend cap $0.02');
  const paused = page.getByTestId('notice').filter({ hasText: 'paused: Spend cap reached' });
  await expect(paused).toHaveCount(1);

  // Resume cannot resume: it says why, next to the button, and no second notice appears.
  await header.getByRole('button', { name: 'Resume' }).click();
  const problem = page.getByTestId('resume-problem');
  await expect(problem).toContainText('This batch is at its spend cap: $0.02 of its $0.02 cap is used');
  await expect(problem).toContainText('the next clip costs $0.01. Raise the cap to at least $0.03, or remove it, to resume.');
  await expect(header.getByTestId('batch-header-phase')).toHaveText('paused');
  await expect(paused).toHaveCount(1);
  await page.screenshot({ path: 'test-results/e2e-cap-resume-refused.png', fullPage: true });

  // The cap editor is open; a cap below what is used is refused by main, in words.
  const input = header.getByTestId('spend-cap-input');
  await expect(input).toBeFocused();
  await input.fill('0.01');
  await header.getByRole('button', { name: 'Set cap' }).click();
  await expect(header.getByTestId('spend-cap-problem')).toContainText('The cap cannot be below what this batch has already used ($0.02)');

  // A cap with room for the last clip: the batch says it can resume now.
  await input.fill('0.03');
  await header.getByRole('button', { name: 'Set cap' }).click();
  await expect(header.getByTestId('spend-cap')).toContainText('Spend cap $0.03');
  await expect(header).toContainText('Stopped at the spend cap; the cap is now $0.03. Resume to continue.');

  // Removed: Resume runs the batch to the end, and the paused notice goes with its cause.
  await header.getByRole('button', { name: /Change the spend cap/ }).click();
  await header.getByRole('button', { name: 'Remove cap' }).click();
  await expect(header.getByTestId('spend-cap')).toContainText('No spend cap');
  await expect(header).toContainText('Stopped at the spend cap; there is no cap now. Resume to continue.');
  await page.screenshot({ path: 'test-results/e2e-cap-removed.png', fullPage: true });
  await header.getByRole('button', { name: 'Resume' }).click();
  await expect(problem).toHaveCount(0);
  await expect(header.getByTestId('batch-done')).toHaveText('3/3 done', { timeout: 45_000 });
  await expect(header.getByTestId('batch-header-phase')).toHaveText('finished');
  await expect(paused).toHaveCount(0);

  // What is left (the batch's end) can be dismissed.
  const finished = page.getByTestId('notice').filter({ hasText: '"capped"' });
  await expect(finished).toHaveCount(1);
  await finished.getByRole('button', { name: /^Dismiss/ }).click();
  await expect(finished).toHaveCount(0);

  // Rehearsal charges nothing: the history says what the clip would cost; the model goes by its name.
  const rows = page.getByTestId('batch-rows');
  await expect(rows.getByTestId('row-1')).toContainText('Sim Fast');
  await rows.getByRole('button', { name: 'History of row 1' }).click();
  const history = rows.getByTestId('row-history');
  await expect(history).toContainText('would cost $0.01');
  await expect(history).not.toContainText('charged');
  await expect(header.getByTestId('batch-spend')).toContainText('would have cost $0.03 of $0.03 quoted');
  await page.screenshot({ path: 'test-results/e2e-cap-finished.png', fullPage: true });
});
