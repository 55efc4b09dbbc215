/**
 * Which queue this machine works on: the studio's shared PostgreSQL when VENICE_BATCH_DB (or the app's Studio queue
 * setting) names one, else the data folder's own SQLite file, as always. Both come back behind the same interface,
 * so the engine, the CLI and the app cannot tell them apart.
 */
import path from 'node:path';
import { PgQueueStore } from './pg/pg-store';
import { SqliteQueueStore } from './sqlite-adapter/store';
import { QueueStore } from './store';
import type { LeaseTiming, QueueStoreApi } from './store-api';

export interface OpenedQueue {
  queue: QueueStoreApi;
  /** The local store underneath, when the queue is the local one. */
  local: QueueStore | undefined;
  /** This machine's paid journal: always in its own data folder, whichever queue it works on. */
  journalFile: string;
}

export class StudioQueueUrlError extends Error {
  override readonly name = 'StudioQueueUrlError';
}

/** The studio queue's address, checked: postgres:// or postgresql:// with a host and a database. */
export function studioQueueUrl(raw: string | undefined | null): string | undefined {
  const text = raw?.trim();
  if (!text) return undefined;
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    throw new StudioQueueUrlError('The studio queue address is not a URL: use postgres://user:password@host:5432/database.');
  }
  if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:') {
    throw new StudioQueueUrlError(`The studio queue address must start with postgres:// (got ${u.protocol}//).`);
  }
  if (!u.hostname || u.pathname.length <= 1) {
    throw new StudioQueueUrlError('The studio queue address needs a host and a database: postgres://user:password@host:5432/database.');
  }
  return text;
}

export async function openQueue(opts: {
  dataDir: string;
  env?: NodeJS.ProcessEnv;
  /** The app's Studio queue setting; VENICE_BATCH_DB wins over it. */
  studioUrl?: string | null;
  lease?: Partial<LeaseTiming>;
  onConnectionError?: (e: Error) => void;
}): Promise<OpenedQueue> {
  const env = opts.env ?? process.env;
  const journalFile = path.join(opts.dataDir, 'paid-journal.jsonl');
  const url = studioQueueUrl(env.VENICE_BATCH_DB) ?? studioQueueUrl(opts.studioUrl);
  if (url) {
    const queue = await PgQueueStore.open(url, { lease: opts.lease, onConnectionError: opts.onConnectionError });
    return { queue, local: undefined, journalFile };
  }
  const file = path.join(opts.dataDir, 'queue.sqlite');
  const local = new QueueStore(file);
  return { queue: new SqliteQueueStore(local, file, { lease: opts.lease }), local, journalFile };
}
