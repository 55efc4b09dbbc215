/**
 * The timeline as an editor drives it in browser mode, on a real Rehearsal batch of three 2-second clips: the keys
 * (arrows, Up/Down, Home/End, J/K/L with the speed ladder, K+L, I/O, Delete, Shift+Delete, undo), then the mouse
 * (a ripple trim by the clip's edge with the edge frame in the viewer, a crossfade pulled out of a cut and played
 * mixed, a roll, a marker with a note), then the export, whose length must be the timeline's to the frame. After
 * each step the test checks the timeline's saved state through the app and what the viewer's <video> shows.
 */
import { expect, test, type Page } from '@playwright/test';
import { callApp, settledValue } from './support';
import { useWebApp } from './web-app-fixture';

const web = useWebApp();

const SHEET = [
  'Shot,Prompt,Model,Duration (s),Resolution,Audio',
  'Opening,"Slow aerial push over a foggy harbour at dawn",sim-fast-text-to-video,2,480p,no',
  'Market,"Handheld walk through a busy fish market",sim-fast-text-to-video,2,480p,no',
  'Closing,"Boats returning at sunset, long shadows",sim-fast-text-to-video,2,480p,no',
].join('\n');

interface Clip {
  rowId: number;
  inSec: number;
  outSec: number | null;
  transitionIn: { kind: 'cut' } | { kind: 'crossfade'; durationSec: number };
}
interface View {
  clips: Clip[];
  music: { volume: number; fadeOutSec: number } | null;
  bin: { rowId: number; label: string; durationSec: number; fps: string }[];
  markers: { id: string; at: number; note: string }[];
}

const call = <T>(name: string, input: unknown): Promise<T> => callApp<T>(web, name, input);

let batchId = 0;
let fps = 24;
/** Each clip's length in frames (they are all the same model, so the same rate). */
let frames: number[] = [];
let labels: string[] = [];

const saved = () => call<View>('timeline:get', { batchId });
const viewer = (page: Page) => page.getByTestId('viewer');
const frameShown = async (page: Page) => Number(await viewer(page).getAttribute('data-frame'));
/** The top <video>'s row and position, once it has sought to the frame wanted (the middle of the frame). */
async function videoOnTop(page: Page): Promise<{ rowId: number; time: number; opacity: number }> {
  return page.evaluate(() => {
    const vids = [...document.querySelectorAll<HTMLVideoElement>('[data-testid^="viewer-"] , video[data-testid^="viewer-"]')].filter((v) => v.tagName === 'VIDEO');
    const top = vids.find((v) => v.style.zIndex === '2') ?? vids[0]!;
    return { rowId: Number(top.dataset.rowId), time: top.currentTime, opacity: Number(top.style.opacity) };
  });
}
async function expectFrame(page: Page, frame: number, rowId: number, srcFrame: number): Promise<void> {
  await expect.poll(() => frameShown(page)).toBe(frame);
  await expect.poll(async () => {
    const v = await videoOnTop(page);
    return v.rowId === rowId && Math.abs(v.time - (srcFrame + 0.5) / fps) < 1e-3;
  }, { message: `viewer shows row ${rowId} at source frame ${srcFrame}` }).toBe(true);
}
const waitSaved = (page: Page) => expect(page.getByTestId('save-state')).toHaveText('Saved', { timeout: 10_000 });

test.describe.configure({ mode: 'serial' });

