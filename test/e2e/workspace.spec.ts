/**
 * The workspace as an editor meets it in browser mode: panes instead of a page (the sheet or batch, the viewer, the
 * timeline under them), sized by dragging and remembered across a reload, clamped when storage holds nonsense,
 * put back by "Reset layout"; settings and the key sheet in dialogs; the work pane following the work (a sheet read
 * shows the sheet, a queued batch opens in its own tab); the timeline's keys not stolen from the sheet table. Ends
 * with screenshots at 1280x720, 1920x1080 and a 4K screen, which are looked at.
 */
import { AxeBuilder } from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { SHEET, settledValue } from './support';
import { useWebApp } from './web-app-fixture';

const web = useWebApp();

test.describe.configure({ mode: 'serial' });

const box = async (page: Page, testId: string) => (await page.getByTestId(testId).boundingBox())!;
/** The timeline pane's share of the workspace's height, in percent. */
async function timelineShare(page: Page): Promise<number> {
  const upper = await box(page, 'pane-upper');
  const timeline = await box(page, 'pane-timeline');
  return (timeline.height / (upper.height + timeline.height)) * 100;
}

/** The share once the panes have settled: read at first paint it caught them mid-layout once (41.0 against 42.0). */
const settledShare = (page: Page) => settledValue(page, () => timelineShare(page), 0.01);

test('panes fill the window; a dragged divider is remembered, clamped and reset', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.goto(web.url);
  await expect(page.getByText('No batches yet')).toBeVisible();
  // No scrolling page: the workspace fits the window.
  expect(await page.evaluate(() => document.documentElement.scrollHeight <= window.innerHeight + 1)).toBe(true);
  for (const region of ['Batches', 'Sheet and batch', 'Viewer', 'Timeline']) await expect(page.getByRole('region', { name: region })).toBeVisible();
  const before = await settledShare(page);
  expect(before).toBeGreaterThan(30);
  // Nothing is stored until the editor drags.
  expect(await page.evaluate(() => Object.keys(localStorage))).toEqual([]);

  const divider = page.getByRole('separator', { name: /timeline below/ });
  const d = (await divider.boundingBox())!;
  await page.mouse.move(d.x + d.width / 2, d.y + d.height / 2);
  await page.mouse.down();
  await page.mouse.move(d.x + d.width / 2, d.y - 90, { steps: 6 });
  await page.mouse.up();
  const dragged = await timelineShare(page);
  expect(dragged).toBeGreaterThan(before + 10);
  await expect.poll(() => page.evaluate(() => Object.keys(localStorage))).toEqual(['venice-batch:layout:v1']);

  await page.reload();
  await expect(page.getByRole('region', { name: 'Timeline' })).toBeVisible();
  await expect.poll(() => timelineShare(page)).toBeCloseTo(dragged, 0);

  // Storage holding a size no pane may have is clamped, never a vanished pane.
  await page.evaluate(() => localStorage.setItem('venice-batch:layout:v1', JSON.stringify({ main: { upper: 99.5, timeline: 0.5 }, upper: { left: 'x' } })));
  await page.reload();
  await expect(page.getByRole('region', { name: 'Timeline' })).toBeVisible();
  expect(await timelineShare(page)).toBeGreaterThanOrEqual(14.5);
  expect((await box(page, 'pane-viewer')).width).toBeGreaterThan(200);

  await page.getByRole('button', { name: 'Reset layout' }).click();
  await expect.poll(() => timelineShare(page)).toBeCloseTo(before, 0);
  expect(await page.evaluate(() => Object.keys(localStorage))).toEqual([]);
});

