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
  /** Frames per second, or an exact rate such as `30000/1001`. */
  fps: number | string;
  seconds: number;
  /** Absent: no audio track. */
  audio?: { sampleRate?: number; channels?: 1 | 2; frequency?: number };
  codec?: 'h264' | 'mpeg4';
  pixFmt?: 'yuv420p' | 'yuv444p';
  /**
   * testsrc2 by default; `color` for a flat frame (cheapest to encode); `coded` for flat frames that say which clip
   * and which frame they are (luma 16 + frame number, chroma = `code`): tests read a stitched export's frames back.
   */
  pattern?: 'testsrc2' | 'color' | 'coded';
  /** For `coded`: the chroma pair that names the clip (16-240 each). */
  code?: { u: number; v: number };
  /** An embedded start timecode (`01:00:00;00` for drop-frame), written as a tmcd track. */
  timecode?: string;
  /** Lossless video (x264 qp 0), so coded frames read back exactly. */
  lossless?: boolean;
}

function fpsNumber(fps: number | string): number {
  if (typeof fps === 'number') return fps;
  const [n, d] = fps.split('/').map(Number);
  return (n ?? 30) / (d ?? 1);
}

export async function synthClip(file: string, spec: SynthClipSpec): Promise<string> {
  const dir = path.dirname(path.resolve(file));
  const temp = `.synth-${process.pid}-${Math.random().toString(36).slice(2)}.mp4`;
  const s = String(spec.seconds);
  const size = `${spec.width}x${spec.height}`;
  const code = spec.code ?? { u: 128, v: 128 };
  const video =
    spec.pattern === 'color'
      ? `color=c=0x336699:size=${size}:rate=${spec.fps}:duration=${s}`
      : spec.pattern === 'coded'
        ? `color=c=black:size=${size}:rate=${spec.fps}:duration=${s},format=yuv420p,geq=lum='16+N':cb=${code.u}:cr=${code.v}`
        : `testsrc2=size=${size}:rate=${spec.fps}:duration=${s}`;
  const args = ['-f', 'lavfi', '-i', video];
  if (spec.audio) {
    const a = spec.audio;
    const mono = `sine=frequency=${a.frequency ?? 440}:sample_rate=${a.sampleRate ?? 48000}:duration=${s}`;
    args.push('-f', 'lavfi', '-i', mono);
  }
  args.push('-map', '0:v');
  if (spec.audio) args.push('-map', '1:a');
  if ((spec.codec ?? 'h264') === 'h264') args.push('-c:v', 'libx264', '-preset', 'ultrafast', '-g', String(Math.round(fpsNumber(spec.fps) * 2)), ...(spec.lossless ? ['-qp', '0'] : []));
  else args.push('-c:v', 'mpeg4', '-q:v', '5');
  args.push('-pix_fmt', spec.pixFmt ?? 'yuv420p');
  if (spec.audio) args.push('-c:a', 'aac', '-b:a', '64k', '-ac', String(spec.audio.channels ?? 2));
  if (spec.timecode) args.push('-timecode', spec.timecode);
  args.push('-t', s, '-movflags', '+faststart', '-f', 'mp4', '-y', temp);
  await runFfmpeg({ args, cwd: dir });
  await rename(path.join(dir, temp), path.resolve(file));
  return path.resolve(file);
}
