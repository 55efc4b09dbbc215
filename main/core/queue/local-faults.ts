/**
 * Problems of this machine rather than of Venice: a full disk, an output folder that vanished (an unplugged drive),
 * a folder that cannot be written. None of them is a reason to fail a row or to spend a download try: the clip is
 * still on Venice, so the batch waits (a hold, see holds.ts) and carries on once the folder is usable again.
 *
 * Checks are asynchronous on purpose: a stat on a vanished network drive can take seconds, and the event loop must
 * never wait for it.
 */
import { constants } from 'node:fs';
import { access, rm, stat, statfs, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { makeFolder } from '../media/output-folder';
import type { HoldCause } from './hold-store';

/** Below this much free space the disk counts as full: a clip plus room for the database and the system. */
export const DISK_FREE_MARGIN_BYTES = 64 * 1024 * 1024;

export type LocalCause = Extract<HoldCause, 'disk_full' | 'folder_missing' | 'folder_unwritable'>;

const FULL = new Set(['ENOSPC', 'EDQUOT', 'EFBIG']);
const GONE = new Set(['ENOENT', 'ENOTDIR', 'EIO', 'ENXIO', 'ENODEV', 'ESTALE']);
const DENIED = new Set(['EACCES', 'EPERM', 'EROFS']);

/** The errno code of a file-system error, also when it was wrapped into a message (the client's LocalFileError). */
export function errnoOf(e: unknown): string | undefined {
  const direct = (e as NodeJS.ErrnoException | undefined)?.code ?? (e as { cause?: NodeJS.ErrnoException } | undefined)?.cause?.code;
  if (typeof direct === 'string' && /^E[A-Z]+$/.test(direct)) return direct;
  const m = /\b(E(?:NOSPC|DQUOT|FBIG|NOENT|NOTDIR|IO|NXIO|NODEV|STALE|ACCES|PERM|ROFS))\b/.exec(String((e as Error | undefined)?.message ?? ''));
  return m?.[1];
}

/** True for an error raised by the local file system while writing a clip (not by Venice or the network). */
export function isLocalFault(e: unknown): boolean {
  if ((e as Error | undefined)?.name === 'LocalFileError') return true;
  const code = errnoOf(e);
  return code !== undefined && (FULL.has(code) || GONE.has(code) || DENIED.has(code)) && (e as { kind?: string }).kind === undefined;
}

/** Why the output folder cannot take a clip right now; undefined when it can. Never creates the folder. */
export async function folderProblem(outputDir: string, hint?: unknown): Promise<LocalCause | undefined> {
  const code = hint === undefined ? undefined : errnoOf(hint);
  if (code && FULL.has(code)) return 'disk_full';
  try {
    if (!(await stat(outputDir)).isDirectory()) return 'folder_missing';
  } catch {
    return 'folder_missing';
  }
  if (code && DENIED.has(code)) return 'folder_unwritable';
  try {
    await access(outputDir, constants.W_OK);
  } catch {
    return 'folder_unwritable';
  }
  return hint === undefined ? undefined : code && GONE.has(code) ? 'folder_missing' : undefined;
}

/** Free bytes on the disk holding `dir`, or undefined when it cannot be told. */
export async function freeBytes(dir: string): Promise<number | undefined> {
  try {
    const s = await statfs(dir);
    return Number(s.bavail) * Number(s.bsize);
  } catch {
    return undefined;
  }
}

/**
 * Is the folder usable again? The folder must exist and take a small file (a real write, which catches a full disk,
 * a read-only remount and quotas alike), and the disk must have the margin free.
 */
export async function folderUsable(outputDir: string): Promise<{ ok: true } | { ok: false; cause: LocalCause; detail: string }> {
  const missing = await folderProblem(outputDir);
  if (missing) return { ok: false, cause: missing, detail: missing === 'folder_missing' ? 'the folder is not there' : 'the folder cannot be written' };
  const probe = path.join(outputDir, `.venice-batch-probe-${process.pid}`);
  try {
    await writeFile(probe, Buffer.alloc(4096));
  } catch (e) {
    const cause = (await folderProblem(outputDir, e)) ?? 'folder_unwritable';
    return { ok: false, cause, detail: `a test write failed (${errnoOf(e) ?? (e as Error).message})` };
  } finally {
    await rm(probe, { force: true }).catch(() => undefined);
  }
  const free = await freeBytes(outputDir);
  if (free !== undefined && free < DISK_FREE_MARGIN_BYTES) {
    return { ok: false, cause: 'disk_full', detail: `${Math.floor(free / (1024 * 1024))} MB free` };
  }
  return { ok: true };
}

/** A batch nothing of which went to Venice yet (its rows' counts by state): its folder may still be made. */
export function isFirstUse(counts: Partial<Record<string, number>>): boolean {
  return Object.entries(counts).every(([s, n]) => !n || s === 'draft' || s === 'ready' || s === 'cancelled');
}

/**
 * Makes a batch's output folder on first use only. Once anything of the batch was paid for, a missing folder is an
 * unplugged drive: creating it again would scatter clips onto whatever disk holds the empty mount point.
 */
export async function prepareOutputFolder(outputDir: string, firstUse: boolean): Promise<{ ok: true } | { ok: false; cause: LocalCause; detail: string }> {
  const problem = await folderProblem(outputDir);
  if (problem === undefined) return { ok: true };
  if (problem === 'folder_missing' && firstUse) {
    try {
      // Not a recursive mkdir: under /proc that spins forever and pins a libuv thread (media/output-folder.ts).
      await makeFolder(outputDir);
      return { ok: true };
    } catch (e) {
      return { ok: false, cause: (await folderProblem(outputDir, e)) ?? 'folder_unwritable', detail: `it could not be created (${errnoOf(e) ?? (e as Error).message})` };
    }
  }
  return { ok: false, cause: problem, detail: problem === 'folder_missing' ? 'the folder is not there' : 'the folder cannot be written' };
}

/** The words the user sees for a local cause: what happened, and that the batch carries on by itself. */
export function localHoldMessage(cause: LocalCause, outputDir: string, detail?: string): string {
  const extra = detail ? ` (${detail})` : '';
  switch (cause) {
    case 'disk_full':
      return `The disk holding ${outputDir} is full${extra}. Free some space: downloads carry on by themselves, and the clips wait safely on Venice meanwhile.`;
    case 'folder_missing':
      return `The output folder ${outputDir} is gone${extra}. Was the drive unplugged? Plug it back in (or recreate the folder): the batch carries on by itself.`;
    case 'folder_unwritable':
      return `The output folder ${outputDir} cannot be written${extra}. Check its permissions or the drive: the batch carries on by itself once it can.`;
  }
}