test('a finished batch opens on a to-scale timeline, one click away', async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto(web.url);
  await expect(page.getByText('No batches yet')).toBeVisible();
  await page.getByTestId('sheet-input').setInputFiles({ name: 'harbour.csv', mimeType: 'text/csv', buffer: Buffer.from(SHEET) });
  await page.getByRole('button', { name: /^Queue 3 clip/ }).click();
  await expect(page.getByTestId('batch-header').getByTestId('batch-done')).toHaveText('3/3 done', { timeout: 60_000 });
  const [batch] = await call<{ id: number }[]>('batch:list', {});
  batchId = batch!.id;
  const view = await saved();
  fps = Number(view.bin[0]!.fps);
  frames = view.clips.map((c) => Math.round(view.bin.find((b) => b.rowId === c.rowId)!.durationSec * fps));
  labels = view.clips.map((c) => view.bin.find((b) => b.rowId === c.rowId)!.label);
  const clips = page.getByTestId('timeline-clip');
  await expect(clips).toHaveCount(3, { timeout: 15_000 });
  // Drawn to scale: equal clips have equal widths, and their widths add up to the sequence at this zoom.
  const widths = await clips.evaluateAll((els) => els.map((e) => e.getBoundingClientRect().width));
  expect(Math.max(...widths) - Math.min(...widths)).toBeLessThan(2);
  await expect(page.getByTestId('timeline-total')).toContainText(`3 clips · 00:00:0${(frames[0]! * 3) / fps}:00`);

  // One click on the batch's name reopens it (and its timeline) after a reload.
  await page.reload();
  await page.getByRole('region', { name: 'Batches' }).getByRole('button', { name: 'harbour' }).click();
  await expect(clips).toHaveCount(3);
});

test('the keys move the playhead frame by frame and edit by edit, and the viewer follows', async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto(web.url);
  const ruler = page.getByTestId('timeline-ruler');
  await expect(page.getByTestId('timeline-clip')).toHaveCount(3, { timeout: 15_000 });
  const view = await saved();
  const row = view.clips.map((c) => c.rowId);
  // Clicking the ruler at its start moves the playhead there and gives the timeline the keys.
  await ruler.click({ position: { x: 2, y: 10 } });
  await expectFrame(page, 0, row[0]!, 0);
  for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
  await expectFrame(page, 3, row[0]!, 3);
  await page.keyboard.press('ArrowLeft');
  await expectFrame(page, 2, row[0]!, 2);
  await page.keyboard.press('Shift+ArrowRight');
  await expectFrame(page, 7, row[0]!, 7);
  // Down: the next edit, where clip 2 starts (it plays on the other <video>, already loaded).
  await page.keyboard.press('ArrowDown');
  await expectFrame(page, frames[0]!, row[1]!, 0);
  await page.keyboard.press('ArrowDown');
  await expectFrame(page, frames[0]! + frames[1]!, row[2]!, 0);
  await page.keyboard.press('ArrowUp');
  await expectFrame(page, frames[0]!, row[1]!, 0);
  const total = frames.reduce((a, b) => a + b, 0);
  await page.keyboard.press('End');
  await expectFrame(page, total - 1, row[2]!, frames[2]! - 1);
  await page.keyboard.press('Home');
  await expectFrame(page, 0, row[0]!, 0);

  // L plays; L again doubles; K stops on a whole frame with the video paused on it.
  const rate = page.getByTestId('shuttle-rate');
  await page.keyboard.press('l');
  await expect(rate).toHaveText('▶ 1×');
  await expect.poll(() => frameShown(page)).toBeGreaterThan(4);
  await page.keyboard.press('l');
  await expect(rate).toHaveText('▶ 2×');
  await page.keyboard.press('k');
  await expect(rate).toHaveText('');
  const stopped = await frameShown(page);
  await expect.poll(async () => (await page.locator('video[data-testid^="viewer-"]').evaluateAll((vs) => (vs as HTMLVideoElement[]).every((v) => v.paused)))).toBe(true);
  const stoppedSpan = stopped < frames[0]! ? { row: row[0]!, src: stopped } : stopped < frames[0]! + frames[1]! ? { row: row[1]!, src: stopped - frames[0]! } : { row: row[2]!, src: stopped - frames[0]! - frames[1]! };
  await expectFrame(page, stopped, stoppedSpan.row, stoppedSpan.src);
  // K then L starts again at 1×, not at the speed before.
  await page.keyboard.press('l');
  await expect(rate).toHaveText('▶ 1×');
  await page.keyboard.press('k');
  // J plays backwards by stepping frames; J again is faster. From the end, so there is room to run backwards.
  await page.keyboard.press('End');
  const before = await frameShown(page);
  await page.keyboard.press('j');
  await expect(rate).toHaveText('◀ 1×');
  await expect.poll(() => frameShown(page)).toBeLessThan(before - 2);
  await page.keyboard.press('j');
  await expect(rate).toHaveText('◀ 2×');
  await page.keyboard.press('k');
  // Holding K, L steps one frame forward.
  await page.keyboard.press('Home');
  await page.keyboard.down('k');
  await page.keyboard.press('l');
  await page.keyboard.up('k');
  await expectFrame(page, 1, row[0]!, 1);
  await expect(rate).toHaveText('');
});

