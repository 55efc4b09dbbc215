/**
 * A private folder for one ffmpeg job, inside the output folder (same file system, so the result can be hard-linked
 * into place). Every input is linked in under a name the app makes up (`in-0001.mp4`), so ffmpeg never sees a user's
 * file name: not on its command line, not in a concat list, not where a leading `-`, a `:` (protocol prefix), a quote
 * or a newline could mean something. Removing the folder removes every partial file with it.
 */
import { copyFile, link, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';

export interface WorkDir {
  dir: string;
  /** Links `source` in as `<prefix>-NNNN<ext>` and returns that bare name (relative to `dir`). */
  addInput: (source: string, prefix?: string) => Promise<string>;
  /** A path inside the folder for an app-chosen name. */
  file: (name: string) => string;
  remove: () => Promise<void>;
}

export const WORK_DIR_PREFIX = '.venice-export-';

/** Only extensions made of letters and digits survive; anything else becomes .bin (ffmpeg probes content anyway). */
export function safeExt(file: string): string {
  const ext = path.extname(file).toLowerCase();
  return /^\.[a-z0-9]{1,5}$/.test(ext) ? ext : '.bin';
}

export async function openWorkDir(parent: string): Promise<WorkDir> {
  const dir = await mkdtemp(path.join(parent, WORK_DIR_PREFIX));
  let n = 0;
  return {
    dir,
    addInput: async (source, prefix = 'in') => {
      n++;
      const name = `${prefix}-${String(n).padStart(4, '0')}${safeExt(source)}`;
      const target = path.join(dir, name);
      const abs = path.resolve(source);
      try {
        await link(abs, target);
      } catch {
        // Another file system (EXDEV) or no hard links: a symlink is still a name we control; a copy is the last resort.
        try {
          await symlink(abs, target);
        } catch {
          await copyFile(abs, target);
        }
      }
      return name;
    },
    file: (name) => {
      if (!/^[\w.-]+$/.test(name) || name.startsWith('.')) throw new Error(`Not an app-made work file name: ${name}`);
      return path.join(dir, name);
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

/** Windows caps a command line at 32,767 characters; a long graph (fifty clips) goes in a script file instead. */
const INLINE_GRAPH_MAX = 8_000;

export async function filterGraphArgs(work: WorkDir, graph: string): Promise<string[]> {
  if (graph.length <= INLINE_GRAPH_MAX) return ['-filter_complex', graph];
  await writeFile(work.file('graph.txt'), graph);
  return ['-filter_complex_script', 'graph.txt'];
}
