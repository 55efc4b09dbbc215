/**
 * One machine of the studio bench, as its own process: the product's Engine on its own PgQueueStore (own connection
 * pool) against the shared PostgreSQL and the one simulator, with every limit and time divided by the bench's
 * scale. Times each claim the engine makes, and reports them when told to stop.
 *
 * Protocol (IPC): the child sends {type:'ready'} once its engine runs; the parent sends {type:'stop'}; the child
 * stops its engine (work under way finishes), sends {type:'report', ...} and exits.
 */
import { performance } from 'node:perf_hooks';
import { ACCOUNT_WINDOW_MS, accountIdFor } from '../main/core/queue/account-limiter';
import { Engine } from '../main/core/queue/engine';
import type { EngineEvent } from '../main/core/queue/engine-context';
import { PgQueueStore } from '../main/core/queue/pg/pg-store';
import { VENICE_LIMITS, type RateLimits } from '../main/core/queue/rate-limiter';
import type { QueueStoreApi } from '../main/core/queue/store-api';
import { DEFAULT_POLL_POLICY } from '../main/core/queue/timing';
import { VeniceClient } from '../main/core/venice/client';

export interface StudioWorkerConfig {
  index: number;
  dbUrl: string;
  apiKey: string;
  /** Every limit window and every time of the engine is divided by this. */
  scale: number;
  maxInFlight: number;
  journalFile: string;
}

export interface ClaimTiming {
  method: string;
  ms: number;
  rows: number;
}

export interface StudioWorkerReport {
  type: 'report';
  index: number;
  claims: ClaimTiming[];
  notices: string[];
}

/** The store, with every claim* call timed (the engine cannot tell it from the store itself). */
function timedClaims(store: PgQueueStore, out: ClaimTiming[]): QueueStoreApi {
  return new Proxy(store, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop, target);
      if (typeof value !== 'function') return value;
      const fn = value as (...a: unknown[]) => unknown;
      if (typeof prop !== 'string' || !prop.startsWith('claim')) return fn.bind(target);
      return async (...args: unknown[]) => {
        const t0 = performance.now();
        const r = await fn.apply(target, args);
        const rows = Array.isArray(r) ? r.length : ((r as { claimed?: unknown[] }).claimed?.length ?? 0);
        out.push({ method: prop, ms: performance.now() - t0, rows });
        return r;
      };
    },
  });
}

async function main(): Promise<void> {
  const cfg = JSON.parse(process.argv[2] ?? '') as StudioWorkerConfig;
  const s = cfg.scale;
  const store = await PgQueueStore.open(cfg.dbUrl);
  const claims: ClaimTiming[] = [];
  const notices: string[] = [];
  const limits: RateLimits = { ...VENICE_LIMITS, errorWindowMs: VENICE_LIMITS.errorWindowMs / s };
  const apiKey = async () => cfg.apiKey;
  // VENICE_BATCH_STUDIO_TRACE=1 prints every engine event with a timestamp (diagnosing a slow run).
  const trace = process.env.VENICE_BATCH_STUDIO_TRACE === '1';
  const engine = new Engine({
    store: timedClaims(store, claims),
    connect: async (baseUrl) => ({ client: new VeniceClient({ baseUrl, apiKey }), apiKey }),
    role: `studio-bench-${cfg.index}`,
    journalFile: cfg.journalFile,
    limits,
    // The account's shared windows in the database, a scaled minute long (61 s / scale, as the engine's 61 s).
    accountLimiter: (baseUrl, key) => store.accountLimiter(accountIdFor(baseUrl, key ?? ''), { limits, windowMs: ACCOUNT_WINDOW_MS / s }),
    pollPolicy: { floorMs: DEFAULT_POLL_POLICY.floorMs / s, ceilingMs: DEFAULT_POLL_POLICY.ceilingMs / s },
    pollPriceEveryMs: 5_000 / s,
    tickMs: Math.max(20, 250 / s),
    retryBaseMs: 2_000 / s,
    processingLimits: { minMs: (30 * 60_000) / s, maxMs: (6 * 3_600_000) / s },
    maxInFlight: cfg.maxInFlight,
    onEvent: (e: EngineEvent) => {
      if (trace) process.stderr.write(`w${cfg.index} ${Date.now() % 1_000_000} ${JSON.stringify(e)}\n`);
      if (e.type === 'notice' && e.level !== 'info') notices.push(`${e.level}: ${e.message}`);
    },
  });
  await engine.start();
  process.send?.({ type: 'ready', index: cfg.index });
  process.on('message', (m: { type?: string }) => {
    if (m.type !== 'stop') return;
    void (async () => {
      await engine.stop();
      await store.close();
      const report: StudioWorkerReport = { type: 'report', index: cfg.index, claims, notices: notices.slice(0, 20) };
      process.send?.(report, () => process.exit(0));
    })();
  });
  // The parent gone (Ctrl-C, a crash): nothing to report to.
  process.on('disconnect', () => process.exit(0));
}

main().catch((e: unknown) => {
  process.stderr.write(`studio worker: ${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
