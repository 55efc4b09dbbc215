/**
 * The two queue stores behind one interface, opened the same way for the contract suite: the local SQLite file (in
 * a temp folder) and the studio PostgreSQL (a fresh database on a real server started by the test file).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PgQueueStore } from '../../main/core/queue/pg/pg-store';
import { SqliteQueueStore } from '../../main/core/queue/sqlite-adapter/store';
import { QueueStore } from '../../main/core/queue/store';
import type { LeaseTiming, QueueStoreApi } from '../../main/core/queue/store-api';
import type { NewRow } from '../../main/core/queue/types';
import { startPostgres, type TestPostgres } from './postgres';

export interface StoreKind {
  name: 'sqlite' | 'postgres';
  /** Starts what the kind needs (a PostgreSQL server); once per test file. */
  setup: () => Promise<void>;
  teardown: () => Promise<void>;
  open: (opts?: { lease?: Partial<LeaseTiming> }) => Promise<QueueStoreApi>;
  /** Opens the queue of the last `open` again (after it was closed): the database came back. */
  reopenLast: () => Promise<QueueStoreApi>;
}

export function sqliteKind(): StoreKind {
  const dirs: string[] = [];
  let last = '';
  return {
    name: 'sqlite',
    setup: async () => {},
    teardown: async () => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })),
    open: async (opts = {}) => {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'vb-contract-'));
      dirs.push(dir);
      last = path.join(dir, 'queue.sqlite');
      return new SqliteQueueStore(new QueueStore(last), last, opts);
    },
    reopenLast: async () => new SqliteQueueStore(new QueueStore(last), last),
  };
}

export function postgresKind(): StoreKind {
  let server: TestPostgres | undefined;
  let last = '';
  return {
    name: 'postgres',
    setup: async () => {
      server = await startPostgres();
    },
    teardown: async () => {
      await server?.stop();
    },
    open: async (opts = {}) => {
      if (!server) throw new Error('postgresKind.setup() was not run');
      last = await server.newDatabase();
      return PgQueueStore.open(last, opts);
    },
    reopenLast: async () => PgQueueStore.open(last),
  };
}

export function rowsOf(n: number, quoteUsd = 0.5, model = 'm'): NewRow[] {
  return Array.from({ length: n }, (_, i) => ({
    rowIndex: i + 1,
    params: { model, prompt: `shot ${i + 1}`, duration: '5s', resolution: '720p' },
    quoteUsd,
  }));
}

export async function addBatch(
  store: QueueStoreApi,
  n: number,
  opts: { concurrency?: number; budgetUsd?: number | null; quoteUsd?: number; outputDir?: string; baseUrl?: string } = {},
): Promise<number> {
  return store.createBatch(
    {
      name: 'b',
      sourceHash: 'hash-1',
      settings: { concurrency: opts.concurrency ?? 4 },
      outputDir: opts.outputDir ?? '/tmp/out',
      nameTemplate: '{row}',
      baseUrl: opts.baseUrl ?? 'http://venice.test',
      budgetUsd: opts.budgetUsd ?? null,
    },
    rowsOf(n, opts.quoteUsd),
  );
}