test('I and O trim the clip under the playhead; Delete lifts, Shift+Delete ripples, Ctrl+Z undoes', async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto(web.url);
  await expect(page.getByTestId('timeline-clip')).toHaveCount(3, { timeout: 15_000 });
  const row = (await saved()).clips.map((c) => c.rowId);
  await page.getByTestId('timeline-ruler').click({ position: { x: 2, y: 10 } });
  // In point at frame 6 of the first clip: the clip now starts with that frame, and the viewer still shows it.
  for (let i = 0; i < 6; i++) await page.keyboard.press('ArrowRight');
  await page.keyboard.press('i');
  await expectFrame(page, 0, row[0]!, 6);
  await waitSaved(page);
  expect((await saved()).clips[0]).toMatchObject({ inSec: Math.round((6 / fps) * 1e6) / 1e6, outSec: null });
  // Out point 10 frames further on: that frame is the clip's last.
  for (let i = 0; i < 10; i++) await page.keyboard.press('ArrowRight');
  await page.keyboard.press('o');
  await waitSaved(page);
  const trimmed = (await saved()).clips[0]!;
  expect(Math.round(trimmed.outSec! * fps)).toBe(17);
  // The next edit is now 11 frames in (frames 6..16 of the first clip).
  await page.keyboard.press('Home');
  await page.keyboard.press('ArrowDown');
  await expectFrame(page, 11, row[1]!, 0);
  // An out point before the in point is refused with the reason, and nothing changes.
  await page.keyboard.press('Home');
  await page.keyboard.press('o');
  await expect(page.getByTestId('timeline-message')).toContainText('nothing was changed');

  // Delete lifts the clip under the playhead (the second); the playhead stays put.
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Delete');
  await expect(page.getByTestId('timeline-clip')).toHaveCount(2);
  await expect.poll(() => frameShown(page)).toBe(11);
  await expect(page.getByTestId('timeline-message')).toContainText(`Lifted "${labels[1]}"`);
  await page.keyboard.press('Control+z');
  await expect(page.getByTestId('timeline-clip')).toHaveCount(3);
  // Shift+Delete ripples from the last clip: it goes, and the playhead goes to the edit it left.
  await page.keyboard.press('End');
  await page.keyboard.press('Shift+Delete');
  await expect(page.getByTestId('timeline-clip')).toHaveCount(2);
  await waitSaved(page);
  expect((await saved()).clips.map((c) => c.rowId)).toEqual([row[0], row[1]]);
  await expect.poll(() => frameShown(page)).toBe(11 + frames[1]! - 1);
  await page.keyboard.press('Control+z');
  await expect(page.getByTestId('timeline-clip')).toHaveCount(3);
  await waitSaved(page);
  expect((await saved()).clips.map((c) => c.rowId)).toEqual(row);
});

/** Drags from the middle of an element by dx pixels in small steps, checking `during` before letting go. */
async function drag(page: Page, handle: ReturnType<Page['locator']>, dx: number, during?: () => Promise<void>): Promise<void> {
  const box = (await handle.boundingBox())!;
  const x = box.x + box.width / 2;
  const y = box.y + box.height / 2;
  await page.mouse.move(x, y);
  await page.mouse.down();
  for (let i = 1; i <= 8; i++) await page.mouse.move(x + (dx * i) / 8, y);
  await during?.();
  await page.mouse.up();
}