test('settings and the key sheet open in dialogs; the sheet lists the timeline keys', async ({ page }) => {
  await page.goto(web.url);
  await expect(page.getByTestId('key-status')).toBeVisible();
  await page.getByRole('button', { name: 'Settings' }).click();
  const settings = page.getByRole('dialog', { name: 'Settings' });
  await expect(settings.getByTestId('setting-concurrency')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(settings).toBeHidden();

  await page.keyboard.press('?');
  const keys = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(keys).toBeVisible();
  for (const [action, key] of [
    ['shuttle-back', 'J'],
    ['stop', 'K'],
    ['shuttle-forward', 'L'],
    ['play', 'Space'],
    ['frame-back', '←'],
    ['next-edit', '↓'],
    ['mark-in', 'I'],
    ['mark-out', 'O'],
    ['lift', 'Delete'],
    ['ripple-delete', 'Shift+Delete'],
    ['marker', 'M'],
    ['start', 'Home'],
    ['end', 'End'],
    ['undo', 'Ctrl+Z'],
    ['sheet-fill', 'Ctrl+D'],
  ] as const) {
    await expect(keys.locator(`[data-action="${action}"] dt`)).toContainText(key);
  }
  await page.screenshot({ path: 'test-results/e2e-workspace-keys.png' });
  await page.keyboard.press('?');
  await expect(keys).toBeHidden();
});

test('the work pane follows the work, and the timeline keys leave the sheet table alone', async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto(web.url);
  await page.getByTestId('sheet-input').setInputFiles({ name: 'harbour.csv', mimeType: 'text/csv', buffer: Buffer.from(SHEET) });
  await expect(page.getByRole('tab', { name: 'Sheet' })).toHaveAttribute('aria-selected', 'true');
  await page.getByRole('button', { name: /^Queue 3 clip/ }).click();
  // The queued batch opens in its own tab, named after it.
  await expect(page.getByRole('tab', { name: /^Batch: harbour/ })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('batch-header').getByTestId('batch-done')).toHaveText('3/3 done', { timeout: 60_000 });
  await expect(page.getByTestId('timeline-clip')).toHaveCount(3, { timeout: 15_000 });

  // A key typed in the sheet's pane is the sheet's: L there does not start the timeline.
  await page.getByRole('tab', { name: 'Sheet' }).click();
  await page.getByTestId('sheet-input').setInputFiles({ name: 'more.csv', mimeType: 'text/csv', buffer: Buffer.from(SHEET) });
  await page.getByRole('tab', { name: 'Sheet' }).focus();
  await page.keyboard.press('l');
  await expect(page.getByTestId('shuttle-rate')).toHaveText('');
  // The same key with the timeline focused plays it.
  await page.getByRole('region', { name: 'Timeline' }).click({ position: { x: 6, y: 6 } });
  await page.keyboard.press('l');
  await expect(page.getByTestId('shuttle-rate')).toHaveText('▶ 1×');
  await page.keyboard.press('k');
});

test('axe finds nothing serious on the workspace with a timeline, the key sheet or the settings', async ({ page }) => {
  await page.goto(web.url);
  await page.getByRole('region', { name: 'Batches' }).getByRole('button', { name: 'harbour' }).first().click();
  await expect(page.getByTestId('timeline-clip')).toHaveCount(3, { timeout: 15_000 });
  await page.getByTestId('timeline-clip').first().locator('.tl-clip-body').click();
  await expect(page.getByTestId('clip-inspector')).toBeVisible();
  const serious = async () =>
    (await new AxeBuilder({ page }).analyze()).violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(await serious()).toEqual([]);
  await page.keyboard.press('?');
  await expect(page.getByRole('dialog', { name: 'Keyboard shortcuts' })).toBeVisible();
  expect(await serious()).toEqual([]);
  await page.keyboard.press('Escape');
  await page.getByRole('button', { name: 'Settings' }).click();
  await expect(page.getByRole('dialog', { name: 'Settings' })).toBeVisible();
  expect(await serious()).toEqual([]);
});

for (const [w, h, name] of [
  [1280, 720, '1280x720'],
  [1920, 1080, '1920x1080'],
  [3840, 2160, '4k'],
] as const) {
  test(`usable at ${name}`, async ({ page }) => {
    await page.setViewportSize({ width: w, height: h });
    await page.goto(web.url);
    await page.getByRole('region', { name: 'Batches' }).getByRole('button', { name: 'harbour' }).first().click();
    await expect(page.getByTestId('timeline-clip')).toHaveCount(3, { timeout: 15_000 });
    // Nothing runs off the window, every pane keeps a usable size, the toolbar and the transport fit.
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth && document.documentElement.scrollHeight <= window.innerHeight + 1)).toBe(true);
    expect((await box(page, 'viewer')).height).toBeGreaterThan(h * 0.18);
    expect((await box(page, 'timeline-scroller')).height).toBeGreaterThan(120);
    await expect(page.getByRole('toolbar', { name: 'Transport' })).toBeVisible();
    await page.getByTestId('timeline-ruler').click({ position: { x: 300, y: 10 } });
    await page.screenshot({ path: `test-results/e2e-workspace-${name}.png` });
  });
}
