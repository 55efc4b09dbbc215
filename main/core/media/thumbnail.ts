/**
 * A clip's thumbnail for the bin: one frame at a quarter of its length, 320 px wide, as a JPEG. Cached under
 * `<cacheDir>/<key>.jpg` where the key is the row id plus the file's mtime and size, so a replaced clip gets a new
 * thumbnail and an unchanged one is never decoded twice. ffmpeg gets an argument array and writes a temp file that
 * is renamed into place, so a half-written JPEG is never served.
 */
import { existsSync } from 'node:fs';
import { mkdir, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { runFfmpeg } from './ffmpeg-run';

export const THUMB_WIDTH = 320;

/** Where the cached output for this version of `file` lives: its mtime and size are in the name. */
export async function cachedPath(opts: { file: string; key: string; ext: string; cacheDir: string }): Promise<string> {
  const st = await stat(opts.file);
  return path.join(opts.cacheDir, `${opts.key.replace(/[^A-Za-z0-9_-]/g, '_')}-${Math.floor(st.mtimeMs)}-${st.size}.${opts.ext}`);
}

/**
 * Runs ffmpeg once per version of `file` and returns the cached output's path. `args(temp)` gets the temp name to
 * write, relative to the cache folder (ffmpeg runs there).
 */
export async function cachedRender(opts: { file: string; key: string; ext: string; cacheDir: string; args: (temp: string) => string[] }): Promise<string> {
  const target = await cachedPath(opts);
  if (existsSync(target)) return target;
  await mkdir(opts.cacheDir, { recursive: true });
  const temp = `.${path.basename(target)}.${process.pid}.${Math.random().toString(36).slice(2)}.${opts.ext}`;
  try {
    await runFfmpeg({ args: opts.args(temp), cwd: opts.cacheDir });
    await rename(path.join(opts.cacheDir, temp), target);
  } finally {
    await unlink(path.join(opts.cacheDir, temp)).catch(() => undefined);
  }
  return target;
}

export async function thumbnailFor(opts: { file: string; key: string; durationSec: number | null; cacheDir: string }): Promise<string> {
  const at = Math.max(0, (opts.durationSec ?? 0) * 0.25);
  return cachedRender({
    ...opts,
    ext: 'jpg',
    args: (temp) => ['-v', 'error', '-ss', at.toFixed(3), '-i', path.resolve(opts.file), '-frames:v', '1', '-vf', `scale=${THUMB_WIDTH}:-2`, '-q:v', '4', '-f', 'image2', '-y', temp],
  });
}