const pps = async (page: Page) => Number((await page.getByTestId('timeline-zoom').textContent())?.replace(/[^\d.]/g, ''));
/**
 * The zoom once the track has settled: a drag measured in pixels at an earlier zoom moves a different number of
 * frames (a trim of 4 frames snapped back to where it started, and the viewer kept the old frame: seen once).
 */
const settledPps = (page: Page) => settledValue(page, () => pps(page));

test('edges trim with the frame in the viewer, a cut pulls out into a crossfade that plays mixed, a cut rolls, M drops a marker', async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto(web.url);
  const clips = page.getByTestId('timeline-clip');
  await expect(clips).toHaveCount(3, { timeout: 15_000 });
  const start = await saved();
  const row = start.clips.map((c) => c.rowId);
  const out0 = Math.round(start.clips[0]!.outSec! * fps);
  const in0 = Math.round(start.clips[0]!.inSec * fps);
  const zoom = await settledPps(page);
  const pxPerFrame = zoom / fps;
  // Ripple-trim the first clip's tail by 4 frames: while dragging, the viewer shows its new last frame.
  const secondLeft = (await clips.nth(1).boundingBox())!.x;
  await drag(page, clips.nth(0).getByTestId('trim-tail'), -4 * pxPerFrame, async () => {
    // The drag took: the clips after the first moved left with it (the track draws the draft) ...
    await expect.poll(async () => Math.round(((await clips.nth(1).boundingBox())!.x - secondLeft) / pxPerFrame)).toBe(-4);
    // ... and the viewer shows the first clip's new last frame.
    await expect.poll(async () => (await videoOnTop(page)).rowId).toBe(row[0]);
    await expect.poll(async () => Math.round((await videoOnTop(page)).time * fps - 0.5)).toBe(out0 - 4 - 1);
  });
  await waitSaved(page);
  expect(Math.round((await saved()).clips[0]!.outSec! * fps)).toBe(out0 - 4);
  // The clips after it followed (ripple): the second now starts 4 frames earlier on screen.
  await expect.poll(async () => (secondLeft - (await clips.nth(1).boundingBox())!.x) / pxPerFrame).toBeCloseTo(4, 0);
  const len0 = out0 - 4 - in0;

  // Pull a 6-frame crossfade out of the cut between clips 2 and 3.
  const fade = page.locator('[data-testid="fade-handle"][data-index="2"]');
  await drag(page, fade, -6 * pxPerFrame);
  await waitSaved(page);
  const faded = (await saved()).clips[2]!.transitionIn;
  expect(faded.kind).toBe('crossfade');
  expect(faded.kind === 'crossfade' && Math.round(faded.durationSec * fps)).toBe(6);
  await expect(page.locator('[data-testid="timeline-crossfade"][data-index="2"]')).toBeVisible();
  // Half way through it the viewer shows both clips, the incoming one on top at half weight, as xfade mixes them.
  const fadeStart = len0 + frames[1]! - 6;
  await page.keyboard.press('Home');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await expect.poll(() => frameShown(page)).toBe(fadeStart);
  for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
  await expect.poll(() => viewer(page).getAttribute('data-mix')).toBe('0.5000');
  await expect.poll(async () => (await videoOnTop(page)).opacity).toBeCloseTo(0.5, 2);
  await expectFrame(page, fadeStart + 3, row[2]!, 3);

  // Roll the cut between clips 1 and 2 right by 3 frames... the first clip has no frames left after its out point
  // only if it was untrimmed; it was trimmed by 4, so 3 more are there. The length of the sequence does not change.
  const totalBefore = await page.getByTestId('timeline-total').textContent();
  await drag(page, page.locator('[data-testid="roll-handle"][data-index="1"]'), 3 * pxPerFrame);
  await waitSaved(page);
  const rolled = (await saved()).clips;
  expect(Math.round(rolled[0]!.outSec! * fps)).toBe(out0 - 1);
  expect(Math.round(rolled[1]!.inSec * fps)).toBe(3);
  await expect(page.getByTestId('timeline-total')).toHaveText(totalBefore!);

  // M drops a marker at the playhead; its note is typed in the viewer's inspector and saved with the timeline.
  await page.getByTestId('timeline-pane').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('m');
  const note = page.getByLabel('Marker note');
  await expect(note).toBeFocused();
  await note.fill('Music hit: cut on the beat');
  await note.press('Enter');
  await waitSaved(page);
  const markers = (await saved()).markers;
  expect(markers).toHaveLength(1);
  expect(markers[0]).toMatchObject({ note: 'Music hit: cut on the beat' });
  expect(Math.round(markers[0]!.at * fps)).toBe(fadeStart + 3);
  await expect(page.getByTestId('timeline-marker')).toHaveCount(1);
  await page.screenshot({ path: 'test-results/e2e-timeline-edited.png' });
});

