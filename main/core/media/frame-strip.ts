/**
 * A clip's frame strip for the timeline: STRIP_FRAMES frames evenly spaced through the clip (frame k at
 * k * duration / STRIP_FRAMES), each STRIP_HEIGHT px high, side by side in one JPEG. The track draws a clip's
 * filmstrip from it at any zoom without decoding video in the page, and a scrub shows the nearest one at once
 * while the viewer seeks to the exact frame. Made once per file version with ffmpeg (cachedRender).
 */
import path from 'node:path';
import { STRIP_FRAMES, STRIP_HEIGHT } from '../../contract-names';
import { cachedRender } from './thumbnail';

export async function frameStripFor(opts: { file: string; key: string; durationSec: number; cacheDir: string }): Promise<string> {
  const rate = STRIP_FRAMES / Math.max(0.04, opts.durationSec);
  return cachedRender({
    ...opts,
    ext: 'jpg',
    args: (temp) => [
      '-v', 'error', '-i', path.resolve(opts.file), '-an',
      // fps picks the source frame nearest each k * duration / N; tile lays the N frames out left to right.
      '-vf', `fps=${rate.toFixed(6)},scale=-2:${STRIP_HEIGHT},tile=${STRIP_FRAMES}x1`,
      '-frames:v', '1', '-q:v', '5', '-f', 'image2', '-y', temp,
    ],
  });
}
