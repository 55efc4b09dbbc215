/**
 * What every CLI command opens: the queue (the data folder's own SQLite file, or the studio's PostgreSQL when
 * VENICE_BATCH_DB names one), the Venice endpoints, and the model catalog.
 */
import path from 'node:path';
import { defaultDataDir } from '../core/paths';
import { engineOptionsFromEnv } from './engine-env';
import { openQueue, studioQueueUrl, type OpenedQueue } from '../core/queue/open-queue';
import { isStoreUnreachable } from '../core/queue/pg/pg-errors';
import { describePgUrl } from '../core/queue/pg/pg-store';
import type { QueueStore } from '../core/queue/store';
import type { QueueStoreApi } from '../core/queue/store-api';
import { ModelCatalog, type Catalog } from '../core/venice/catalog';
import { VeniceLinks } from '../core/services/venice-connection';

export interface CliSession {
  dataDir: string;
  /** The queue every command reads and writes, whichever database holds it. */
  queue: QueueStoreApi;
  /** The local SQLite store, when that is the queue (undefined on the studio queue). */
  store: QueueStore | undefined;
  /** Where this machine keeps paid answers the queue could not take yet (paid-journal.ts). */
  journalFile: string;
  links: VeniceLinks;
  catalog: (baseUrl: string) => Promise<Catalog>;
  close: () => Promise<void>;
}

export async function openSession(env: NodeJS.ProcessEnv = process.env): Promise<CliSession> {
  const dataDir = defaultDataDir(env);
  // The store gives each claim its lease length: a shortened lease (a test, a bench) must reach it, not only the engine.
  const opened: OpenedQueue = await openQueue({ dataDir, env, lease: engineOptionsFromEnv(env).lease });
  const links = new VeniceLinks({ dataDir, env });
  // Reading the key registers it with the redactor before any command talks to Venice or prints what it said.
  void links.secrets.getKey().catch(() => undefined);
  return {
    dataDir,
    queue: opened.queue,
    store: opened.local,
    journalFile: opened.journalFile,
    links,
    catalog: async (baseUrl) => {
      const link = await links.link(baseUrl);
      return new ModelCatalog(link.client, path.join(dataDir, 'cache')).load();
    },
    close: async () => {
      await links.close();
      await opened.queue.close();
    },
  };
}

/**
 * `openSession` for a render box: a machine that starts before the studio's database (a power cut, both booting)
 * waits for it, saying so once, instead of exiting; anything else (a wrong address, a newer schema) fails as usual.
 * Ctrl-C stops the wait.
 */
export async function openSessionWhenReachable(
  err: NodeJS.WritableStream,
  env: NodeJS.ProcessEnv = process.env,
  retryMs = Number(env.VENICE_BATCH_DB_RETRY_MS) || 5_000,
): Promise<CliSession> {
  let told = false;
  for (;;) {
    try {
      return await openSession(env);
    } catch (e) {
      if (!isStoreUnreachable(e)) throw e;
      if (!told) {
        const where = describePgUrl(studioQueueUrl(env.VENICE_BATCH_DB) ?? '');
        err.write(`The studio queue (${where}) cannot be reached yet: ${(e as Error).message}. Waiting for it, trying again every ${Math.round(retryMs / 1000)} s (Ctrl-C to stop).\n`);
        told = true;
      }
      await new Promise((r) => setTimeout(r, retryMs));
    }
  }
}
