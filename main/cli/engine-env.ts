/**
 * Engine settings a render box, a test or a bench may set from the environment, on top of the poll and hold
 * timings (timing.ts): how long a lease lasts (a dead machine's rows are taken over when it runs out), and how
 * many jobs may be in flight on Venice across the whole queue.
 */
import type { EngineOptions } from '../core/queue/engine';

export function engineOptionsFromEnv(env: NodeJS.ProcessEnv): Pick<EngineOptions, 'lease' | 'maxInFlight'> {
  const lease = Number(env.VENICE_BATCH_LEASE_MS);
  const inFlight = Number(env.VENICE_BATCH_MAX_IN_FLIGHT);
  return {
    // Renewed three times per lease, swept a little more often than renewed, like the defaults (40 s / 12 s / 10 s).
    ...(lease >= 1_000 ? { lease: { leaseMs: lease, renewMs: Math.round(lease * 0.3), sweepMs: Math.round(lease * 0.25) } } : {}),
    ...(Number.isInteger(inFlight) && inFlight > 0 ? { maxInFlight: inFlight } : {}),
  };
}
