/**
 * Clip file names from the batch's template (`{row}-{name}-{take}`, plus any sheet column as `{column}`),
 * sanitized for every desktop file system, always inside the output folder, never overwriting a file.
 */
import { link, rename, unlink } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';

export const DEFAULT_NAME_TEMPLATE = '{row}-{name}-{take}';
const MAX_STEM = 120;
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])$/i;

export function slugFromPrompt(prompt: string, words = 6): string {
  return prompt
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, words)
    .join(' ');
}

/** Makes one path segment safe on Windows, macOS and Linux. Returns '' when nothing usable is left. */
export function sanitizeSegment(input: string): string {
  let s = input
    .normalize('NFC')
    // eslint-disable-next-line no-control-regex -- control characters are exactly what must go
    .replace(/[\u0000-\u001f\u007f]/g, '')
    .replace(/[<>:"/\\|?*]/g, '-')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^[.\s-]+/, '')
    .replace(/[.\s]+$/, '');
  if (s.length > MAX_STEM) s = s.slice(0, MAX_STEM).replace(/[.\s]+$/, '');
  if (WINDOWS_RESERVED.test(s)) s = `_${s}`;
  return s;
}

export interface NameFields {
  row: number;
  /** Total rows, to zero-pad {row} so files sort in row order. */
  rowCount: number;
  name: string | null;
  prompt: string;
  take: number;
  model: string;
  extras: Record<string, string>;
}

export function renderName(template: string, f: NameFields): string {
  const width = Math.max(3, String(f.rowCount).length);
  const values: Record<string, string> = {
    row: String(f.row).padStart(width, '0'),
    name: f.name?.trim() || slugFromPrompt(f.prompt),
    take: String(f.take),
    model: f.model,
    prompt: slugFromPrompt(f.prompt),
  };
  const lowerExtras = Object.fromEntries(Object.entries(f.extras).map(([k, v]) => [k.toLowerCase(), v]));
  const stem = template.replace(/\{([^{}]+)\}/g, (_, key: string) => {
    const k = key.trim().toLowerCase();
    return values[k] ?? lowerExtras[k] ?? '';
  });
  const safe = sanitizeSegment(stem.replace(/-{2,}/g, '-'));
  return safe || `row-${values.row}`;
}

/** The final path for a clip: inside `outputDir`, with ` (2)`, ` (3)`... when the name is taken. */
export function resolveInside(outputDir: string, stem: string, ext = '.mp4'): string {
  const root = path.resolve(outputDir);
  const candidate = path.resolve(root, `${sanitizeSegment(stem) || 'clip'}${ext}`);
  if (path.dirname(candidate) !== root) throw new Error('A clip name tried to leave the output folder');
  return candidate;
}

/** The first free name for `stem` in the folder: `stem.mp4`, then `stem (2).mp4`, ... */
export function freeTarget(outputDir: string, stem: string, ext = '.mp4'): string {
  for (let n = 1; n < 1000; n++) {
    const target = resolveInside(outputDir, n === 1 ? stem : `${stem} (${n})`, ext);
    if (!existsSync(target)) return target;
  }
  throw new Error(`Could not find a free file name for ${stem} in ${outputDir}`);
}

/**
 * Gives `tempPath` the name `target` without ever replacing an existing file: a hard link fails with EEXIST
 * instead of overwriting (atomic on one file system). The temp name is left for the caller to remove once the
 * database knows the final name. File systems without hard links fall back to a checked rename.
 * Returns false when the name was taken meanwhile.
 */
export async function linkNoClobber(tempPath: string, target: string): Promise<boolean> {
  try {
    await link(tempPath, target);
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EXDEV' || code === 'EOPNOTSUPP') {
      if (existsSync(target)) return false;
      await rename(tempPath, target);
      return true;
    }
    throw e;
  }
}

/** One-shot placement for files nobody else tracks (rejected clips): a free name, linked, temp removed. */
export async function placeWithoutOverwrite(tempPath: string, outputDir: string, stem: string, ext = '.mp4'): Promise<string> {
  for (let tries = 0; tries < 20; tries++) {
    const target = freeTarget(outputDir, stem, ext);
    if (await linkNoClobber(tempPath, target)) {
      await unlink(tempPath).catch(() => undefined);
      return target;
    }
  }
  throw new Error(`Could not find a free file name for ${stem} in ${outputDir}`);
}
