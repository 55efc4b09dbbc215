/**
 * Export with real ffmpeg and ffprobe on small generated clips: the lossless path for same-spec clips, the conform
 * path for mixed frames, rates and missing audio, crossfades and trims measured on the output, the music bed and its
 * fade, never overwriting, the cache that makes a repeat export instant, and a cancel that leaves nothing behind.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExportCancelledError, OutputExistsError, exportTimeline, type ExportReport } from '../../main/core/media/export';
import { useMediaBinaries } from '../../main/core/media/ffmpeg-binaries';
import { runFfmpeg } from '../../main/core/media/ffmpeg-run';
import { probeMedia } from '../../main/core/media/probe';
import { synthClip } from '../../main/core/media/synth-clip';
import type { TimelineInput } from '../../main/core/media/timeline';
import { ffprobeData } from '../../main/core/media/verify-export';

const run = promisify(execFile);
const FAST = { x264Preset: 'ultrafast' as const };
let dir: string;
const clips: Record<string, string> = {};

/** Mean volume (dBFS) of a stretch of the file's audio, by ffmpeg's volumedetect. */
async function meanVolume(file: string, start: number, dur: number): Promise<number> {
  const { stderr } = await run(useMediaBinaries().ffmpeg, ['-hide_banner', '-nostdin', '-ss', String(start), '-t', String(dur), '-i', file, '-map', '0:a:0', '-af', 'volumedetect', '-f', 'null', '-']);
  const m = /mean_volume:\s*(-?[\d.]+|-inf) dB/.exec(stderr);
  if (!m?.[1]) throw new Error(`no volume in ${stderr}`);
  return m[1] === '-inf' ? -200 : Number(m[1]);
}

/** Average luma (0-255) of the frame at `t`. */
async function lumaAt(file: string, t: number): Promise<number> {
  const { stdout } = await run(useMediaBinaries().ffmpeg, ['-hide_banner', '-nostdin', '-ss', String(t), '-i', file, '-frames:v', '1', '-vf', 'scale=1:1,format=gray', '-f', 'rawvideo', '-'], {
    encoding: 'buffer',
  });
  return (stdout as Buffer)[0] ?? -1;
}

