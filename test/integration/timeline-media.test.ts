/**
 * What the timeline draws from, made in main with real ffmpeg: a clip's frame strip (STRIP_FRAMES frames side by
 * side, STRIP_HEIGHT high, the first from the clip's start) and a music bed's waveform peaks (loud where the
 * music is loud, silent where it is silent), each made once per file version and served from the cache after.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, readdirSync, rmSync, statSync, utimesSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCRUB_COLUMNS, SCRUB_TILE_HEIGHT, STRIP_FRAMES, STRIP_HEIGHT } from '../../main/contract-names';
import { useMediaBinaries } from '../../main/core/media/ffmpeg-binaries';
import { frameStripFor, scrubSpriteFor } from '../../main/core/media/frame-strip';
import { probeMedia } from '../../main/core/media/probe';
import { PEAKS_PER_SEC, peaksFromPcm, waveformFor } from '../../main/core/media/waveform';
import { ProxyMaker } from '../../main/core/media/proxy';

/** ffmpeg and ffprobe run without blocking the test's event loop (the loop watchdog counts a long block as a failure). */
const run = async (bin: string, args: string[]): Promise<Buffer> => (await promisify(execFile)(bin, args, { encoding: 'buffer', maxBuffer: 64 << 20 })).stdout;

let dir: string;
let clip: string;
let music: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'vb-tl-media-'));
  const { ffmpeg } = useMediaBinaries();
  clip = path.join(dir, 'clip.mp4');
  // Black for the first second, white for the second: strip frames 0-4 dark, 5-9 light.
  await run(ffmpeg, ['-v', 'error', '-f', 'lavfi', '-i', 'color=black:s=320x180:r=24:d=1', '-f', 'lavfi', '-i', 'color=white:s=320x180:r=24:d=1',
    '-filter_complex', '[0][1]concat=n=2:v=1[v]', '-map', '[v]', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-y', clip]);
  music = path.join(dir, 'music.wav');
  // One second of a loud tone, then one second of silence.
  await run(ffmpeg, ['-v', 'error', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=1:sample_rate=44100', '-f', 'lavfi', '-i', 'anullsrc=r=44100:cl=mono',
    '-filter_complex', '[0]volume=7[a];[1]atrim=duration=1[b];[a][b]concat=n=2:v=0:a=1[o]', '-map', '[o]', '-y', music]);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('timeline media made in main', () => {
  it('makes a frame strip of STRIP_FRAMES frames in time order, once per file version', async () => {
    const cacheDir = path.join(dir, 'cache');
    const strip = await frameStripFor({ file: clip, key: 'strip-1', durationSec: 2, cacheDir });
    const info = await probeMedia(strip);
    expect(info.video?.height).toBe(STRIP_HEIGHT);
    expect(info.video?.width).toBe(STRIP_FRAMES * 160);
    // The brightness of each tile: dark first half, light second half.
    const { ffmpeg } = useMediaBinaries();
    const gray = await run(ffmpeg, ['-v', 'error', '-i', strip, '-vf', `scale=${STRIP_FRAMES}:1,format=gray`, '-f', 'rawvideo', '-']);
    const tiles = [...gray];
    expect(tiles.slice(0, 5).every((v) => v < 60)).toBe(true);
    expect(tiles.slice(5).every((v) => v > 190)).toBe(true);
    const mtime = statSync(strip).mtimeMs;
    expect(await frameStripFor({ file: clip, key: 'strip-1', durationSec: 2, cacheDir })).toBe(strip);
    expect(statSync(strip).mtimeMs).toBe(mtime);
    // A new version of the clip gets a new strip.
    utimesSync(clip, new Date(), new Date(Date.now() + 5000));
    expect(await frameStripFor({ file: clip, key: 'strip-1', durationSec: 2, cacheDir })).not.toBe(strip);
  });

  it('makes a scrub sprite of every frame, frame n at tile n', async () => {
    const sprite = await scrubSpriteFor({ file: clip, key: 'scrub-1', durationSec: 2, fps: 24, cacheDir: path.join(dir, 'scrub') });
    const info = await probeMedia(sprite);
    const rows = Math.ceil((48 + 2) / SCRUB_COLUMNS);
    expect(info.video?.width).toBe(SCRUB_COLUMNS * 128);
    expect(info.video?.height).toBe(rows * SCRUB_TILE_HEIGHT);
    const { ffmpeg } = useMediaBinaries();
    const tiles = [...(await run(ffmpeg, ['-v', 'error', '-i', sprite, '-vf', `scale=${SCRUB_COLUMNS}:${rows}:flags=area,format=gray`, '-f', 'rawvideo', '-']))];
    // Frames 0-23 are black, 24-47 white: the cut falls between tile 23 and tile 24.
    expect(tiles.slice(0, 23).every((v) => v < 60)).toBe(true);
    expect(tiles.slice(24, 48).every((v) => v > 190)).toBe(true);
  });

  it('reads the music bed into peaks: loud for the tone, zero for the silence, and keeps only the peaks', async () => {
    const cacheDir = path.join(dir, 'waves');
    const wave = await waveformFor({ file: music, key: 'music-1', cacheDir });
    expect(wave.peaksPerSec).toBe(PEAKS_PER_SEC);
    expect(wave.durationSec).toBeCloseTo(2, 1);
    expect(wave.peaks.length).toBe(Math.round(2 * PEAKS_PER_SEC));
    const first = wave.peaks.slice(2, PEAKS_PER_SEC - 2);
    const second = wave.peaks.slice(PEAKS_PER_SEC + 2);
    expect(Math.min(...first)).toBeGreaterThan(200);
    expect(Math.max(...second)).toBe(0);
    expect(readdirSync(cacheDir).filter((f) => f.endsWith('.pcm'))).toEqual([]);
    expect(await waveformFor({ file: music, key: 'music-1', cacheDir })).toEqual(wave);
  });

  it('answers several requests for the same bed at once with one waveform (none loses its samples to another)', async () => {
    const cacheDir = path.join(dir, 'waves-at-once');
    const waves = await Promise.all([1, 2, 3, 4].map(() => waveformFor({ file: music, key: 'music-2', cacheDir })));
    for (const w of waves) expect(w).toEqual(waves[0]);
    expect(waves[0]?.peaks.length).toBe(Math.round(2 * PEAKS_PER_SEC));
  });

  it('makes an all-intra proxy with the same frames at the same times, in the background, once', async () => {
    const maker = new ProxyMaker(path.join(dir, 'proxies'));
    const src = { file: clip, key: 'proxy-1', height: 180, hasAudio: false };
    expect(await maker.ready(src)).toBeUndefined();
    await maker.idle();
    const proxy = await maker.ready(src);
    expect(proxy).toBeDefined();
    const { ffprobe } = useMediaBinaries();
    const frames = async (f: string) =>
      (await run(ffprobe, ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'frame=pts_time,key_frame', '-of', 'csv=p=0', f]))
        .toString('utf8')
        .trim()
        .split('\n')
        .filter((l) => l.trim())
        .map((l) => l.split(','));
    const original = await frames(clip);
    const made = await frames(proxy!);
    expect(made.length).toBe(original.length);
    expect(made.map((f) => Number(f[1]).toFixed(4))).toEqual(original.map((f) => Number(f[1]).toFixed(4)));
    expect(made.every((f) => f[0] === '1')).toBe(true);
    expect(original.filter((f) => f[0] === '1').length).toBeLessThan(original.length);
    expect(maker.made).toBe(1);
    expect(await maker.ready(src)).toBe(proxy);
  });

  it('takes the loudest sample of each slice', () => {
    const pcm = Buffer.alloc(8);
    pcm.writeInt16LE(100, 0);
    pcm.writeInt16LE(-32768, 2);
    pcm.writeInt16LE(0, 4);
    pcm.writeInt16LE(16384, 6);
    expect(peaksFromPcm(pcm, 4, 2)).toEqual([255, 128]);
  });
});
