/**
 * `venice-batch export` as a command: a folder of clips, a batch finished by the engine against the simulator (real
 * simulator clips: different models, rates and audio), the hand-off files, and the exit codes a script relies on.
 * The command runs in-process (its own argument parsing, streams and exit code) so the test needs no bundle.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportCommand } from '../../main/cli/export-command';
import { synthClip } from '../../main/core/media/synth-clip';
import { ffprobeData } from '../../main/core/media/verify-export';
import { FAST_MODEL, startHarness } from '../support/engine-harness';
import { readOtio } from '../support/handoff-readers';

let dir: string;
let clipsDir: string;

function sink(tty = false): Writable & { text: () => string; isTTY?: boolean } {
  let buf = '';
  const w = new Writable({
    write(chunk, _enc, cb) {
      buf += String(chunk);
      cb();
    },
  }) as Writable & { text: () => string; isTTY?: boolean };
  w.text = () => buf;
  w.isTTY = tty;
  return w;
}

async function cli(args: string[], env: NodeJS.ProcessEnv = { VENICE_BATCH_DATA: path.join(dir, 'data') }) {
  const out = sink();
  const err = sink();
  const code = await exportCommand(args, { out, err, env });
  return { code, out: out.text(), err: err.text() };
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'vb-media-cli-'));
  clipsDir = path.join(dir, 'clips');
  mkdirSync(clipsDir);
  const spec = { width: 320, height: 180, fps: 12, seconds: 1, audio: {}, pattern: 'color' as const };
  // Named so that plain sorting and numeric sorting disagree: clip-2 must come before clip-10.
  for (const n of ['clip-10.mp4', 'clip-2.mp4', 'clip-1.mp4']) await synthClip(path.join(clipsDir, n), spec);
  writeFileSync(path.join(clipsDir, 'notes.txt'), 'not a clip');
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('venice-batch export <dir>', () => {
  it('stitches the folder losslessly in name order, verifies it, exits 0', async () => {
    const out = path.join(dir, 'out', 'folder.mp4');
    const r = await cli([clipsDir, '--out', out, '--json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.out);
    expect(report).toMatchObject({ path: 'lossless', cached: false, clipCount: 3, output: out });
    expect(report.verification.ok).toBe(true);
    expect(report.log.join('\n')).toContain(report.commandLine);
    expect(Math.abs(Number((await ffprobeData(out)).format.duration) - 3)).toBeLessThanOrEqual(0.1);
  });

  it('with a crossfade, a preset and every hand-off file; progress on stderr', async () => {
    const o = (n: string) => path.join(dir, 'out2', n);
    const r = await cli([clipsDir, '--out', o('x.mp4'), '--preset', '720p', '--transition', 'crossfade=0.25', '--edl', o('x.edl'), '--fcpxml', o('x.fcpxml'), '--contact-sheet', o('x.png')]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/Exported 3 clips \(conformed: .*crossfades.*\) -> .*x\.mp4/);
    expect(r.out).toMatch(/2\.500 s verified \(expected 2\.500 s\), 1280x720 @ 12 fps/);
    expect(r.out).toContain(`EDL: ${o('x.edl')}`);
    expect(r.out).toContain(`FCPXML: ${o('x.fcpxml')}`);
    expect(r.out).toMatch(/Contact sheet: .*x\.png \(984x196\)/);
    expect(r.err).toMatch(/export \[#+\] 100% 2\.5\/2\.5 s done/);
    const edl = readFileSync(o('x.edl'), 'utf8');
    expect(edl.indexOf('clip-1.mp4')).toBeLessThan(edl.indexOf('clip-2.mp4'));
    expect(edl.indexOf('clip-2.mp4')).toBeLessThan(edl.indexOf('clip-10.mp4'));
  });

  it('refuses to overwrite (exit 2) unless --overwrite; a repeat of the same export is reused', async () => {
    const out = path.join(dir, 'out3', 'same.mp4');
    mkdirSync(path.dirname(out), { recursive: true });
    writeFileSync(out, 'mine');
    const refused = await cli([clipsDir, '--out', out]);
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(/already exists.*--overwrite/);
    expect(readFileSync(out, 'utf8')).toBe('mine');
    expect((await cli([clipsDir, '--out', out, '--overwrite'])).code).toBe(0);
    const again = await cli([clipsDir, '--out', out]);
    expect(again.code).toBe(0);
    expect(again.out).toMatch(/reused unchanged export/);
  });

  it('an export written into the clip folder is not stitched into the next one', async () => {
    const inside = path.join(clipsDir, 'zz-stitched.mp4');
    const first = await cli([clipsDir, '--out', inside, '--json']);
    expect(JSON.parse(first.out).clipCount).toBe(3);
    const second = await cli([clipsDir, '--out', inside, '--json', '--overwrite', '--preset', '720p']);
    expect(second.code, second.err).toBe(0);
    expect(JSON.parse(second.out).clipCount).toBe(3);
    rmSync(inside);
  });

  it('usage errors exit 2 with a message', async () => {
    expect((await cli([clipsDir])).err).toMatch(/needs --out/);
    expect((await cli([clipsDir, '--out', 'x.mp4', '--preset', '4k'])).code).toBe(2);
    expect((await cli([clipsDir, '--out', 'x.mp4', '--transition', 'wipe'])).err).toMatch(/crossfade=SECONDS/);
    expect((await cli([path.join(dir, 'nope'), '--out', 'x.mp4'])).err).toMatch(/neither a folder of clips nor a batch number/);
    expect((await cli(['77', '--out', 'x.mp4'])).err).toMatch(/no batch 77/);
    expect((await cli([clipsDir, '--out', 'x.mp4', '--bogus'])).code).toBe(2);
  });

  it('a cancel exits 130 and writes nothing', async () => {
    const out = path.join(dir, 'out4', 'cancelled.mp4');
    const err = sink();
    const controller = new AbortController();
    controller.abort();
    const code = await exportCommand([clipsDir, '--out', out], { out: sink(), err, env: { VENICE_BATCH_DATA: path.join(dir, 'data') }, signal: controller.signal });
    expect(code).toBe(130);
    expect(existsSync(out)).toBe(false);
  });
});

describe('venice-batch export <batch-id>', () => {
  it('exports the finished rows of a simulated batch in row order', async () => {
    const h = await startHarness();
    try {
      const batchId = h.addBatch([
        { name: 'Opening', duration: '2s', audio: true },
        { name: 'Lighthouse', model: 'sim-wan-2.5-text-to-video', duration: '5s', resolution: '480p' },
        { name: 'Closing', duration: '1s', aspect_ratio: '9:16' },
      ]);
      await h.engine.start();
      await h.engine.waitUntilSettled(batchId);
      await h.engine.stop();
      expect(h.store.listRows(batchId).map((r) => r.state)).toEqual(['done', 'done', 'done']);
      const out = path.join(dir, 'batch', 'stitched.mp4');
      const otioFile = path.join(dir, 'batch', 'stitched.otio');
      const r = await cli([String(batchId), '--out', out, '--json', '--edl', path.join(dir, 'batch', 'stitched.edl'), '--otio', otioFile, '--conformed-media'], { VENICE_BATCH_DATA: h.dir });
      expect(r.code, r.err).toBe(0);
      const report = JSON.parse(r.out);
      // 12 fps and 16 fps clips, with and without audio, 16:9 and 9:16: conformed to the first clips' frame.
      expect(report).toMatchObject({ path: 'conform', clipCount: 3, target: { width: 854, height: 480, fps: '16' } });
      expect(Math.abs(report.durationSec - 8)).toBeLessThanOrEqual(0.1);
      // 12 and 16 fps have no timecode in editing suites: --conformed-media makes the hand-off reference copies
      // conformed to the timeline (16 fps, 854x480), written beside the export, in the same order.
      const otio = readOtio(readFileSync(otioFile, 'utf8'));
      expect(otio.clips.map((c) => path.basename(c.file).split(' ')[0])).toEqual(['001-Opening-1', '002-Lighthouse-1', '003-Closing-1']);
      for (const c of otio.clips) {
        expect(path.dirname(c.file)).toBe(report.conformedMedia);
        expect(c.rate).toEqual({ num: 16, den: 1 });
        const probed = await ffprobeData(c.file);
        expect(probed.streams.find((x) => x.codec_type === 'video')).toMatchObject({ width: 854, height: 480, r_frame_rate: '16/1' });
      }
      expect(otio.totalFrames).toBe(8 * 16);
      const edl = readFileSync(path.join(dir, 'batch', 'stitched.edl'), 'utf8');
      const order = ['001-Opening-1', '002-Lighthouse-1', '003-Closing-1'].map((n) => edl.indexOf(n));
      expect(order.every((v, i) => v > 0 && (i === 0 || v > (order[i - 1] ?? 0)))).toBe(true);
    } finally {
      await h.close();
    }
  }, 180_000);

  it('takes the same clips as the app (each row\'s first finished take) and hands off to every suite from the stored probes', async () => {
    const h = await startHarness();
    try {
      // Row 1 has two takes, as "takes per row" makes: the app's timeline uses take 1, and so must the CLI.
      const params = (n: number) => ({ model: FAST_MODEL, prompt: `Shot ${n}: a lighthouse at dusk`, duration: '1s', resolution: '480p', audio: false });
      const first = h.store.createBatch(
        { name: 'takes', settings: { concurrency: 2 }, outputDir: h.outDir, nameTemplate: '{row}-{name}-{take}', budgetUsd: null, baseUrl: h.sim.url },
        [
          { rowIndex: 1, take: 1, name: 'Opening', params: params(1), quoteUsd: 0.01 },
          { rowIndex: 1, take: 2, name: 'Opening', params: params(1), quoteUsd: 0.01 },
          { rowIndex: 2, take: 1, name: 'Closing', params: params(2), quoteUsd: 0.01 },
        ] as never,
      );
      await h.engine.start();
      await h.engine.waitUntilSettled(first);
      await h.engine.stop();
      const done = h.store.listRows(first).filter((r) => r.state === 'done');
      expect(done).toHaveLength(3);
      const out = path.join(dir, 'takes', 'cut.mp4');
      const files = { edl: 'cut.edl', fcpxml: 'cut.fcpxml', xmeml: 'cut.xml', otio: 'cut.otio' };
      const args = Object.entries(files).flatMap(([k, f]) => [`--${k}`, path.join(dir, 'takes', f)]);
      const r = await cli([String(first), '--out', out, '--json', ...args], { VENICE_BATCH_DATA: h.dir });
      expect(r.code, r.err).toBe(0);
      const report = JSON.parse(r.out);
      for (const k of Object.keys(files)) expect(existsSync(report[k])).toBe(true);
      const otio = readOtio(readFileSync(report.otio, 'utf8'));
      expect(otio.clips.map((c) => path.basename(c.file))).toEqual(['001-Opening-1.mp4', '002-Closing-1.mp4']);
      // The clips' probes were stored when they were verified at download, and the export trusted them.
      expect(report.log.join('\n')).toMatch(/clip info: 2 stored at download/);
    } finally {
      await h.close();
    }
  });
});
