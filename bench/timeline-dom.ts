/**
 * Bench: the timeline with 500 clips in real headless Chromium against browser mode. A batch of 500 finished rows
 * (five real 2-second H.264 clips, 24 fps, a keyframe every 2 s, each row its own hard link so the page loads every
 * row as its own file) is written into a fresh data folder, browser mode is started on it, and the page opens the
 * batch's timeline. Then, while the page records every animation frame: zooming in and out by Ctrl+wheel (one event
 * per frame), scrolling along the zoomed-in sequence by the wheel, and scrubbing by dragging the ruler with the
 * mouse, each in short windows alternating with windows of the same page idle (the machine's two cores are shared,
 * so both sides of each ratio see the same load). Each p95 frame time is compared with its idle windows' (goal:
 * within 2x). Last, once main has made the
 * scrubbing proxies, the time from a press on the ruler to the viewer painting the exact frame under it, for jumps that land in another clip and for moves
 * inside one clip (goal: under 100 ms), and how soon the strip frame shows first. SCRUB_PARTS=1 prints each press
 * with the page's performance.measure entries (the sprite decodes) relative to it, to see where a jump's wait went.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, linkSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { useMediaBinaries } from '../main/core/media/ffmpeg-binaries';
import { QueueStore } from '../main/core/queue/store';
import type { NewRow } from '../main/core/queue/types';
import { startWebApp } from '../test/e2e/support';
import { fmt, type BenchRow } from './table';
import { detail, makeTempDir, removeTempDir } from './temp';

const CLIPS = 500;
const DISTINCT = 5;
const RENDERER = path.resolve('dist/renderer/index.html');

function chromiumPath(): string {
  const found = process.env.CHROMIUM_PATH ?? spawnSync('sh', ['-c', 'command -v chromium'], { encoding: 'utf8' }).stdout.trim();
  if (!found) throw new Error('Chromium was not found: install it or set CHROMIUM_PATH');
  return found;
}

function p(values: number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length ? (s[Math.min(s.length - 1, Math.floor(s.length * q))] as number) : Number.NaN;
}
const p95 = (v: number[]) => p(v, 0.95);

/** Five distinct clips, then 500 rows in a finished batch pointing at hard links of them. */
export function seedTimelineBatch(dir: string): void {
  const dataDir = path.join(dir, 'data');
  const outDir = path.join(dir, 'clips', 'bench');
  mkdirSync(dataDir, { recursive: true });
  mkdirSync(outDir, { recursive: true });
  const { ffmpeg } = useMediaBinaries();
  const sources = Array.from({ length: DISTINCT }, (_, k) => {
    const file = path.join(dir, `source-${k}.mp4`);
    execFileSync(ffmpeg, ['-v', 'error', '-f', 'lavfi', '-i', `testsrc2=size=640x360:rate=24:duration=2,hue=h=${k * 60}`, '-c:v', 'libx264', '-preset', 'veryfast', '-g', '48', '-pix_fmt', 'yuv420p', '-y', file]);
    return file;
  });
  const rows: NewRow[] = Array.from({ length: CLIPS }, (_, i) => ({
    rowIndex: i + 1,
    name: `shot-${i + 1}`,
    params: { model: 'sim-fast-text-to-video', prompt: `Shot ${i + 1}`, duration: '2s', resolution: '480p', audio: false },
    extras: {},
    quoteUsd: 0.01,
  }));
  const store = new QueueStore(path.join(dataDir, 'queue.sqlite'));
  try {
    store.createBatch({ name: 'five hundred', settings: { concurrency: 4 }, outputDir: outDir, nameTemplate: '{row}', budgetUsd: null, baseUrl: 'http://127.0.0.1:9/api/v1' }, rows);
    for (let i = 1; i <= CLIPS; i++) linkSync(sources[(i - 1) % DISTINCT]!, path.join(outDir, `${i}.mp4`));
    store.db.exec(`UPDATE rows SET state = 'done', file_path = '${outDir}/' || row_index || '.mp4'`);
  } finally {
    store.close();
  }
}

/** Waits until the page has fetched nothing new for a second (strips and clips for what is in view have arrived). */
async function settled(page: Page): Promise<void> {
  let last = -1;
  for (let i = 0; i < 60; i++) {
    const n = await page.evaluate(() => performance.getEntriesByType('resource').filter((e) => (e as PerformanceResourceTiming).responseEnd > 0).length);
    if (n === last) return;
    last = n;
    await page.waitForTimeout(1000);
  }
}

