/**
 * Output folders are input too: a path typed in Settings, a `--out` flag, a hand-edited settings file. Two rules:
 *
 * 1. Never `mkdir(dir, { recursive: true })` on such a path. Under /proc (and other pseudo file systems) Node's
 *    recursive mkdir spins forever on ENOENT: the sync form freezes the event loop, the async form pins a thread of
 *    libuv's pool, and four of those stop every file operation of the process. `makeFolder` walks up to the nearest
 *    folder that exists, checks the disk it is on, and creates the missing levels one plain mkdir at a time.
 * 2. Check a folder when it is chosen (`checkOutputFolder`): it exists or can be made, can be written, and sits on
 *    a real disk (not proc, sysfs and the like). Every check is asynchronous and has a time limit, so a hung
 *    network mount costs a message, not a frozen app.
 */
import { randomBytes } from 'node:crypto';
import { realpathSync, statSync } from 'node:fs';
import { mkdir, rm, rmdir, stat, statfs, writeFile } from 'node:fs/promises';
import path from 'node:path';

export class OutputFolderError extends Error {
  override readonly name = 'OutputFolderError';
  constructor(
    message: string,
    readonly folder: string,
    readonly code: string,
  ) {
    super(message);
  }
}

/** Linux pseudo file systems (statfs f_type): files there are kernel state, not clips. */
const PSEUDO_FS: Readonly<Record<number, string>> = {
  0x9fa0: 'proc',
  0x62656572: 'sysfs',
  0x1cd1: 'devpts',
  0x64626720: 'debugfs',
  0x73636673: 'securityfs',
  0x27e0eb: 'cgroup',
  0x63677270: 'cgroup2',
  0x74726163: 'tracefs',
  0x6165676c: 'pstore',
  0xcafe4a11: 'bpf',
  0x62656570: 'configfs',
  0x65735543: 'fusectl',
  0x42494e4d: 'binfmt_misc',
  0xde5e81e4: 'efivarfs',
  0x19800202: 'mqueue',
  0xf97cff8c: 'selinuxfs',
  0x958458f6: 'hugetlbfs',
  0x6e736673: 'nsfs',
};

const CHECK_TIMEOUT_MS = 5_000;

function withTimeout<T>(work: Promise<T>, folder: string, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new OutputFolderError(`${folder} did not answer within ${Math.round(ms / 1000)} s (a network drive that is not connected?). Choose another folder.`, folder, 'ETIMEDOUT')),
      ms,
    );
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

async function statOrUndefined(p: string) {
  try {
    return await stat(p);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'ENOTDIR') throw new OutputFolderError(`${p} cannot be a folder: part of its path is a file, not a folder.`, p, 'ENOTDIR');
    throw new OutputFolderError(`${p} cannot be used (${code ?? (e as Error).message}).`, p, code ?? 'EIO');
  }
}

/** The nearest folder of `dir` (itself included) that exists, and the levels below it that do not. */
async function nearestExisting(dir: string): Promise<{ existing: string; missing: string[] }> {
  const missing: string[] = [];
  let p = path.resolve(dir);
  for (;;) {
    const st = await statOrUndefined(p);
    if (st) {
      if (!st.isDirectory()) throw new OutputFolderError(`${p} is a file, not a folder.`, p, 'ENOTDIR');
      return { existing: p, missing };
    }
    const parent = path.dirname(p);
    if (parent === p) throw new OutputFolderError(`${dir} cannot be made: not even its drive exists.`, dir, 'ENOENT');
    missing.unshift(p);
    p = parent;
  }
}

/** Refuses a folder on a pseudo file system (Linux); elsewhere statfs types mean other things and are not judged. */
async function checkRealDisk(existing: string, asked: string): Promise<void> {
  if (process.platform !== 'linux') return;
  let type: number;
  try {
    type = Number((await statfs(existing)).type);
  } catch {
    return;
  }
  const name = PSEUDO_FS[type];
  if (name) {
    throw new OutputFolderError(`${asked} is on ${name}, a system folder of the operating system, not a disk. Choose a folder on a disk, such as one in your Videos folder.`, asked, 'EPSEUDOFS');
  }
}

/**
 * Creates `dir` like `mkdir -p`, but safely: at most `maxNewLevels` missing levels (a batch folder whose parent
 * vanished is an unplugged drive, not something to recreate), only on a real disk, one plain mkdir per level.
 */
export async function makeFolder(dir: string, opts: { maxNewLevels?: number; timeoutMs?: number } = {}): Promise<void> {
  const work = (async () => {
    const { existing, missing } = await nearestExisting(dir);
    if (missing.length === 0) return;
    if (missing.length > (opts.maxNewLevels ?? Number.POSITIVE_INFINITY)) {
      throw new OutputFolderError(`${dir} is not there, and neither is ${missing[0] ?? dir}. Was a drive unplugged?`, dir, 'ENOENT');
    }
    await checkRealDisk(existing, dir);
    for (const level of missing) {
      try {
        await mkdir(level);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EEXIST' && (await statOrUndefined(level))?.isDirectory()) continue;
        throw new OutputFolderError(`${dir} could not be made (${code ?? (e as Error).message} at ${level}).`, dir, code ?? 'EIO');
      }
    }
  })();
  return withTimeout(work, dir, opts.timeoutMs ?? CHECK_TIMEOUT_MS);
}

/**
 * Is this a folder clips can go to? It exists or can be made, can be written (a real write: permissions, a
 * read-only mount and being root all tell the truth then), and sits on a real disk. Creates nothing lasting.
 */
export async function checkOutputFolder(dir: string, opts: { timeoutMs?: number } = {}): Promise<void> {
  if (!path.isAbsolute(dir)) throw new OutputFolderError(`Give the full path of the folder (${dir} is relative).`, dir, 'ERELATIVE');
  const work = (async () => {
    const { existing } = await nearestExisting(dir);
    await checkRealDisk(existing, dir);
    const probe = path.join(existing, `.venice-batch-check-${randomBytes(6).toString('hex')}`);
    try {
      // A folder proves both: the user's folder can be created here, and files can be written in it.
      await mkdir(probe);
      await writeFile(path.join(probe, 'x'), 'x');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? 'EIO';
      const why = code === 'EACCES' || code === 'EPERM' ? 'you do not have permission to write there' : code === 'EROFS' ? 'the drive is read-only' : code === 'ENOSPC' ? 'the disk is full' : code;
      throw new OutputFolderError(`Clips cannot be saved in ${dir}: ${why}. Choose another folder.`, dir, code);
    } finally {
      await rm(path.join(probe, 'x'), { force: true }).catch(() => undefined);
      await rmdir(probe).catch(() => undefined);
    }
  })();
  return withTimeout(work, dir, opts.timeoutMs ?? CHECK_TIMEOUT_MS);
}

/**
 * The real path of `file` when it is a file whose real path lies inside `folder`'s real path; undefined otherwise.
 * A symlink in the output folder (a clip replaced by a link to ~/.ssh, say) resolves out of it and is refused,
 * while an output folder that is itself a link (Videos on another disk) still works.
 */
export function realFileInside(folder: string, file: string): string | undefined {
  try {
    const root = realpathSync(folder);
    const real = realpathSync(file);
    const rel = path.relative(root, real);
    if (!rel || rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
    return statSync(real).isFile() ? real : undefined;
  } catch {
    return undefined;
  }
}
