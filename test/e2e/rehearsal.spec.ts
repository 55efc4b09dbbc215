/**
 * Browser mode, as an editor uses it: open the printed address, see that this is Rehearsal, import a small CSV,
 * queue it, and wait until every row says "done". Waits on what the page shows, never on a clock.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { SHEET } from './support';
import { useWebApp } from './web-app-fixture';

const web = useWebApp();

test('imports a CSV and runs it to the end in Rehearsal', async ({ page }) => {
  await page.goto(web.url);
  // The token leaves the address bar (and so the history) once the page has it.
  await expect.poll(() => page.url()).not.toContain('token=');
  await expect(page.getByRole('status')).toContainText('Rehearsal mode');
  await expect(page.getByTestId('key-status')).toHaveText('No API key');
  await expect(page.getByText('No batches yet')).toBeVisible();

  // A row the model cannot make is named, with what to change, and nothing can be queued until it is fixed.
  const bad = `${SHEET}\nToo long,"A whale breaching",sim-fast-text-to-video,99,480p,no`;
  await page.getByTestId('sheet-input').setInputFiles({ name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });
  await expect(page.getByText('1 needs fixing')).toBeVisible();
  await expect(page.locator('.grid-row.invalid')).toContainText('Duration');
  await expect(page.getByRole('button', { name: /^Queue 3 clips/ })).toBeDisabled();
  await page.screenshot({ path: 'test-results/e2e-browser-invalid-row.png', fullPage: true });

  await page.getByTestId('sheet-input').setInputFiles({ name: 'shots.csv', mimeType: 'text/csv', buffer: Buffer.from(SHEET) });
  await expect(page.getByText('3 rows ready')).toBeVisible();
  await expect(page.getByText('(Rehearsal: nothing is charged)')).toBeVisible();
  await page.getByRole('button', { name: 'Queue 3 clips in Rehearsal' }).click();

  const rows = page.getByTestId('batch-rows');
  for (const n of [1, 2, 3]) await expect(rows.getByTestId(`row-${n}`).getByTestId('row-status')).toHaveText('done', { timeout: 45_000 });
  await expect(rows.getByTestId('row-1')).toContainText('001-Opening-1.mp4');
  await expect(page.getByTestId('batch-phase').first()).toHaveText('finished');

  await page.screenshot({ path: 'test-results/e2e-browser-rehearsal.png', fullPage: true });
  const folder = path.join(web.clipsDir, 'shots (rehearsal)');
  expect(existsSync(folder) && readdirSync(folder).filter((f) => f.endsWith('.mp4')).sort()).toEqual(['001-Opening-1.mp4', '002-Market-1.mp4', '003-Closing-1.mp4']);
});

test('the page has no Node, no bridge of its own and keeps nothing secret in storage', async ({ page }) => {
  await page.goto(web.url);
  await expect(page.getByTestId('key-status')).toBeVisible();
  const globals = await page.evaluate(() => ({
    require: typeof (window as unknown as { require?: unknown }).require,
    process: typeof (window as unknown as { process?: unknown }).process,
    venice: typeof window.venice,
    local: Object.keys(localStorage),
    session: Object.keys(sessionStorage),
  }));
  expect(globals).toEqual({ require: 'undefined', process: 'undefined', venice: 'undefined', local: [], session: ['venice-batch-token'] });
  // Another origin cannot call the app, even knowing the address.
  const status = await page.evaluate(async (url) => {
    const res = await fetch(new URL('/api/app:info', url).toString().replace('127.0.0.1', 'localhost'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }).catch(() => undefined);
    return res?.status ?? 0;
  }, web.url);
  expect([0, 401, 403]).toContain(status);
});
