/**
 * The model catalog: fetched from Venice (ids and constraints change; nothing is hard-coded), cached on disk with
 * its age so the app starts offline and a quote screen opens instantly, refreshed when stale. A cache is kept per
 * base URL so Rehearsal (the simulator) and the real API never mix.
 */
import { createHash } from 'node:crypto';
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { VeniceClient } from './client';
import { isVeniceError } from './errors';
import { rulesFromModel, type ModelRules } from './model-rules';
import { ModelSchema, type VeniceModel } from './schemas';

export const DEFAULT_CATALOG_MAX_AGE_MS = 6 * 60 * 60 * 1000;

const CacheFileSchema = z.object({
  version: z.literal(1),
  baseUrl: z.string(),
  fetchedAt: z.number(),
  models: z.array(ModelSchema),
});

export interface Catalog {
  models: ModelRules[];
  byId: Map<string, ModelRules>;
  fetchedAt: number;
  ageMs: number;
  source: 'network' | 'cache';
  /** True when the cache is older than wanted because Venice could not be reached. */
  stale: boolean;
  /** A plain sentence for the UI when the list may be out of date. */
  warning: string | undefined;
}

export class ModelCatalog {
  constructor(
    private readonly client: Pick<VeniceClient, 'listModels' | 'baseUrl'>,
    private readonly cacheDir: string,
    private readonly maxAgeMs: number = DEFAULT_CATALOG_MAX_AGE_MS,
    private readonly now: () => number = Date.now,
  ) {}

  get cachePath(): string {
    const tag = createHash('sha256').update(this.client.baseUrl).digest('hex').slice(0, 12);
    return path.join(this.cacheDir, `models-${tag}.json`);
  }

  async load(opts: { refresh?: boolean } = {}): Promise<Catalog> {
    const cached = await this.readCache();
    const fresh = cached && this.now() - cached.fetchedAt < this.maxAgeMs;
    if (cached && fresh && !opts.refresh) return this.build(cached.models, cached.fetchedAt, 'cache', false);
    try {
      const list = await this.client.listModels();
      const fetchedAt = this.now();
      await this.writeCache(list.data, fetchedAt);
      return this.build(list.data, fetchedAt, 'network', false);
    } catch (e) {
      if (!cached) throw e;
      const why = isVeniceError(e) ? e.message : 'Venice could not be reached';
      return this.build(cached.models, cached.fetchedAt, 'cache', true, why);
    }
  }

  private build(models: VeniceModel[], fetchedAt: number, source: Catalog['source'], stale: boolean, why?: string): Catalog {
    const rules = models.map(rulesFromModel);
    const ageMs = Math.max(0, this.now() - fetchedAt);
    return {
      models: rules,
      byId: new Map(rules.map((r) => [r.id, r])),
      fetchedAt,
      ageMs,
      source,
      stale,
      warning: stale ? `Using the model list saved ${formatAge(ageMs)} ago (${why}).` : undefined,
    };
  }

  private async readCache(): Promise<z.infer<typeof CacheFileSchema> | undefined> {
    try {
      const parsed = CacheFileSchema.safeParse(JSON.parse(await readFile(this.cachePath, 'utf8')));
      return parsed.success && parsed.data.baseUrl === this.client.baseUrl ? parsed.data : undefined;
    } catch {
      return undefined; // missing or corrupt: fetch anew
    }
  }

  private async writeCache(models: VeniceModel[], fetchedAt: number): Promise<void> {
    await mkdir(this.cacheDir, { recursive: true });
    // Unique per write: two loads in one process (the page asks for models while an import prices rows) must not
    // rename each other's temp file away.
    const tmp = `${this.cachePath}.${process.pid}.${randomUUID()}.tmp`;
    await writeFile(tmp, JSON.stringify({ version: 1, baseUrl: this.client.baseUrl, fetchedAt, models }));
    await rename(tmp, this.cachePath);
  }
}

export function formatAge(ms: number): string {
  const min = Math.round(ms / 60_000);
  if (min < 1) return 'moments';
  if (min < 60) return `${min} min`;
  const h = Math.round(min / 60);
  if (h < 48) return `${h} h`;
  return `${Math.round(h / 24)} days`;
}
