/**
 * Small synthetic clips from ffmpeg's lavfi sources (test pattern + tone), in any codec, frame, rate and audio
 * shape: what the export tests and benchmarks feed the exporter when a whole simulated batch would be slower than
 * the thing being measured. Written under an app-made name and renamed, so any file name works as the target.
 */
import { rename } from 'node:fs/promises';
import path from 'node:path';
import { runFfmpeg } from './ffmpeg-run';

export interface SynthClipSpec {
  width: number;
  height: number;
  fps: number;
  seconds: number;
  /** Absent: no audio track. */
  audio?: { sampleRate?: number; channels?: 1 | 2; frequency?: number };
  codec?: 'h264' | 'mpeg4';
  pixFmt?: 'yuv420p' | 'yuv444p';
  /** testsrc2 by default; `color` for a flat frame (cheapest to encode). */
  pattern?: 'testsrc2' | 'color';
}

export async function synthClip(file: string, spec: SynthClipSpec): Promise<string> {
  const dir = path.dirname(path.resolve(file));
  const temp = `.synth-${process.pid}-${Math.random().toString(36).slice(2)}.mp4`;
  const s = String(spec.seconds);
  const size = `${spec.width}x${spec.height}`;
  const video = spec.pattern === 'color' ? `color=c=0x336699:size=${size}:rate=${spec.fps}:duration=${s}` : `testsrc2=size=${size}:rate=${spec.fps}:duration=${s}`;
  const args = ['-f', 'lavfi', '-i', video];
  if (spec.audio) {
    const a = spec.audio;
    const mono = `sine=frequency=${a.frequency ?? 440}:sample_rate=${a.sampleRate ?? 48000}:duration=${s}`;
    args.push('-f', 'lavfi', '-i', mono);
  }
  args.push('-map', '0:v');
  if (spec.audio) args.push('-map', '1:a');
  if ((spec.codec ?? 'h264') === 'h264') args.push('-c:v', 'libx264', '-preset', 'ultrafast', '-g', String(spec.fps * 2));
  else args.push('-c:v', 'mpeg4', '-q:v', '5');
  args.push('-pix_fmt', spec.pixFmt ?? 'yuv420p');
  if (spec.audio) args.push('-c:a', 'aac', '-b:a', '64k', '-ac', String(spec.audio.channels ?? 2));
  args.push('-t', s, '-movflags', '+faststart', '-f', 'mp4', '-y', temp);
  await runFfmpeg({ args, cwd: dir });
  await rename(path.join(dir, temp), path.resolve(file));
  return path.resolve(file);
}