/** Starts recording animation frame times in the page. */
const startFrames = (page: Page) =>
  page.evaluate(() => {
    const w = window as unknown as { __frames: number[]; __rec: boolean };
    w.__frames = [];
    w.__rec = true;
    const tick = (t: number) => {
      w.__frames.push(t);
      if (w.__rec) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
const stopFrames = async (page: Page): Promise<number[]> => {
  const t = await page.evaluate(() => {
    const w = window as unknown as { __frames: number[]; __rec: boolean };
    w.__rec = false;
    return w.__frames;
  });
  return t.slice(1).map((v, i) => v - (t[i] as number));
};

/** One wheel event per animation frame on the track for `ms`, from inside the page (a fast, steady hand). */
const wheelFor = (page: Page, ms: number, kind: 'zoom' | 'scroll') =>
  page.evaluate(
    ({ ms, kind }) =>
      new Promise<number>((resolve) => {
        const el = document.querySelector('[data-testid="timeline-scroller"]') as HTMLElement;
        const box = el.getBoundingClientRect();
        const begin = performance.now();
        const end = begin + ms;
        let n = 0;
        const tick = (t: number) => {
          // Zoom: in for the first half of the window, out for the second, around a point on the track.
          const deltaY = kind === 'zoom' ? (t - begin < ms / 2 ? -60 : 60) : 80;
          el.dispatchEvent(new WheelEvent('wheel', { deltaY, ctrlKey: kind === 'zoom', clientX: box.left + box.width * 0.4, clientY: box.top + 40, bubbles: true, cancelable: true }));
          n++;
          if (t < end) requestAnimationFrame(tick);
          else resolve(n);
        };
        requestAnimationFrame(tick);
      }),
    { ms, kind },
  );

/** Presses the ruler at x and measures, in the page, the press to the strip frame and to the exact frame painted. */
async function scrubLatency(page: Page, x: number, y: number): Promise<{ first: number; exact: number }> {
  await page.evaluate(() => {
    const w = window as unknown as { __scrub: Promise<{ first: number; exact: number }> };
    const ruler = document.querySelector('[data-testid="timeline-ruler"]')!;
    w.__scrub = new Promise((resolve) => {
      // A press that never reaches the ruler is reported, not waited for.
      const miss = setTimeout(() => resolve({ first: Number.NaN, exact: Number.NaN }), 8000);
      ruler.addEventListener(
        'pointerdown',
        (e) => {
          clearTimeout(miss);
          const t0 = e.timeStamp;
          performance.clearMeasures();
          let first = Number.NaN;
          const check = (t: number) => {
            const viewer = document.querySelector<HTMLElement>('[data-testid="viewer"]')!;
            const want = Number(viewer.dataset.time);
            const rowId = viewer.dataset.rowId;
            const video = [...document.querySelectorAll<HTMLVideoElement>('video[data-testid^="viewer-"]')].find((v) => v.dataset.rowId === rowId);
            const sprite = document.querySelector<HTMLElement>('[data-testid="viewer-sprite"]');
            const exact = !!video && !video.seeking && video.readyState >= 2 && Math.abs(video.currentTime - want) < 0.002;
            // The same frame drawn small from the scrub sprite counts as shown (it is that frame, not a neighbour).
            const drawn = !!sprite && !sprite.hidden && sprite.dataset.shown === `${rowId}:${viewer.dataset.time}`;
            if (Number.isNaN(first) && (exact || drawn)) {
              first = t - t0;
              // Where the wait went (performance.measure in the viewer and scrub-sprites.ts), for the report.
              const parts = performance.getEntriesByType('measure').map((m) => `${m.name}@${(m.startTime - t0).toFixed(0)}+${m.duration.toFixed(0)}`);
              (window as unknown as { __parts: string[] }).__parts = parts;
            }
            // The frame is on screen once the animation frame after it was decoded has run.
            if (exact) return requestAnimationFrame((t2) => resolve({ first, exact: t2 - t0 }));
            if (t - t0 > 5000) {
              console.log(`scrub never showed: ${JSON.stringify({ want, rowId, video: video && { t: video.currentTime, seeking: video.seeking, rs: video.readyState, row: video.dataset.rowId }, vids: [...document.querySelectorAll<HTMLVideoElement>('video[data-testid^="viewer-"]')].map((v) => v.dataset.rowId) })}`);
              return resolve({ first, exact: Number.NaN });
            }
            requestAnimationFrame(check);
          };
          requestAnimationFrame(check);
        },
        { once: true, capture: true },
      );
    });
  });
  await page.mouse.move(x, y);
  await page.mouse.down();
  const r = await page.evaluate(() => (window as unknown as { __scrub: Promise<{ first: number; exact: number }> }).__scrub);
  await page.mouse.up();
  if (process.env.SCRUB_PARTS) console.log(`  scrub ${JSON.stringify(r)} ${JSON.stringify(await page.evaluate(() => (window as unknown as { __parts?: string[] }).__parts ?? []))}`);
  return r;
}

export async function benchTimelineDom(opts: { quick: boolean }): Promise<BenchRow[]> {
  if (!existsSync(RENDERER)) execFileSync(path.resolve('node_modules/.bin/vite'), ['build', '--logLevel', 'warn'], { stdio: 'inherit' });
  const dir = makeTempDir('timeline');
  seedTimelineBatch(dir);
  const web = await startWebApp({ dir });
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--autoplay-policy=no-user-gesture-required'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
    page.on('console', (m) => m.text().startsWith('scrub never') && detail(m.text()));
    await page.addInitScript('globalThis.__name = (fn) => fn;');
    // The page's resource list holds 250 entries by default; the bench counts 500 sprites in it.
    await page.addInitScript('performance.setResourceTimingBufferSize(20000);');
    await page.goto(web.url);
    const t0 = Date.now();
    // At fit, 500 clips are a few pixels each: drawn on the track's canvas, not as elements.
    await page.getByTestId('timeline-total').filter({ hasText: `${CLIPS} clips` }).waitFor({ timeout: 120_000 });
    const openMs = Date.now() - t0;
    const total = await page.getByTestId('timeline-total').textContent();
    if (!total?.startsWith(`${CLIPS} clips`)) throw new Error(`the timeline shows "${total}", not ${CLIPS} clips`);
    const domAtFit = await page.getByTestId('timeline-clip').count();
    // Opening the timeline starts main making the scrubbing proxies (one per file: the rows share DISTINCT files);
    // the steady state is measured, once they are made.
    const made = (folder: string, prefix: string) => (existsSync(folder) ? readdirSync(folder).filter((f) => f.startsWith(prefix)).length : 0);
    const proxies = path.join(dir, 'data', 'cache', 'proxies');
    const thumbs = path.join(dir, 'data', 'cache', 'thumbs');
    const p0 = Date.now();
    while (made(proxies, 'proxy-') < DISTINCT || made(thumbs, 'scrub-') < DISTINCT) {
      if (Date.now() - p0 > 180_000) throw new Error('the scrubbing proxies and sprites were not made within 3 minutes');
      await page.waitForTimeout(250);
    }
    const proxyMs = Date.now() - p0;
    // And the page fetches every clip's sprite ahead in the background (scrub-sprites.ts prefetchSprites).
    const sprites = () => page.evaluate(() => performance.getEntriesByType('resource').filter((e) => e.name.endsWith('/frames') && (e as PerformanceResourceTiming).responseEnd > 0).length);
    while ((await sprites()) < CLIPS) {
      if (Date.now() - p0 > 300_000) throw new Error(`only ${await sprites()} of ${CLIPS} sprites were fetched ahead within 5 minutes`);
      await page.waitForTimeout(500);
    }
    const spritesMs = Date.now() - p0;
    await settled(page);

    // Each activity is measured in short windows alternating with windows of the same page idle, so both see the
    // same machine (two cores shared with whatever else runs): the ratio compares like with like.
    const rounds = opts.quick ? 3 : 6;
    const slice = 500;
    const idleZoom: number[] = [];
    const zoom: number[] = [];
    let zoomEvents = 0;
    for (let r = 0; r < rounds; r++) {
      await startFrames(page);
      await page.waitForTimeout(slice);
      idleZoom.push(...(await stopFrames(page)));
      await startFrames(page);
      zoomEvents += await wheelFor(page, slice * 2, 'zoom');
      zoom.push(...(await stopFrames(page)));
    }

    // Zoomed in to about 1 s across the track, the sequence (1,000 s) is a long scroll.
    await page.getByTestId('timeline-pane').click({ position: { x: 8, y: 8 } });
    await page.keyboard.press('\\');
    for (let i = 0; i < 40; i++) await page.keyboard.press('=');
    await settled(page);
    const pps = await page.getByTestId('timeline-zoom').textContent();
    const domZoomed = await page.getByTestId('timeline-clip').count();
    const idleScroll: number[] = [];
    const scroll: number[] = [];
    let scrollEvents = 0;
    for (let r = 0; r < rounds; r++) {
      await startFrames(page);
      await page.waitForTimeout(slice);
      idleScroll.push(...(await stopFrames(page)));
      await startFrames(page);
      scrollEvents += await wheelFor(page, slice, 'scroll');
      scroll.push(...(await stopFrames(page)));
    }
    await settled(page);

    // Scrub: drag the ruler across the view with the mouse.
    // The ruler is as long as the sequence: only the part inside the scroller's view can be pressed.
    const rulerBox = (await page.getByTestId('timeline-ruler').boundingBox())!;
    const view = (await page.getByTestId('timeline-scroller').boundingBox())!;
    const ruler = { x: view.x, width: view.width - 20 };
    const y = rulerBox.y + rulerBox.height / 2;
    const idleScrub: number[] = [];
    const scrub: number[] = [];
    const steps = 30;
    for (let r = 0; r < rounds; r++) {
      await startFrames(page);
      await page.waitForTimeout(slice);
      idleScrub.push(...(await stopFrames(page)));
      await startFrames(page);
      await page.mouse.move(ruler.x + 20, y);
      await page.mouse.down();
      for (let i = 1; i <= steps; i++) {
        await page.mouse.move(ruler.x + 20 + ((ruler.width - 40) * i) / steps, y);
        await page.waitForTimeout(16);
      }
      await page.mouse.up();
      scrub.push(...(await stopFrames(page)));
    }

    // Press-to-frame: inside one clip (the zoomed-in view holds a clip or two), then jumps across the whole sequence.
    const within: { first: number; exact: number }[] = [];
    for (let i = 0; i < 12; i++) within.push(await scrubLatency(page, ruler.x + 40 + ((i * 37) % Math.max(1, ruler.width - 80)), y));
    await page.keyboard.press('\\');
    await page.waitForTimeout(300);
    const across: { first: number; exact: number }[] = [];
    for (let i = 0; i < 16; i++) across.push(await scrubLatency(page, ruler.x + 30 + ((i * 389) % Math.max(1, ruler.width - 60)), y));
    const exactAcross = across.map((r) => r.exact).filter(Number.isFinite);
    const exactWithin = within.map((r) => r.exact).filter(Number.isFinite);
    const firstAcross = across.map((r) => r.first).filter(Number.isFinite);
    if (exactAcross.length < across.length || exactWithin.length < within.length) {
      throw new Error(`the viewer did not show the scrubbed frame within 5 s: ${JSON.stringify({ within, across })}`);
    }

    detail(`500 clips opened in ${fmt.s(openMs)} (proxies and scrub sprites of the ${DISTINCT} files made ${fmt.s(proxyMs)} later, all ${CLIPS} sprites fetched ahead by the page ${fmt.s(spritesMs)} later); clip elements in the DOM: ${domAtFit} at fit, ${domZoomed} at ${pps}`);
    detail(`zoom: ${zoomEvents} Ctrl+wheel events, p95 ${fmt.ms(p95(zoom))} (idle beside it ${fmt.ms(p95(idleZoom))}), max ${fmt.ms(Math.max(...zoom))}`);
    detail(`scroll: ${scrollEvents} wheel events, p95 ${fmt.ms(p95(scroll))} (idle ${fmt.ms(p95(idleScroll))}); scrub drag: ${rounds * steps} moves, p95 ${fmt.ms(p95(scrub))} (idle ${fmt.ms(p95(idleScrub))}), max ${fmt.ms(Math.max(...scrub))}`);
    const firstWithin = within.map((r) => r.first).filter(Number.isFinite);
    detail(`press to the frame shown (scrub sprite or video): within a clip p50 ${fmt.ms(p(firstWithin, 0.5))} p95 ${fmt.ms(p95(firstWithin))}; across clips p50 ${fmt.ms(p(firstAcross, 0.5))} p95 ${fmt.ms(p95(firstAcross))}`);
    detail(`press to the full-size frame from the proxy video: within a clip p50 ${fmt.ms(p(exactWithin, 0.5))} p95 ${fmt.ms(p95(exactWithin))}; across clips p50 ${fmt.ms(p(exactAcross, 0.5))} p95 ${fmt.ms(p95(exactAcross))}`);
    const row = (name: string, d: number[], base: number[], note: string): BenchRow => ({ name, measured: fmt.ms(p95(d)), baseline: fmt.ms(p95(base)), ratio: p95(d) / p95(base), note });
    return [
      row('timeline zoom p95 frame', zoom, idleZoom, `500 clips, Ctrl+wheel every frame vs the same page idle in alternate windows (goal <= 2)`),
      row('timeline scroll p95 frame', scroll, idleScroll, `500 clips zoomed to ${pps}, wheel along the sequence every frame vs idle (goal <= 2)`),
      row('timeline scrub p95 frame', scrub, idleScrub, 'dragging the ruler with the mouse vs idle (goal <= 2)'),
      { name: 'timeline scrub to frame', measured: fmt.ms(p95(firstAcross)), baseline: '100.0 ms', ratio: p95(firstAcross) / 100, note: `p95 press on the ruler to that exact frame on screen (scrub sprite), landing in another clip; within a clip ${fmt.ms(p95(firstWithin))}` },
      { name: 'timeline scrub to full frame', measured: fmt.ms(p95(exactAcross)), baseline: '100.0 ms', ratio: p95(exactAcross) / 100, note: `p95 press to the full-size frame from the all-intra proxy, another clip; within a clip ${fmt.ms(p95(exactWithin))}` },
    ];
  } finally {
    await browser.close();
    await web.stop();
    removeTempDir(dir);
  }
}
