/**
 * Export benchmarks (issue 6), measured side by side in one run:
 *  1. 50 same-spec 5-second clips through exportTimeline (probe all, compat check, concat demuxer, verify) vs running
 *     `ffmpeg -f concat -c copy` directly on them: what the safety around the stream copy costs.
 *  2. Mixed clips (frames, rates, audio or none) conformed vs one naive single-pass re-encode of the concat demuxer's
 *     output with the same x264 settings: the cost of doing it right, and whether the naive file would even verify.
 *  3. A second export of an unchanged timeline vs the first: the cache makes it a link, not a render.
 * `runExportBench` is the entry point; bench/index.ts lists it.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { exportTimeline } from '../main/core/media/export';
import { useMediaBinaries } from '../main/core/media/ffmpeg-binaries';
import { synthClip, type SynthClipSpec } from '../main/core/media/synth-clip';
import type { TimelineInput } from '../main/core/media/timeline';
import { verifyExport } from '../main/core/media/verify-export';
import { fmt, type BenchRow } from './table';
import { detail, makeTempDir } from './temp';

const run = promisify(execFile);

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await fn();
  return { ms: performance.now() - t0, value };
}

/** The median of `n` runs: one slow start (page cache, a cold ffmpeg) must not decide the ratio. */
async function median(n: number, fn: (i: number) => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) times.push((await timed(() => fn(i))).ms);
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] ?? 0;
}

/** Two at a time: the machine has two cores. */
async function makeClips(dir: string, specs: SynthClipSpec[]): Promise<string[]> {
  const files = specs.map((_, i) => path.join(dir, `clip-${String(i + 1).padStart(3, '0')}.mp4`));
  for (let i = 0; i < specs.length; i += 2) {
    await Promise.all(specs.slice(i, i + 2).map((s, k) => synthClip(files[i + k] as string, s)));
  }
  return files;
}

const timelineOf = (files: string[]): TimelineInput => ({ clips: files.map((file, i) => ({ id: String(i), file })) });

async function benchConcat(quick: boolean): Promise<BenchRow> {
  const n = quick ? 12 : 50;
  const dir = makeTempDir('export-concat');
  const spec: SynthClipSpec = { width: 854, height: 480, fps: 16, seconds: 5, audio: { sampleRate: 48000, channels: 2 } };
  const files = await makeClips(dir, Array.from({ length: n }, () => spec));
  detail(`${n} clips of 5 s, 854x480 @ 16 fps with AAC audio, generated`);
  const list = path.join(dir, 'list.txt');
  writeFileSync(list, files.map((f) => `file '${f.replace(/'/g, `'\\''`)}'`).join('\n'));
  const ffmpeg = useMediaBinaries().ffmpeg;
  const reps = quick ? 3 : 5;
  let report: Awaited<ReturnType<typeof exportTimeline>> | undefined;
  const ours = await median(reps, async (i) => {
    report = await exportTimeline(timelineOf(files), { out: path.join(dir, `ours-${i}.mp4`) });
  });
  const direct = await median(reps, (i) =>
    run(ffmpeg, ['-nostdin', '-loglevel', 'error', '-f', 'concat', '-safe', '0', '-i', list, '-c', 'copy', '-y', path.join(dir, `direct-${i}.mp4`)]),
  );
  detail(`exportTimeline: ${fmt.ms(ours, 0)} (${report?.path}, ${report?.durationSec.toFixed(2)} s verified); ffmpeg -f concat -c copy: ${fmt.ms(direct, 0)}`);
  return {
    name: `export: ${n} same-spec clips`,
    measured: fmt.ms(ours, 0),
    baseline: fmt.ms(direct, 0),
    ratio: ours / direct,
    note: `${report?.path ?? '?'} path; vs bare ffmpeg -f concat -c copy; ours adds ${n} ffprobes, links and a verify`,
  };
}

function mixedSpecs(n: number): SynthClipSpec[] {
  const kinds: SynthClipSpec[] = [
    { width: 854, height: 480, fps: 16, seconds: 2, audio: { sampleRate: 48000, channels: 2 } },
    { width: 480, height: 854, fps: 12, seconds: 2 },
    { width: 1280, height: 720, fps: 24, seconds: 2, audio: { sampleRate: 44100, channels: 1 } },
  ];
  return Array.from({ length: n }, (_, i) => kinds[i % kinds.length] as SynthClipSpec);
}

async function benchConform(quick: boolean): Promise<BenchRow[]> {
  const n = quick ? 4 : 12;
  const dir = makeTempDir('export-conform');
  const files = await makeClips(dir, mixedSpecs(n));
  const cacheDir = path.join(dir, 'cache');
  detail(`${n} mixed clips of 2 s (854x480@16 stereo, 480x854@12 silent, 1280x720@24 mono 44.1 kHz), to 720p`);
  const first = await timed(() => exportTimeline(timelineOf(files), { out: path.join(dir, 'ours.mp4'), preset: '720p', cacheDir }));

  // The naive way: concat demuxer straight into one re-encode with the same settings.
  const list = path.join(dir, 'list.txt');
  writeFileSync(list, files.map((f) => `file '${f}'`).join('\n'));
  const naiveOut = path.join(dir, 'naive.mp4');
  const naive = await timed(() =>
    run(useMediaBinaries().ffmpeg, [
      '-nostdin', '-loglevel', 'error', '-f', 'concat', '-safe', '0', '-i', list,
      '-vf', 'scale=1280:720:force_original_aspect_ratio=decrease,pad=1280:720:(ow-iw)/2:(oh-ih)/2,setsar=1',
      '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '20', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', '192k', '-y', naiveOut,
    ]),
  );
  const naiveCheck = await verifyExport(naiveOut, { durationSec: n * 2, audio: true, width: 1280, height: 720, constantFps: { num: 24, den: 1 }, audioFormat: { sampleRate: 48000, channels: 2 } });
  detail(`conform: ${fmt.s(first.ms, 2)} (${first.value.verification.ok ? 'verified' : 'NOT verified'}); naive: ${fmt.s(naive.ms, 2)}`);
  detail(`naive output ${naiveCheck.ok ? 'would verify' : `fails the check: ${naiveCheck.problems.join('; ')}`}`);

  const second = await timed(() => exportTimeline(timelineOf(files), { out: path.join(dir, 'ours.mp4'), preset: '720p', cacheDir }));
  detail(`second export of the unchanged timeline: ${fmt.ms(second.ms, 0)} (cached: ${second.value.cached})`);
  return [
    {
      name: `export: ${n} mixed clips conformed`,
      measured: fmt.s(first.ms, 2),
      baseline: fmt.s(naive.ms, 2),
      ratio: first.ms / naive.ms,
      note: `vs one naive concat+re-encode (${naiveCheck.ok ? 'which verifies' : `which fails verification: ${naiveCheck.problems.length} problem(s)`})`,
    },
    {
      name: 'export: unchanged timeline again',
      measured: fmt.ms(second.ms, 0),
      baseline: fmt.ms(first.ms, 0),
      ratio: second.ms / first.ms,
      note: second.value.cached ? 'cache hit: a stat per input and a hash; no probe, no render' : 'NOT served from the cache',
    },
  ];
}

export async function runExportBench(opts: { quick: boolean }): Promise<BenchRow[]> {
  return [await benchConcat(opts.quick), ...(await benchConform(opts.quick))];
}