test('the export lasts exactly as long as the timeline, and the hand-off is written', async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto(web.url);
  await expect(page.getByTestId('timeline-clip')).toHaveCount(3, { timeout: 15_000 });
  await page.getByRole('tab', { name: 'Export' }).click();
  const pane = page.getByRole('region', { name: 'Sheet and batch' });
  await pane.getByLabel('Export file name').fill('harbour-cut.mp4');
  await pane.getByRole('button', { name: 'Export', exact: true }).click();
  const done = pane.getByTestId('export-done');
  await expect(done).toBeVisible({ timeout: 60_000 });
  const reported = Number(/\((\d+\.\d+) s\)/.exec((await done.textContent()) ?? '')?.[1]);
  const tc = (await page.getByTestId('timeline-total').textContent())!;
  const [, hh, mm, ss, ff] = /(\d\d):(\d\d):(\d\d):(\d\d)/.exec(tc)!.map(Number);
  const timelineSec = hh! * 3600 + mm! * 60 + ss! + ff! / fps;
  expect(Math.abs(reported - timelineSec)).toBeLessThanOrEqual(1 / fps + 0.011);
  await pane.getByRole('button', { name: /^Write EDL/ }).click();
  await expect(pane.getByRole('region', { name: 'Hand-off to an editing suite' }).getByRole('listitem').first()).toBeVisible({ timeout: 30_000 });
  // Saved with the batch: a reload shows the same edits.
  await page.reload();
  await expect(page.getByTestId('timeline-crossfade')).toHaveCount(1, { timeout: 15_000 });
  await expect(page.getByTestId('timeline-marker')).toHaveCount(1);
});

