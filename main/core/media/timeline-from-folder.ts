/**
 * The timeline for a folder of clips (`venice-batch export <dir>`): its .mp4 files sorted by name, numbers compared
 * as numbers (clip-2 before clip-10; the batch's zero-padded names sort the same either way). Hidden files are
 * skipped: they are partial downloads and the app's own work folders.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { Timeline } from './timeline';

const byName = new Intl.Collator('en', { numeric: true, sensitivity: 'variant' });

export async function clipsInFolder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && !e.name.startsWith('.') && e.name.toLowerCase().endsWith('.mp4'))
    .map((e) => e.name)
    .sort((a, b) => byName.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0))
    .map((n) => path.join(path.resolve(dir), n));
}

export async function timelineFromFolder(dir: string): Promise<Timeline | undefined> {
  const files = await clipsInFolder(dir);
  if (!files.length) return undefined;
  return {
    version: 1,
    clips: files.map((file, i) => ({ id: `file-${i + 1}`, file, label: path.basename(file), inSec: 0, transitionIn: { kind: 'cut' } })),
    markers: [],
  };
}
