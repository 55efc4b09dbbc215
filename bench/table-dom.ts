/**
 * Bench: the batch editor showing a 10,000-row sheet in real Chromium against browser mode (Rehearsal, temp data
 * folder). Imports the sheet through the UI's file input and reports how many row elements the DOM holds (at the
 * top and after scrolling to the bottom: virtualization keeps it to the rows in view), the time from choosing the
 * file to the first painted table, and the frame timing while wheel-scrolling through the whole table.
 * Ratio: DOM rows / sheet rows (goal: far below 1).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { startWebApp } from '../test/e2e/support';
import { makeSheetText } from './sheet-parse-work';
import { fmt, type BenchRow } from './table';
import { detail } from './temp';

const ROWS = 10_000;
const RENDERER = path.resolve('dist/renderer/index.html');

export function chromiumPath(): string {
  const found = process.env.CHROMIUM_PATH ?? spawnSync('sh', ['-c', 'command -v chromium'], { encoding: 'utf8' }).stdout.trim();
  if (!found) throw new Error('Chromium was not found: install it or set CHROMIUM_PATH');
  return found;
}

/** Browser mode serves the built renderer; build it once when it is missing. */
export function ensureRenderer(): void {
  if (existsSync(RENDERER)) return;
  detail('dist/renderer is missing: running vite build');
  execFileSync(path.resolve('node_modules/.bin/vite'), ['build', '--logLevel', 'warn'], { stdio: 'inherit' });
}

export function p95(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length ? (s[Math.min(s.length - 1, Math.floor(s.length * 0.95))] as number) : Number.NaN;
}

/** Data rows in the DOM (the header row is not counted). */
const countRows = (page: Page) => page.locator('[data-testid="editor-grid"] [role="row"][data-testid^="edit-row-"]').count();

