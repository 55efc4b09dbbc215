/**
 * One engine per data directory: two schedulers over one queue could each submit the same row. The lock is a row
 * in the queue database, taken inside a write transaction, so SQLite itself decides between two processes starting
 * at once. A lock whose process is gone (killed, crashed) is taken over.
 */
import os from 'node:os';
import { transaction, type Db } from './db';

export interface LockOwner {
  pid: number;
  host: string;
  role: string;
  startedAt: number;
}

export class EngineBusyError extends Error {
  override readonly name = 'EngineBusyError';
  constructor(readonly owner: LockOwner) {
    super(
      `Another Venice Batch process (${owner.role}, pid ${owner.pid}) is already running this queue. ` +
        'Close it first, or use `venice-batch status` to watch it.',
    );
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readOwner(db: Db): LockOwner | undefined {
  const r = db.prepare('SELECT pid, host, role, started_at FROM engine_lock WHERE id = 1').get() as
    | { pid: number; host: string; role: string; started_at: number }
    | undefined;
  return r ? { pid: Number(r.pid), host: r.host, role: r.role, startedAt: Number(r.started_at) } : undefined;
}

/** The owner if it is a live process (or on another host, where we cannot tell), else undefined. */
export function liveLockOwner(db: Db): LockOwner | undefined {
  const owner = readOwner(db);
  if (!owner) return undefined;
  if (owner.host === os.hostname() && owner.pid !== process.pid && !alive(owner.pid)) return undefined;
  return owner;
}

/** Takes the lock or throws EngineBusyError. Returns the release function. */
export function acquireEngineLock(db: Db, role: string): () => void {
  const me: LockOwner = { pid: process.pid, host: os.hostname(), role, startedAt: Date.now() };
  transaction(db, () => {
    const owner = liveLockOwner(db);
    if (owner && owner.pid !== process.pid) throw new EngineBusyError(owner);
    db.prepare('INSERT OR REPLACE INTO engine_lock (id, pid, host, role, started_at) VALUES (1, ?, ?, ?, ?)').run(
      me.pid,
      me.host,
      me.role,
      me.startedAt,
    );
  });
  return () => {
    db.prepare('DELETE FROM engine_lock WHERE id = 1 AND pid = ? AND host = ?').run(me.pid, me.host);
  };
}
