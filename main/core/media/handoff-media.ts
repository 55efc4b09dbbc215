/**
 * Hand-off media conformed to the timeline's rate and frame, for clips a suite cannot cut frame-accurately at their
 * own rate (12 and 16 fps have no timecode; 29.97 in a 30 fps timeline has no common frame grid). Each file is the
 * whole clip run through the same chain as the render (scale and pad into the frame, yuv420p, resampled to the
 * timeline's rate from its first frame, 48 kHz stereo audio), so its frame k is the render's frame for source
 * position k: a suite cutting it at the hand-off's frames shows exactly the cut the export renders.
 * Written once: cached in a folder beside the export under a name keyed by the source's identity and the target,
 * and reused while both are unchanged.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { link, mkdir, rename, rm, stat, symlink } from 'node:fs/promises';
import path from 'node:path';
import { runFfmpeg, throwIfCancelled } from './ffmpeg-run';
import { fpsValue, rateText } from './frame-rate';
import { readMp4Header } from './mp4-header';
import type { MediaInfo } from './probe';
import type { EncoderSettings, ExportTarget } from './presets';
import { sanitizeSegment } from '../queue/output-names';

/** Bump when the chain below changes, so stale conformed files are not reused. */
const CONFORM_MEDIA_VERSION = 1;
export const CONFORMED_DIR = 'conformed media';

export function conformMediaArgs(input: string, hasAudio: boolean, target: ExportTarget, encoder: EncoderSettings, out: string): string[] {
  const { width: w, height: h } = target;
  const video =
    `setpts=PTS-STARTPTS,scale=${w}:${h}:force_original_aspect_ratio=decrease:force_divisible_by=2,` +
    `pad=${w}:${h}:(ow-iw)/2:(oh-ih)/2:color=black,setsar=1,format=yuv420p,fps=${rateText(target.fps)}`;
  return [
    '-i', input,
    '-map', '0:v:0', ...(hasAudio ? ['-map', '0:a:0'] : []),
    '-vf', video,
    '-c:v', 'libx264', '-preset', encoder.x264Preset, '-crf', String(encoder.crf), '-pix_fmt', 'yuv420p',
    '-g', String(Math.max(1, Math.round(fpsValue(target.fps)))),
    ...(hasAudio ? ['-af', 'asetpts=PTS-STARTPTS,aresample=48000', '-c:a', 'aac', '-b:a', `${encoder.audioBitrateK}k`, '-ar', '48000', '-ac', '2'] : []),
    '-movflags', '+faststart', '-f', 'mp4', '-y', out,
  ];
}

export interface ConformedMedia {
  file: string;
  info: MediaInfo;
  reused: boolean;
}

export async function conformedMediaFor(
  source: string,
  hasAudio: boolean,
  target: ExportTarget,
  encoder: EncoderSettings,
  dir: string,
  opts: { signal?: AbortSignal; onCommand?: (c: string) => void } = {},
): Promise<ConformedMedia> {
  const st = await stat(source);
  const key = createHash('sha256')
    .update(JSON.stringify({ v: CONFORM_MEDIA_VERSION, source: path.resolve(source), size: st.size, mtimeMs: st.mtimeMs, ino: st.ino, target, encoder, hasAudio }))
    .digest('hex')
    .slice(0, 12);
  const stem = sanitizeSegment(path.basename(source, path.extname(source))).slice(0, 80) || 'clip';
  const name = `${stem} ${rateText(target.fps).replace('/', '-')}fps ${target.width}x${target.height} ${key}.mp4`;
  const file = path.join(dir, name);
  if (existsSync(file)) {
    try {
      return { file, info: await readMp4Header(file), reused: true };
    } catch {
      await rm(file, { force: true });
    }
  }
  throwIfCancelled(opts.signal);
  await mkdir(dir, { recursive: true });
  // Rendered under an app-made temp name in the same folder, then renamed: a killed run leaves no half file.
  const temp = `.conform-${process.pid}-${key}.mp4`;
  const input = `.conform-${process.pid}-${key}-in${path.extname(source).replace(/[^.\w]/g, '') || '.mp4'}`;
  await link(path.resolve(source), path.join(dir, input)).catch(() => symlink(path.resolve(source), path.join(dir, input)));
  try {
    await runFfmpeg({ args: conformMediaArgs(input, hasAudio, target, encoder, temp), cwd: dir, signal: opts.signal, onCommand: opts.onCommand });
    await rename(path.join(dir, temp), file);
  } finally {
    await rm(path.join(dir, input), { force: true });
    await rm(path.join(dir, temp), { force: true });
  }
  return { file, info: await readMp4Header(file), reused: false };
}