test('a clip moves from the keyboard by its grip, announced by name; the music bed shows its waveform and its fade drags', async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto(web.url);
  await expect(page.getByTestId('timeline-clip')).toHaveCount(3, { timeout: 15_000 });
  const before = (await saved()).clips.map((c) => c.rowId);
  const grip = page.getByRole('button', { name: new RegExp(`^${labels[0]}, clip 1 of 3`) });
  await grip.focus();
  await page.keyboard.press('Space');
  await expect(page.getByText(new RegExp(`Picked up ${labels[0]}, clip 1 of 3`))).toBeAttached();
  await page.keyboard.press('ArrowRight');
  // Screen readers hear names and places, never internal ids.
  await expect(page.getByText(new RegExp(`${labels[0]} would go to place 2 of 3, where ${labels[1]} is`))).toBeAttached();
  await page.keyboard.press('Space');
  await waitSaved(page);
  expect((await saved()).clips.map((c) => c.rowId)).toEqual([before[1], before[0], before[2]]);
  await page.keyboard.press('Control+z');
  await waitSaved(page);
  expect((await saved()).clips.map((c) => c.rowId)).toEqual(before);

  // An 8-second bed under a 4-second sequence: it ends with the sequence, fading out over the default 3 s.
  const { execFileSync } = await import('node:child_process');
  const { useMediaBinaries } = await import('../../main/core/media/ffmpeg-binaries');
  const wav = execFileSync(useMediaBinaries().ffmpeg, ['-v', 'error', '-f', 'lavfi', '-i', 'sine=frequency=220:duration=8:sample_rate=22050', '-af', 'volume=6', '-f', 'wav', '-']);
  await page.getByLabel('Add music (WAV or MP3)').setInputFiles({ name: 'bed.wav', mimeType: 'audio/wav', buffer: wav });
  const handle = page.getByTestId('music-fade-handle');
  await expect(handle).toBeVisible({ timeout: 20_000 });
  await expect(handle).toHaveAttribute('aria-valuenow', '3');
  const wave = await call<{ peaks: number[]; peaksPerSec: number } | null>('timeline:waveform', { batchId });
  expect(wave!.peaks.length).toBeGreaterThan(7 * wave!.peaksPerSec);
  // The waveform is drawn: the music lane's canvas has green pixels.
  await expect
    .poll(() => page.getByTestId('music-lane').locator('canvas').evaluate((c) => {
      const cv = c as HTMLCanvasElement;
      const d = cv.getContext('2d')!.getImageData(0, 0, cv.width, cv.height).data;
      let green = 0;
      for (let i = 0; i < d.length; i += 4) if (d[i + 1]! > 150 && d[i]! < 140) green++;
      return green;
    }))
    .toBeGreaterThan(200);
  // Drag the fade's start one second to the right: a 2-second fade, one undo step, saved.
  const zoom = await pps(page);
  await drag(page, handle, zoom);
  await waitSaved(page);
  await expect(handle).toHaveAttribute('aria-valuenow', '2');
  expect((await saved()).music).toMatchObject({ fadeOutSec: 2 });
  await page.getByLabel('Music volume').fill('0.5');
  await waitSaved(page);
  expect((await saved()).music).toMatchObject({ volume: 0.5, fadeOutSec: 2 });
  await page.screenshot({ path: 'test-results/e2e-timeline-music.png' });
});

test('Ctrl+wheel zooms around the pointer: the cut under it stays put and the clips are redrawn at the new zoom', async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto(web.url);
  const clips = page.getByTestId('timeline-clip');
  await expect(clips).toHaveCount(3, { timeout: 15_000 });
  const zoomText = await page.getByTestId('timeline-zoom').textContent();
  const before = (await clips.nth(1).boundingBox())!;
  // Six steps in, one per animation frame (a steady hand on a wheel), with the pointer on the cut into clip 2.
  await page.evaluate(
    ({ x, y }) =>
      new Promise<void>((resolve) => {
        const el = document.querySelector('[data-testid="timeline-scroller"]') as HTMLElement;
        let n = 0;
        const tick = () => {
          el.dispatchEvent(new WheelEvent('wheel', { deltaY: -40, ctrlKey: true, clientX: x, clientY: y, bubbles: true, cancelable: true }));
          if (++n < 6) requestAnimationFrame(tick);
          else resolve();
        };
        requestAnimationFrame(tick);
      }),
    { x: before.x, y: before.y + before.height / 2 },
  );
  // exp(0.0025 * 40 * 6): the steps multiply, none is lost when several land in one frame.
  const factor = Math.exp(0.0025 * 40 * 6);
  await expect(page.getByTestId('timeline-zoom')).not.toHaveText(zoomText ?? '');
  await expect.poll(async () => (await clips.nth(1).boundingBox())?.width ?? 0).toBeGreaterThan(before.width * factor - 2);
  const after = (await clips.nth(1).boundingBox())!;
  expect(after.width).toBeLessThan(before.width * factor + 2);
  expect(Math.abs(after.x - before.x)).toBeLessThan(2);
});
