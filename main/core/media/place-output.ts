/**
 * Where an export lands, and how it gets there without clobbering anything: the target is the user's folder plus a
 * sanitized file name (resolveInside: it cannot leave that folder), an existing file is refused unless the caller
 * passed `overwrite: true`, and the finished temp file is hard-linked into place, which fails instead of
 * replacing a file that appeared meanwhile. Only an explicit overwrite renames over the old file (atomically).
 */
import { existsSync } from 'node:fs';
import { rename, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { makeFolder } from './output-folder';
import { linkNoClobber, resolveInside, sanitizeSegment } from '../queue/output-names';

export class OutputExistsError extends Error {
  override readonly name = 'OutputExistsError';
  constructor(readonly target: string) {
    super(`${target} already exists: choose another name, or allow overwriting it.`);
  }
}

export interface OutputTarget {
  dir: string;
  target: string;
}

/** `out` as the user typed it -> its folder and a safe final path with `defaultExt` when it had no extension. */
export function outputTarget(out: string, defaultExt: string): OutputTarget {
  const abs = path.resolve(out);
  const dir = path.dirname(abs);
  const given = path.extname(abs);
  const ext = /^\.[A-Za-z0-9]{1,5}$/.test(given) ? given.toLowerCase() : defaultExt;
  const stem = sanitizeSegment(path.basename(abs, given)) || 'export';
  return { dir, target: resolveInside(dir, stem, ext) };
}

export async function prepareTarget(out: string, defaultExt: string, overwrite: boolean): Promise<OutputTarget> {
  const t = outputTarget(out, defaultExt);
  if (!overwrite && existsSync(t.target)) throw new OutputExistsError(t.target);
  // Never a recursive mkdir on a path the user typed: under /proc it spins forever (output-folder.ts).
  await makeFolder(t.dir);
  return t;
}

/** Moves a finished temp file (same file system) to `target`; the temp name is gone afterwards either way. */
export async function placeOutput(tempPath: string, target: string, overwrite: boolean): Promise<void> {
  if (overwrite) {
    await rename(tempPath, target);
    return;
  }
  const placed = await linkNoClobber(tempPath, target);
  if (!placed) {
    await unlink(tempPath).catch(() => undefined);
    throw new OutputExistsError(target);
  }
  await unlink(tempPath).catch(() => undefined);
}

/** Writes a small text file (EDL, FCPXML) with the same never-overwrite rule. */
export async function writeTextOutput(out: string, defaultExt: string, text: string, overwrite: boolean): Promise<string> {
  const { dir, target } = await prepareTarget(out, defaultExt, overwrite);
  const temp = path.join(dir, `.${path.basename(target)}.${process.pid}.${Date.now()}.partial`);
  await writeFile(temp, text, { flag: 'wx' });
  try {
    await placeOutput(temp, target, overwrite);
  } finally {
    await unlink(temp).catch(() => undefined);
  }
  return target;
}
