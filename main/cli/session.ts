/**
 * What every CLI command opens: the queue (the data folder's own SQLite file, or the studio's PostgreSQL when
 * VENICE_BATCH_DB names one), the Venice endpoints, and the model catalog.
 */
import path from 'node:path';
import { defaultDataDir } from '../core/paths';
import { engineOptionsFromEnv } from './engine-env';
import { openQueue, type OpenedQueue } from '../core/queue/open-queue';
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
