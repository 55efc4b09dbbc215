/**
 * The lossless path: ffmpeg's concat demuxer with stream copy, for clips compat.ts found identical in every way that
 * matters. The list file holds only the work folder's own names (`in-0001.mp4`), relative, so the demuxer's default
 * `safe` mode accepts them and no clip name can smuggle a line such as `file '/etc/passwd'` into the list.
 */
import { writeFile } from 'node:fs/promises';
import { runFfmpeg, type FfmpegProgress, type FfmpegRunResult } from './ffmpeg-run';
import type { WorkDir } from './work-dir';

const SAFE_NAME = /^[A-Za-z0-9_][\w.-]*$/;

/** The ffconcat list. Quoting is belt and braces: the names are app-made and checked before they are written. */
export function concatListText(names: readonly string[]): string {
  const lines = ['ffconcat version 1.0'];
  for (const n of names) {
    if (!SAFE_NAME.test(n)) throw new Error(`Refusing to put a non-app name in a concat list: ${JSON.stringify(n)}`);
    lines.push(`file '${n.replace(/'/g, `'\\''`)}'`);
  }
  return `${lines.join('\n')}\n`;
}

export function losslessArgs(listName: string, outName: string, withAudio: boolean): string[] {
  return [
    '-f', 'concat', '-safe', '1', '-i', listName,
    '-map', '0:v:0', ...(withAudio ? ['-map', '0:a:0'] : []),
    '-c', 'copy', '-movflags', '+faststart', '-f', 'mp4', '-y', outName,
  ];
}

export interface LosslessJob {
  work: WorkDir;
  /** Inputs already linked into the work folder, in timeline order. */
  inputs: readonly string[];
  withAudio: boolean;
  outName: string;
  totalSec: number;
  signal?: AbortSignal;
  onProgress?: (p: FfmpegProgress) => void;
  onSpawn?: (pid: number) => void;
  onCommand?: (commandLine: string) => void;
}

export async function runLosslessConcat(job: LosslessJob): Promise<FfmpegRunResult> {
  const listName = 'list.ffconcat';
  await writeFile(job.work.file(listName), concatListText(job.inputs));
  return runFfmpeg({
    args: losslessArgs(listName, job.outName, job.withAudio),
    cwd: job.work.dir,
    totalSec: job.totalSec,
    signal: job.signal,
    onProgress: job.onProgress,
    onSpawn: job.onSpawn,
    onCommand: job.onCommand,
  });
}
