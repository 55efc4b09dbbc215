/**
 * Reads a sheet from disk for the CLI and the main process: the bytes go through the same pure `core/sheet`
 * import the renderer uses, and local image paths are checked against the sheet's folder: the real path (links
 * followed) must stay inside it, and the file's first bytes must say it is an image.
 */
import { createHash } from 'node:crypto';
import { open, readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { importSheet, validateSheet, type BatchDefaults, type FileCheck, type ImportOptions, type ImportedSheet, type SheetValidation } from '../sheet';
import type { ModelRules } from '../venice/model-rules';

export interface SheetFile {
  path: string;
  /** sha256 of the bytes: the same file run again resumes the same batch. */
  hash: string;
  sheet: ImportedSheet;
}

export async function readSheetFile(file: string, opts: ImportOptions = {}): Promise<SheetFile> {
  const abs = path.resolve(file);
  const bytes = await readFile(abs);
  const sheet = await importSheet(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), { fileName: path.basename(abs), ...opts });
  return { path: abs, hash: createHash('sha256').update(bytes).digest('hex'), sheet };
}

function isInside(folder: string, target: string): boolean {
  const rel = path.relative(folder, target);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/**
 * What an image cell's path is, seen from the sheet's folder: whether it exists, whether its real path (symbolic
 * links and `..` resolved) stays inside the folder, its size and its first 16 bytes. Never reads more than that.
 */
export async function checkImageInFolder(baseDir: string, imagePath: string): Promise<FileCheck> {
  let folder: string;
  try {
    folder = await realpath(baseDir);
  } catch {
    return { exists: false };
  }
  const target = path.resolve(folder, imagePath);
  let real: string;
  try {
    real = await realpath(target);
  } catch {
    // Missing: still say when the path as written already leaves the folder.
    return isInside(folder, target) ? { exists: false } : { exists: false, inside: false };
  }
  if (!isInside(folder, real)) return { exists: true, inside: false };
  const s = await stat(real);
  if (!s.isFile()) return { exists: false, inside: true };
  const head = new Uint8Array(16);
  const handle = await open(real, 'r');
  try {
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    return { exists: true, inside: true, bytes: s.size, head: head.subarray(0, bytesRead) };
  } finally {
    await handle.close();
  }
}

export function validateSheetFile(
  file: SheetFile,
  rulesById: ReadonlyMap<string, ModelRules>,
  defaults: BatchDefaults = {},
): Promise<SheetValidation> {
  const baseDir = path.dirname(file.path);
  return validateSheet(file.sheet, { rulesById, defaults, checkFile: (p) => checkImageInFolder(baseDir, p) });
}
