/**
 * Accessibility of the sheet, batch and notice views (axe-core, WCAG 2.1 AA: no serious or critical violation), with
 * the states an editor meets: a sheet with an invalid row and inherited values, settings kept from the last sheet,
 * the question before replacing an edited sheet, a draft, a batch stopped at its cap with Resume refused and the cap
 * editor open, a row's history. Drag-and-drop announcements name rows, not ids; disabled controls look disabled.
 */
import { expect, test, type Page } from '@playwright/test';
import { contrastOf, expectAccessible } from './axe';
import { SHEET } from './support';
import { useWebApp } from './web-app-fixture';

test.use({ actionTimeout: 10_000 });

const web = useWebApp();

/** The regions this spec's components render (the timeline, viewer and settings are checked by their own specs). */
const MINE = ['[data-testid="import-panel"]', '[data-testid="notices"]', '[data-testid="batches"]', '.batch-panel'];
const scope = async (page: Page) => {
  const present = [];
  for (const s of MINE) if ((await page.locator(s).count()) > 0) present.push(s);
  return { include: present };
};

const FOUR = `${SHEET}\nWhale,"A whale breaching at dusk",sim-fast-text-to-video,99,480p,no`;

test('the sheet views have no serious accessibility violation, drags are announced by name, disabled looks disabled', async ({ page }) => {
  await page.goto(web.url);
  await expect(page.getByTestId('key-status')).toBeVisible();
  await expectAccessible(page, 'the empty import panel', await scope(page));

  await page.getByTestId('sheet-input').setInputFiles({ name: 'whales.csv', mimeType: 'text/csv', buffer: Buffer.from(FOUR) });
  await expect(page.getByTestId('editor-summary')).toHaveText('3 rows ready, 1 needs fixing');
  // Inherited values (the batch default, shown in italics) are in every row's Takes cell.
  await page.getByTestId('default-takes').selectOption('2');
  await expect(page.getByTestId('cell-1-takes').locator('.default')).toHaveText('2');
  await expectAccessible(page, 'a sheet with an invalid row and inherited values', await scope(page));
  // axe leaves text in the grid's transformed rows for review: the inherited values are measured here, on a plain
  // row and on the current (highlighted) one.
  expect(await contrastOf(page, '[data-testid="cell-2-takes"] .default')).toBeGreaterThanOrEqual(4.5);
  await page.getByTestId('cell-1-name').click();
  await expect(page.getByTestId('edit-row-1')).toHaveClass(/current/);
  expect(await contrastOf(page, '[data-testid="cell-1-takes"] .default')).toBeGreaterThanOrEqual(4.5);

  // Disabled controls look disabled: faded and with a pointer that says so, and the reason is written beside them.
  const queue = page.getByRole('button', { name: /^Queue \d+ clips? in Rehearsal/ });
  await expect(queue).toBeDisabled();
  const look = await queue.evaluate((el) => ({ opacity: Number(getComputedStyle(el).opacity), cursor: getComputedStyle(el).cursor }));
  expect(look.opacity).toBeLessThanOrEqual(0.5);
  expect(look.cursor).toBe('not-allowed');
  await expect(page.getByTestId('queue-blocked')).toContainText('1 row needs fixing first');

  // A row dragged from the keyboard is announced by its number and name.
  await page.getByTestId('edit-row-4').getByTestId('drag-handle').focus();
  await page.keyboard.press('Space');
  const live = page.locator('[id^="DndLiveRegion"]');
  await expect(live).toContainText('Picked up row 4 “Whale”.');
  await page.keyboard.press('ArrowUp');
  await expect(live).toContainText('Row 4 “Whale” is over row 3 “Closing”.');
  await page.keyboard.press('Escape');
  await expect(live).toContainText('Moving row 4 “Whale” was cancelled');
  await expect(live).not.toContainText('Draggable item');

  // The question before another file replaces the edited sheet, then the draft it leaves.
  await page.getByTestId('sheet-input').setInputFiles({ name: 'shots.csv', mimeType: 'text/csv', buffer: Buffer.from(SHEET) });
  await expect(page.getByTestId('confirm-replace')).toBeVisible();
  await expectAccessible(page, 'the question before replacing an edited sheet', await scope(page));
  await page.getByRole('button', { name: 'Open shots.csv' }).click();
  await expect(page.getByTestId('drafts')).toContainText('whales');
  await expect(page.getByTestId('carry-over')).toBeVisible();
  await expectAccessible(page, 'a draft and settings kept from the last sheet', await scope(page));
});

test('the running batch views have no serious accessibility violation', async ({ page }) => {
  await page.goto(web.url);
  await expect(page.getByTestId('key-status')).toBeVisible();
  await page.getByTestId('sheet-input').setInputFiles({ name: 'capped.csv', mimeType: 'text/csv', buffer: Buffer.from(SHEET) });
  await page.getByTestId('budget-input').fill('0.02');
  await page.getByRole('button', { name: 'Queue 3 clips in Rehearsal' }).click();
  const header = page.getByTestId('batch-header');
  await expect(header.getByTestId('batch-done')).toHaveText('2/3 done', { timeout: 45_000 });
  await expect(header.getByTestId('batch-header-phase')).toHaveText('paused');
  await header.getByRole('button', { name: 'Resume' }).click();
  await expect(page.getByTestId('resume-problem')).toBeVisible();
  await expect(header.getByTestId('spend-cap-input')).toBeVisible();
  await expectAccessible(page, 'a batch stopped at its cap, Resume refused, the cap editor open', await scope(page));

  await page.getByTestId('batch-rows').getByRole('button', { name: 'History of row 1' }).click();
  await expect(page.getByTestId('row-history')).toContainText('would cost');
  await expectAccessible(page, "a row's history", await scope(page));
  await page.screenshot({ path: 'test-results/e2e-a11y-batch.png', fullPage: true });
});
