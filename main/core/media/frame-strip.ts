/**
 * A clip's frame strip for the timeline: STRIP_FRAMES frames evenly spaced through the clip (frame k at
 * k * duration / STRIP_FRAMES), each STRIP_HEIGHT px high, side by side in one JPEG. The track draws a clip's
 * filmstrip from it at any zoom without decoding video in the page, and a scrub shows the nearest one at once
 * while the viewer seeks to the exact frame. Made once per file version with ffmpeg (cachedRender).
 */
import path from 'node:path';
import { SCRUB_COLUMNS, SCRUB_TILE_HEIGHT, STRIP_FRAMES, STRIP_HEIGHT } from '../../contract-names';
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

/**
 * A clip's scrub sprite for the viewer: EVERY frame, small (SCRUB_TILE_HEIGHT high), SCRUB_COLUMNS to a row in one
 * JPEG. While the ruler is dragged into a clip the viewer draws the exact frame from it at once, and the proxy's
 * full-size frame replaces it as soon as the video has sought there. Frame n is tile (n % SCRUB_COLUMNS,
 * floor(n / SCRUB_COLUMNS)), in the clip's own frames.
 */
export async function scrubSpriteFor(opts: { file: string; key: string; durationSec: number; fps: number; cacheDir: string }): Promise<string> {
  // A frame or two of slack: a probed duration can round either way, and a spare tile costs nothing.
  const frames = Math.ceil(opts.durationSec * opts.fps) + 2;
  const rows = Math.max(1, Math.ceil(frames / SCRUB_COLUMNS));
  return cachedRender({
    ...opts,
    ext: 'jpg',
    args: (temp) => [
      '-v', 'error', '-i', path.resolve(opts.file), '-an',
      '-vf', `scale=-2:${SCRUB_TILE_HEIGHT},tile=${SCRUB_COLUMNS}x${rows}`,
      '-frames:v', '1', '-q:v', '6', '-f', 'image2', '-y', temp,
    ],
  });
}
