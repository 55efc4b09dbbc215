/**
 * A sheet's image cell seen from the sheet's folder on disk: whether the file exists, whether its real path (symbolic
 * links and `..` resolved) stays inside the folder, its size and its first bytes. Asked when a sheet is validated
 * (services/sheet-file.ts) and again when a row is sent (queue/build-request.ts), since the file may change between.
 */
import { open, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { FileCheck } from './sheet';

function isInside(folder: string, target: string): boolean {
  const rel = path.relative(folder, target);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** The check, and the file's real path when it is a file inside the folder (the one path that may be read). */
export async function resolveImageInFolder(baseDir: string, imagePath: string): Promise<{ check: FileCheck; real?: string }> {
  let folder: string;
  try {
    folder = await realpath(baseDir);
  } catch {
    return { check: { exists: false } };
  }
  const target = path.resolve(folder, imagePath);
  let real: string;
  try {
    real = await realpath(target);
  } catch {
    // Missing: still say when the path as written already leaves the folder.
    return { check: isInside(folder, target) ? { exists: false } : { exists: false, inside: false } };
  }
  if (!isInside(folder, real)) return { check: { exists: true, inside: false } };
  const s = await stat(real);
  if (!s.isFile()) return { check: { exists: false, inside: true } };
  const head = new Uint8Array(16);
  const handle = await open(real, 'r');
  try {
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    return { check: { exists: true, inside: true, bytes: s.size, head: head.subarray(0, bytesRead) }, real };
  } finally {
    await handle.close();
  }
}

/** Never reads more than the first 16 bytes. */
export async function checkImageInFolder(baseDir: string, imagePath: string): Promise<FileCheck> {
  return (await resolveImageInFolder(baseDir, imagePath)).check;
}
