/** What every CLI command opens: the data folder's queue, the Venice endpoints, and the model catalog. */
import path from 'node:path';
import { defaultDataDir } from '../core/paths';
import { QueueStore } from '../core/queue/store';
import { ModelCatalog, type Catalog } from '../core/venice/catalog';
import { VeniceLinks } from '../core/services/venice-connection';

export interface CliSession {
  dataDir: string;
  store: QueueStore;
  links: VeniceLinks;
  catalog: (baseUrl: string) => Promise<Catalog>;
  close: () => Promise<void>;
}

export function openSession(env: NodeJS.ProcessEnv = process.env): CliSession {
  const dataDir = defaultDataDir(env);
  const store = new QueueStore(path.join(dataDir, 'queue.sqlite'));
  const links = new VeniceLinks({ dataDir, env });
  // Reading the key registers it with the redactor before any command talks to Venice or prints what it said.
  void links.secrets.getKey().catch(() => undefined);
  return {
    dataDir,
    store,
    links,
    catalog: async (baseUrl) => {
      const link = await links.link(baseUrl);
      return new ModelCatalog(link.client, path.join(dataDir, 'cache')).load();
    },
    close: async () => {
      await links.close();
      store.close();
    },
  };
}
