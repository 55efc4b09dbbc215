/**
 * Reads a sheet from disk for the CLI and the main process: the bytes go through the same pure `core/sheet`
 * import the renderer uses, and local image paths are checked against the sheet's folder: the real path (links
 * followed) must stay inside it, and the file's first bytes must say it is an image.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { importSheet, validateSheet, type BatchDefaults, type ImportOptions, type ImportedSheet, type SheetValidation } from '../sheet';
import type { ModelRules } from '../venice/model-rules';
import { checkImageInFolder } from '../image-file';

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

export function validateSheetFile(
  file: SheetFile,
  rulesById: ReadonlyMap<string, ModelRules>,
  defaults: BatchDefaults = {},
): Promise<SheetValidation> {
  const baseDir = path.dirname(file.path);
  return validateSheet(file.sheet, { rulesById, defaults, checkFile: (p) => checkImageInFolder(baseDir, p) });
}
