/**
 * Opens the endpoints batches run against: the real Venice API (key from the keychain or VENICE_API_KEY, base URL
 * from VENICE_BASE_URL when a batch is created), or, for Rehearsal, the product's own simulator started in this
 * process, its ledger and jobs kept in the data folder so a restart picks up where it stopped. A batch remembers
 * its endpoint, so a Rehearsal batch never touches the real account and a real one never polls the simulator.
 */
import path from 'node:path';
import type { VeniceLink } from '../queue/engine-context';
import { SecretStore } from '../secrets/secret-store';
import { DEFAULT_BASE_URL, VeniceClient, type VeniceClientOptions } from '../venice/client';
import { startSimulator, type Simulator } from '../venice/simulator';

/** Recorded as a batch's base URL when it runs in Rehearsal: the simulator's port changes from run to run. */
export const REHEARSAL_BASE_URL = 'rehearsal:';
export const REHEARSAL_KEY = 'rehearsal-key';

export interface LinksOptions {
  dataDir: string;
  env?: NodeJS.ProcessEnv;
  secrets?: SecretStore;
  onMeta?: VeniceClientOptions['onMeta'];
  /** Rehearsal only: how long the simulator takes per clip. */
  rehearsalProcessingMs?: number;
}

export interface OpenLink extends VeniceLink {
  client: VeniceClient;
}

export class VeniceLinks {
  private readonly open = new Map<string, Promise<OpenLink>>();
  private simulator: Simulator | undefined;
  private readonly env: NodeJS.ProcessEnv;
  readonly secrets: SecretStore;

  constructor(private readonly opts: LinksOptions) {
    this.env = opts.env ?? process.env;
    this.secrets = opts.secrets ?? new SecretStore(this.env);
  }

  /** The endpoint new batches are created against. */
  baseUrlFor(rehearsal: boolean): string {
    return rehearsal ? REHEARSAL_BASE_URL : (this.env.VENICE_BASE_URL || DEFAULT_BASE_URL).replace(/\/+$/, '');
  }

  link(baseUrl: string): Promise<OpenLink> {
    let p = this.open.get(baseUrl);
    if (!p) {
      p = baseUrl === REHEARSAL_BASE_URL ? this.openRehearsal() : Promise.resolve(this.openReal(baseUrl));
      p.catch(() => this.open.delete(baseUrl));
      this.open.set(baseUrl, p);
    }
    return p;
  }

  /** The Rehearsal simulator, when one was started (its ledger is what Rehearsal "spent"). */
  get rehearsalSimulator(): Simulator | undefined {
    return this.simulator;
  }

  async close(): Promise<void> {
    await this.simulator?.close();
    this.simulator = undefined;
    this.open.clear();
  }

  private openReal(baseUrl: string): OpenLink {
    const apiKey = () => this.secrets.getKey();
    return { client: new VeniceClient({ baseUrl, apiKey, onMeta: this.opts.onMeta }), apiKey };
  }

  private async openRehearsal(): Promise<OpenLink> {
    const dir = path.join(this.opts.dataDir, 'rehearsal');
    this.simulator = await startSimulator({
      apiKeys: [REHEARSAL_KEY],
      balanceUsd: 100,
      processingMs: this.opts.rehearsalProcessingMs ?? Number(this.env.VENICE_BATCH_REHEARSAL_MS ?? 4_000),
      statePath: path.join(dir, 'simulator-state.json'),
      workDir: path.join(dir, 'media'),
    });
    const apiKey = async () => REHEARSAL_KEY;
    return { client: new VeniceClient({ baseUrl: this.simulator.url, apiKey, onMeta: this.opts.onMeta }), apiKey };
  }
}