const leftovers = (d: string) => readdirSync(d).filter((n) => n.startsWith('.'));

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'vb-media-export-'));
  const src = path.join(dir, 'src');
  const s = (name: string) => path.join(src, name);
  mkdirSync(src);
  const stereo = { sampleRate: 48000, channels: 2 as const };
  const jobs: Array<[string, Promise<string>]> = [
    ['s1', synthClip(s('s1.mp4'), { width: 320, height: 180, fps: 12, seconds: 2, audio: stereo })],
    ['s2', synthClip(s('s2.mp4'), { width: 320, height: 180, fps: 12, seconds: 1, audio: { ...stereo, frequency: 880 } })],
    ['s3', synthClip(s('s3.mp4'), { width: 320, height: 180, fps: 12, seconds: 2, audio: stereo })],
    ['m1', synthClip(s('m1.mp4'), { width: 320, height: 180, fps: 12, seconds: 2, audio: stereo })],
    ['m2', synthClip(s('m2.mp4'), { width: 240, height: 320, fps: 16, seconds: 2 })],
    ['m3', synthClip(s('m3.mp4'), { width: 480, height: 270, fps: 25, seconds: 1, audio: { sampleRate: 44100, channels: 1 } })],
    ['q1', synthClip(s('q1.mp4'), { width: 320, height: 180, fps: 12, seconds: 2 })],
    ['q2', synthClip(s('q2.mp4'), { width: 320, height: 180, fps: 12, seconds: 2 })],
    ['big', synthClip(s('big.mp4'), { width: 854, height: 480, fps: 30, seconds: 4, audio: stereo })],
  ];
  for (const [k, p] of jobs) clips[k] = await p;
  // One second of black, then one of white: trims are checked by the luma of the first and last frames.
  clips.bw = s('bw.mp4');
  await runFfmpeg({
    args: ['-f', 'lavfi', '-i', 'color=c=black:s=320x180:r=12:d=1', '-f', 'lavfi', '-i', 'color=c=white:s=320x180:r=12:d=1',
      '-filter_complex', '[0:v][1:v]concat=n=2:v=1:a=0[v]', '-map', '[v]', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-y', 'bw.mp4'],
    cwd: src,
  });
  await runFfmpeg({ args: ['-f', 'lavfi', '-i', 'sine=frequency=330:sample_rate=44100:duration=8', '-c:a', 'libmp3lame', '-q:a', '6', '-y', 'bed.mp3'], cwd: src });
  clips.bed = s('bed.mp3');
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const tl = (...ids: Array<string | Record<string, unknown>>): TimelineInput => ({
  clips: ids.map((c, i) => (typeof c === 'string' ? { id: `c${i}`, file: clips[c] as string } : ({ id: `c${i}`, ...c } as { id: string; file: string }))),
});

function outDir(name: string): string {
  return path.join(dir, 'out', name);
}

describe('export: the two paths', () => {
  it('same-spec clips: stream copy chosen, output verified', async () => {
    const out = path.join(outDir('lossless'), 'stitched.mp4');
    const progress: number[] = [];
    const log: string[] = [];
    const r = await exportTimeline(tl('s1', 's2', 's3'), { out, onProgress: (p) => progress.push(p.fraction ?? 0), onLog: (l) => log.push(l) });
    expect(r.path).toBe('lossless');
    expect(r.reasons).toEqual([]);
    expect(r.commandLine).toMatch(/-f concat -safe 1 -i list\.ffconcat .*-c copy/);
    expect(log.join('\n')).toContain(r.commandLine);
    const sum = (await Promise.all(['s1', 's2', 's3'].map((k) => probeMedia(clips[k] as string)))).reduce((a, i) => a + i.durationSec, 0);
    const probed = await ffprobeData(out);
    expect(Math.abs(Number(probed.format.duration) - sum)).toBeLessThanOrEqual(0.1);
    expect(probed.streams.map((s) => `${s.codec_type}:${s.codec_name}`)).toEqual(['video:h264', 'audio:aac']);
    expect(probed.streams[0]).toMatchObject({ width: 320, height: 180 });
    expect(r.verification.ok).toBe(true);
    expect(progress[progress.length - 1]).toBe(1);
    expect(readdirSync(outDir('lossless'))).toEqual(['stitched.mp4']);
  });

  it('mixed frames, rates and missing audio: conform to the preset, constant fps, silence where a clip had none', async () => {
    const out = path.join(outDir('conform'), 'mixed.mp4');
    const r = await exportTimeline(tl('m1', 'm2', 'm3'), { out, preset: '720p', encoder: FAST });
    expect(r.path).toBe('conform');
    expect(r.reasons.join('\n')).toMatch(/frame size differs/);
    expect(r.reasons.join('\n')).toMatch(/audio differs/);
    const v = r.verification;
    expect(v).toMatchObject({ ok: true, width: 1280, height: 720, videoCodec: 'h264', frameRate: '25/1', avgFrameRate: '25/1', audioCodec: 'aac', sampleRate: 48000, channels: 2 });
    expect(Math.abs(v.durationSec - 5)).toBeLessThanOrEqual(0.1);
    expect(Math.abs((v.videoDurationSec ?? 0) - 5)).toBeLessThanOrEqual(0.1);
    expect(Math.abs((v.audioDurationSec ?? 0) - 5)).toBeLessThanOrEqual(0.1);
    // m1 (0-2 s) has a tone, m2 (2-4 s) had no audio: silence; m3 (4-5 s) a tone again.
    expect(await meanVolume(out, 0.3, 1.4)).toBeGreaterThan(-40);
    expect(await meanVolume(out, 2.3, 1.4)).toBeLessThan(-80);
    expect(await meanVolume(out, 4.2, 0.6)).toBeGreaterThan(-40);
  });

  it('vertical and match presets conform to their frames', async () => {
    const v = await exportTimeline(tl('m1', 'm2'), { out: path.join(outDir('presets'), 'vertical.mp4'), preset: 'vertical', encoder: FAST });
    expect(v.verification).toMatchObject({ ok: true, width: 1080, height: 1920, frameRate: '16/1' });
    const m = await exportTimeline(tl('m1', 'm2', 's1'), { out: path.join(outDir('presets'), 'match.mp4'), preset: 'match', encoder: FAST });
    // Two of three clips are 320x180: that is the frame; the fastest rate (16) is the rate.
    expect(m.verification).toMatchObject({ ok: true, width: 320, height: 180, frameRate: '16/1' });
  });
});

describe('export: the timeline', () => {
  it('crossfades: duration = sum - overlaps, checked by ffprobe', async () => {
    const crossfade = { kind: 'crossfade', durationSec: 0.5 };
    const out = path.join(outDir('xfade'), 'xfade.mp4');
    const r = await exportTimeline(
      tl('s1', { file: clips.s2, transitionIn: crossfade }, { file: clips.s3, transitionIn: { kind: 'crossfade', durationSec: 0.25 } }, { file: clips.m2 }),
      { out, encoder: FAST },
    );
    expect(r.path).toBe('conform');
    const expected = 2 + 1 + 2 + 2 - 0.5 - 0.25;
    expect(r.expectedDurationSec).toBeCloseTo(expected, 6);
    const probed = await ffprobeData(out);
    expect(Math.abs(Number(probed.format.duration) - expected)).toBeLessThanOrEqual(0.1);
    for (const s of probed.streams) expect(Math.abs(Number(s.duration) - expected)).toBeLessThanOrEqual(0.1);
  });

  it('trims are respected: in and out points pick the right frames and the right length', async () => {
    const out = path.join(outDir('trim'), 'trim.mp4');
    const r = await exportTimeline(tl({ file: clips.bw, inSec: 1.25 }, { file: clips.s1, inSec: 0.5, outSec: 1.5 }, { file: clips.bw, outSec: 0.75 }), { out, encoder: FAST });
    expect(r.path).toBe('conform');
    expect(r.reasons.join()).toMatch(/trimmed/);
    expect(Math.abs(r.verification.durationSec - (0.75 + 1 + 0.75))).toBeLessThanOrEqual(0.1);
    // The first clip starts in the white half; the last ends in the black half.
    expect(await lumaAt(out, 0)).toBeGreaterThan(200);
    expect(await lumaAt(out, 2.4)).toBeLessThan(50);
  });

  it('a music bed is mixed in and fades out', async () => {
    const out = path.join(outDir('music'), 'music.mp4');
    const r = await exportTimeline({ ...tl('q1', 'q2'), music: { file: clips.bed as string, volume: 0.8, fadeOutSec: 1.5 } }, { out, encoder: FAST });
    expect(r.path).toBe('conform');
    expect(r.reasons).toContain('a music bed is mixed in');
    expect(Math.abs(r.verification.durationSec - 4)).toBeLessThanOrEqual(0.1);
    // The clips are silent: what is heard is the bed, full in the middle, nearly gone in the last fifth of a second.
    const middle = await meanVolume(out, 1, 1);
    const tail = await meanVolume(out, 3.8, 0.2);
    expect(middle).toBeGreaterThan(-30);
    expect(tail).toBeLessThan(middle - 12);
  });
});

describe('export: safety', () => {
  it('never overwrites an existing file without overwrite:true', async () => {
    const d = outDir('overwrite');
    mkdirSync(d, { recursive: true });
    const out = path.join(d, 'keep.mp4');
    writeFileSync(out, 'precious');
    await expect(exportTimeline(tl('s1', 's2'), { out })).rejects.toBeInstanceOf(OutputExistsError);
    expect(readFileSync(out, 'utf8')).toBe('precious');
    expect(leftovers(d)).toEqual([]);
    const r = await exportTimeline(tl('s1', 's2'), { out, overwrite: true });
    expect(r.verification.ok).toBe(true);
    expect(readFileSync(out).length).toBeGreaterThan(1000);
  });

  it('an unreadable clip is named in the error and nothing is written', async () => {
    const d = outDir('unreadable');
    const bad = path.join(dir, 'src', 'not really.mp4');
    writeFileSync(bad, 'this is not a video');
    await expect(exportTimeline(tl('s1', { file: bad }), { out: path.join(d, 'x.mp4') })).rejects.toThrow(/Clip 2 \(not really\.mp4\) cannot be read/);
    expect(existsSync(d)).toBe(false);
  });

  it('cancel stops ffmpeg and leaves no partial output', async () => {
    const d = outDir('cancel');
    const out = path.join(d, 'cancelled.mp4');
    const controller = new AbortController();
    let pid: number | undefined;
    const p = exportTimeline(tl('big', 'big', 'big'), {
      out,
      preset: '1080p',
      encoder: { x264Preset: 'medium' },
      signal: controller.signal,
      onSpawn: (id) => (pid = id),
      onProgress: (pr) => {
        if (pr.phase === 'render') controller.abort();
      },
    });
    await expect(p).rejects.toBeInstanceOf(ExportCancelledError);
    expect(pid).toBeDefined();
    expect(() => process.kill(pid as number, 0)).toThrow(/ESRCH/);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(d)).toEqual([]);
    // Already cancelled: nothing starts.
    await expect(exportTimeline(tl('s1'), { out, signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
  });
});

// Clips on one file system, the export on another (tmpfs): inputs are symlinked into the work folder instead of
// hard-linked, and a cached export is copied rather than linked.
const otherFs = existsSync('/dev/shm') && statSync('/dev/shm').dev !== statSync(os.tmpdir()).dev;
describe.runIf(otherFs)('export: across file systems', () => {
  it('exports from clips on another file system, and reuses a cached export there', async () => {
    const shm = mkdtempSync(path.join('/dev/shm', 'vb-media-export-'));
    try {
      const cacheDir = path.join(shm, 'cache');
      const lossless = await exportTimeline(tl('s1', 's2'), { out: path.join(shm, 'a.mp4'), cacheDir });
      expect(lossless).toMatchObject({ path: 'lossless', cached: false });
      const conform = await exportTimeline(tl('m1', 'm2'), { out: path.join(shm, 'b.mp4'), encoder: FAST });
      expect(conform.verification.ok).toBe(true);
      const reused = await exportTimeline(tl('s1', 's2'), { out: path.join(dir, 'out', 'from-shm.mp4'), cacheDir });
      expect(reused.cached).toBe(true);
      expect(readFileSync(reused.output).equals(readFileSync(path.join(shm, 'a.mp4')))).toBe(true);
      expect(readdirSync(shm).sort()).toEqual(['a.mp4', 'b.mp4', 'cache']);
    } finally {
      rmSync(shm, { recursive: true, force: true });
    }
  });
});

describe('export: cache', () => {
  it('a second export of an unchanged timeline is instant; a changed clip renders again', async () => {
    const cacheDir = path.join(dir, 'cache');
    const d = outDir('cache');
    const out = path.join(d, 'a.mp4');
    const timeline = tl('s1', { file: clips.s3, transitionIn: { kind: 'crossfade', durationSec: 0.5 } });
    const first = await exportTimeline(timeline, { out, cacheDir, encoder: FAST });
    expect(first.cached).toBe(false);
    // Same output path, not an overwrite: the file there is the very export.
    const again: ExportReport = await exportTimeline(timeline, { out, cacheDir, encoder: FAST });
    expect(again).toMatchObject({ cached: true, path: 'conform', output: out, commandLine: first.commandLine });
    const elsewhere = await exportTimeline(timeline, { out: path.join(d, 'b.mp4'), cacheDir, encoder: FAST });
    expect(elsewhere.cached).toBe(true);
    expect(readFileSync(path.join(d, 'b.mp4')).equals(readFileSync(out))).toBe(true);
    // Different encoder settings or a touched clip: a new key.
    const t = new Date(Date.now() - 60_000);
    utimesSync(clips.s3 as string, t, t);
    const changed = await exportTimeline(timeline, { out: path.join(d, 'c.mp4'), cacheDir, encoder: FAST });
    expect(changed.cached).toBe(false);
  });
});