export async function benchTableDom(opts: { quick: boolean }): Promise<BenchRow[]> {
  ensureRenderer();
  const csv = makeSheetText(ROWS, ',');
  const web = await startWebApp();
  const browser = await chromium.launch({
    executablePath: chromiumPath(),
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    // tsx compiles with keepNames, so functions declared inside page.evaluate callbacks call esbuild's __name
    // helper, which the page does not have: give the page a no-op one.
    await page.addInitScript('globalThis.__name = (fn) => fn;');
    await page.goto(web.url);
    await page.getByTestId('key-status').waitFor();

    // Time to first paint: the page notes when the grid enters the DOM, then waits two frames (the frame that
    // paints it has run once the second callback fires). The clock starts in the page just before the file is set.
    await page.evaluate(() => {
      const w = window as unknown as { __gridPainted?: Promise<number> };
      w.__gridPainted = new Promise<number>((resolve) => {
        const seen = () => document.querySelector('[data-testid="editor-grid"] [data-testid^="edit-row-"]');
        const done = () => requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now())));
        if (seen()) return done();
        const obs = new MutationObserver(() => {
          if (!seen()) return;
          obs.disconnect();
          done();
        });
        obs.observe(document.body, { childList: true, subtree: true });
      });
    });
    const start = await page.evaluate(() => performance.now());
    await page.getByTestId('sheet-input').setInputFiles({ name: 'ten-thousand.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    const painted = await page.evaluate(() => (window as unknown as { __gridPainted: Promise<number> }).__gridPainted);
    const firstPaintMs = painted - start;
    const ariaCount = await page.getByTestId('editor-grid').getAttribute('aria-rowcount');
    if (ariaCount !== String(ROWS + 1)) throw new Error(`the editor says ${ariaCount} rows (with header), expected ${ROWS + 1}`);
    const atTop = await countRows(page);

    // Scroll through the whole table with wheel events while the page records every animation frame.
    const scroller = page.locator('[data-testid="editor-grid"] .grid-scroll');
    // In the workspace's panes the table may start below the fold of its pane: bring it into view, and point at the
    // middle of the part on screen (the wheel goes where the pointer is).
    await scroller.evaluate((el) => el.scrollIntoView({ block: 'end' }));
    const box = await scroller.boundingBox();
    if (!box) throw new Error('the editor table has no scroll area on screen');
    const top = Math.max(0, box.y);
    const bottom = Math.min(900, box.y + box.height);
    if (bottom - top < 60) throw new Error(`the editor table is not on screen (${JSON.stringify(box)})`);
    await page.mouse.move(box.x + box.width / 2, (top + bottom) / 2);
    // The same page idle for a second first: headless Chromium on a busy machine may not reach 60 Hz at all,
    // so scrolling is compared with the frame rate this browser gives with nothing to do.
    const idleFrames = await page.evaluate(
      () =>
        new Promise<number[]>((resolve) => {
          const times: number[] = [];
          const end = performance.now() + 1000;
          const tick = (t: number) => {
            times.push(t);
            if (t < end) requestAnimationFrame(tick);
            else resolve(times);
          };
          requestAnimationFrame(tick);
        }),
    );
    const idleP95 = p95(idleFrames.slice(1).map((t, i) => t - (idleFrames[i] as number)));
    await page.evaluate(() => {
      const w = window as unknown as { __frames: number[]; __recording: boolean };
      w.__frames = [];
      w.__recording = true;
      const tick = (t: number) => {
        w.__frames.push(t);
        if (w.__recording) requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    });
    const step = opts.quick ? 3000 : 600;
    const atBottom = () => scroller.evaluate((el) => el.scrollTop + el.clientHeight >= el.scrollHeight - 1);
    let wheels = 0;
    const t0 = Date.now();
    while (!(await atBottom())) {
      await page.mouse.wheel(0, step);
      wheels++;
      if (Date.now() - t0 > 120_000) throw new Error(`still not at the bottom after ${wheels} wheel events`);
    }
    const scrollMs = Date.now() - t0;
    // Let the last frames land before counting.
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    const frames = await page.evaluate(() => {
      const w = window as unknown as { __frames: number[]; __recording: boolean };
      w.__recording = false;
      return w.__frames;
    });
    const deltas = frames.slice(1).map((t, i) => t - (frames[i] as number));
    const atEnd = await countRows(page);
    const lastVisible = await page.getByTestId(`edit-row-${ROWS}`).count();
    if (lastVisible !== 1) throw new Error(`row ${ROWS} is not in the DOM after scrolling to the bottom`);

    detail(`DOM rows: ${atTop} of ${ROWS} (top), ${atEnd} of ${ROWS} (after scrolling to the bottom)`);
    detail(`first paint of the table after choosing the file: ${fmt.ms(firstPaintMs, 0)} (upload, import, validation, render)`);
    detail(
      `scrolling to the bottom: ${wheels} wheel events of ${step}px in ${fmt.s(scrollMs)}, ${deltas.length} frames, ` +
        `frame delta p95 ${fmt.ms(p95(deltas))}, max ${fmt.ms(Math.max(...deltas))}; idle page p95 ${fmt.ms(idleP95)}`,
    );
    const maxRows = Math.max(atTop, atEnd);
    return [
      {
        name: 'dom rows',
        measured: `${maxRows} rows`,
        baseline: `${ROWS} rows`,
        ratio: maxRows / ROWS,
        note: `row elements in the DOM (top ${atTop}, bottom ${atEnd}) vs rows in the sheet`,
      },
      {
        name: 'dom first paint',
        measured: fmt.ms(firstPaintMs, 0),
        baseline: '-',
        ratio: undefined,
        note: 'choosing a 10,000-row file to the painted table (browser mode, Rehearsal)',
      },
      {
        name: 'dom scroll p95 frame',
        measured: fmt.ms(p95(deltas)),
        baseline: fmt.ms(idleP95),
        ratio: p95(deltas) / idleP95,
        note: 'p95 requestAnimationFrame delta while wheel-scrolling to the bottom vs the same page idle',
      },
    ];
  } finally {
    await browser.close();
    await web.stop();
  }
}
