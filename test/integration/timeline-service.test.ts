/* eslint-disable @typescript-eslint/no-explicit-any -- results are read back as a window would */
/**
 * The timeline through the contract on a real finished Rehearsal batch: the default timeline and its bin (real
 * ffprobe), saving and reading back after a restart on the same data folder, the checks that refuse a bad save,
 * and the music bed written into the batch folder.
 */
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { useMediaBinaries } from '../../main/core/media/ffmpeg-binaries';
import { finishedBatch, openApp, tempRoot, type AppWithBatch } from '../support/app-batch';

let root: string;
let a: AppWithBatch;
let batchId: number;

beforeAll(async () => {
  root = tempRoot('vb-timeline-');
  a = await openApp(root);
  batchId = await finishedBatch(a, ['Opening', 'Market', 'Closing']);
}, 120_000);

afterAll(async () => {
  await a?.app.close();
  rmSync(root, { recursive: true, force: true });
});

describe('timeline service', () => {
  it('offers every finished clip in the bin, probed, and a default timeline in row order', async () => {
    const t = await a.call('timeline:get', { batchId });
    expect(t.ok).toBe(true);
    expect(t.value.saved).toBe(false);
    expect(t.value.bin.map((b: any) => b.label)).toEqual(['Opening', 'Market', 'Closing']);
    for (const b of t.value.bin) {
      expect(b.durationSec).toBeGreaterThan(0.5);
      expect(b.width).toBeGreaterThan(0);
      expect(b.problem).toBeNull();
    }
    expect(t.value.clips.map((c: any) => c.rowId)).toEqual(t.value.bin.map((b: any) => b.rowId));
    expect(t.value.clips.every((c: any) => c.inSec === 0 && c.outSec === null && c.transitionIn.kind === 'cut')).toBe(true);
    expect(t.value.problems).toEqual([]);
  });

  it('saves a reordered, trimmed timeline with a crossfade, and it survives a restart', async () => {
    const t = (await a.call('timeline:get', { batchId })).value;
    const [first, second, third] = t.bin.map((b: any) => b.rowId);
    const clips = [
      { rowId: third, inSec: 0.1, outSec: 0.9, transitionIn: { kind: 'cut' } },
      { rowId: first, inSec: 0, outSec: null, transitionIn: { kind: 'crossfade', durationSec: 0.3 } },
    ];
    const saved = await a.call('timeline:save', { batchId, clips, music: null });
    expect(saved.ok).toBe(true);
    expect(saved.value.saved).toBe(true);
    expect(saved.value.clips).toEqual(clips);
    expect(second).toBeGreaterThan(0);

    await a.app.close();
    a = await openApp(root);
    const again = await a.call('timeline:get', { batchId });
    expect(again.value.saved).toBe(true);
    expect(again.value.clips).toEqual(clips);
    expect(again.value.updatedAt).toBe(saved.value.updatedAt);
  }, 60_000);

  it('refuses saves that could not be exported, naming the clip', async () => {
    const t = (await a.call('timeline:get', { batchId })).value;
    const [first, second] = t.bin.map((b: any) => b.rowId);
    const dur = t.bin[0].durationSec as number;
    const save = (clips: unknown[]) => a.call('timeline:save', { batchId, clips, music: null });

    const pastEnd = await save([{ rowId: first, inSec: 0, outSec: dur + 5, transitionIn: { kind: 'cut' } }]);
    expect(pastEnd).toMatchObject({ ok: false, error: { code: 'invalid' } });
    expect(pastEnd.error?.message).toMatch(/Clip 1 \("Opening"\).*out point/);

    const inPastEnd = await save([{ rowId: first, inSec: dur + 1, outSec: null, transitionIn: { kind: 'cut' } }]);
    expect(inPastEnd.error?.message).toMatch(/"Opening".*in point/);

    const backwards = await save([{ rowId: first, inSec: 0.6, outSec: 0.3, transitionIn: { kind: 'cut' } }]);
    expect(backwards.error?.message).toMatch(/out point must come after the in point/);

    const longFade = await save([
      { rowId: first, inSec: 0, outSec: 0.4, transitionIn: { kind: 'cut' } },
      { rowId: second, inSec: 0, outSec: null, transitionIn: { kind: 'crossfade', durationSec: 0.8 } },
    ]);
    expect(longFade.error?.message).toMatch(/crossfade into clip 2 \("Market"\).*longer than the clip before it/);

    const other = await save([{ rowId: 999_999, inSec: 0, outSec: null, transitionIn: { kind: 'cut' } }]);
    expect(other.error?.message).toMatch(/not a clip of this batch/);

    const noMusic = await a.call('timeline:save', { batchId, clips: [{ rowId: first, inSec: 0, outSec: null, transitionIn: { kind: 'cut' } }], music: { volume: 1, fadeOutSec: 2 } });
    expect(noMusic.error?.message).toMatch(/Add a music file/);
  });

  it('adds a music bed into the batch folder, replaces only its own file, and refuses a file without sound', async () => {
    const wav = path.join(root, 'bed.wav');
    execFileSync(useMediaBinaries().ffmpeg, ['-y', '-v', 'error', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=2', wav]);
    const base64 = readFileSync(wav).toString('base64');
    const set = await a.call('timeline:setMusic', { batchId, fileName: 'My bed.wav', base64 });
    expect(set.ok).toBe(true);
    expect(set.value.music).toMatchObject({ fileName: 'My bed.wav', volume: 0.5 });
    expect(set.value.music.durationSec).toBeGreaterThan(1.5);
    const batch = (await a.call('batch:get', { batchId })).value.batch;
    const musicDir = path.join(batch.outputDir, 'music');
    expect(readdirSync(musicDir)).toEqual(['My bed.wav']);

    const again = await a.call('timeline:setMusic', { batchId, fileName: 'My bed.wav', base64 });
    expect(again.ok).toBe(true);
    expect(readdirSync(musicDir)).toEqual(['My bed.wav']);

    const bad = await a.call('timeline:setMusic', { batchId, fileName: 'notes.mp3', base64: Buffer.from('not music at all').toString('base64') });
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid' } });
    expect(bad.error?.message).toMatch(/notes\.mp3 is not a music file/);
    expect(readdirSync(musicDir)).toEqual(['My bed.wav']);
    expect(existsSync(path.join(musicDir, 'My bed.wav'))).toBe(true);

    const t = (await a.call('timeline:get', { batchId })).value;
    const mixed = await a.call('timeline:save', { batchId, clips: t.clips, music: { volume: 1.2, fadeOutSec: 1 } });
    expect(mixed.value.music).toMatchObject({ volume: 1.2, fadeOutSec: 1 });
  });
});
