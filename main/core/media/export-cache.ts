/**
 * Exporting an unchanged timeline again should be instant. The key hashes everything that decides the output's
 * bytes: the timeline (order, trims, transitions, music), the preset and encoder settings, the recipe version, and
 * the identity of every input file (device, inode, size, mtime: a re-downloaded or edited clip is a new key, and
 * nothing has to be read to know). The cache holds no copy of the video: it remembers where the last export of that
 * key went and that file's identity, and reuses it only while that file is provably untouched.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Bump when the conform recipe changes, so old outputs are not served for new settings. */
export const EXPORT_RECIPE_VERSION = 1;

export interface FileIdentity {
  path: string;
  dev: number;
  ino: number;
  size: number;
  mtimeMs: number;
}

export async function fileIdentity(file: string): Promise<FileIdentity> {
  const s = await stat(file);
  return { path: path.resolve(file), dev: s.dev, ino: s.ino, size: s.size, mtimeMs: s.mtimeMs };
}

export function sameIdentity(a: FileIdentity, b: FileIdentity): boolean {
  return a.path === b.path && a.dev === b.dev && a.ino === b.ino && a.size === b.size && a.mtimeMs === b.mtimeMs;
}

/** `file` is the remembered file or a hard link to it (same inode, unchanged), whatever its name. */
export async function isSameFile(file: string, remembered: FileIdentity): Promise<boolean> {
  try {
    const id = await fileIdentity(file);
    return id.dev === remembered.dev && id.ino === remembered.ino && id.size === remembered.size && id.mtimeMs === remembered.mtimeMs;
  } catch {
    return false;
  }
}

export async function exportKey(recipe: unknown, inputFiles: readonly string[]): Promise<string> {
  const identities = await Promise.all(inputFiles.map(fileIdentity));
  return createHash('sha256')
    .update(JSON.stringify({ v: EXPORT_RECIPE_VERSION, recipe, identities }))
    .digest('hex');
}

export interface CacheEntry<R> {
  key: string;
  output: FileIdentity;
  report: R;
}

const entryFile = (cacheDir: string, key: string) => path.join(cacheDir, `${key}.json`);

/** The remembered export for `key`, only if its output still exists unchanged. */
export async function findCachedExport<R>(cacheDir: string, key: string): Promise<CacheEntry<R> | undefined> {
  let entry: CacheEntry<R>;
  try {
    entry = JSON.parse(await readFile(entryFile(cacheDir, key), 'utf8')) as CacheEntry<R>;
  } catch {
    return undefined;
  }
  if (entry.key !== key || !entry.output?.path) return undefined;
  try {
    return sameIdentity(await fileIdentity(entry.output.path), entry.output) ? entry : undefined;
  } catch {
    return undefined;
  }
}

export async function rememberExport<R>(cacheDir: string, key: string, output: string, report: R): Promise<void> {
  await mkdir(cacheDir, { recursive: true });
  const entry: CacheEntry<R> = { key, output: await fileIdentity(output), report };
  const file = entryFile(cacheDir, key);
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, JSON.stringify(entry));
  await rename(temp, file);
}
