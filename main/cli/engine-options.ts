/**
 * Engine settings a render box, a test or a bench may set from the environment, on top of the poll and hold
 * timings (timing.ts): how long a lease lasts (a dead machine's rows are taken over when it runs out), and how
 * many jobs may be in flight on Venice across the whole queue. `cliEngine` is the one engine `run` and `work` make.
 */
import { Engine, type EngineOptions } from '../core/queue/engine';
import { timingsFromEnv } from '../core/queue/timing';
import type { CliSession } from './session';

export function engineOptionsFromEnv(env: NodeJS.ProcessEnv): Pick<EngineOptions, 'lease' | 'maxInFlight'> {
  const lease = Number(env.VENICE_BATCH_LEASE_MS);
  const inFlight = Number(env.VENICE_BATCH_MAX_IN_FLIGHT);
  return {
    // Renewed three times per lease, swept a little more often than renewed, like the defaults (40 s / 12 s / 10 s).
    ...(lease >= 1_000 ? { lease: { leaseMs: lease, renewMs: Math.round(lease * 0.3), sweepMs: Math.round(lease * 0.25) } } : {}),
    ...(Number.isInteger(inFlight) && inFlight > 0 ? { maxInFlight: inFlight } : {}),
  };
}

/** The engine of a CLI command, on the session's queue (local or studio), with the environment's timings. */
export function cliEngine(session: CliSession, role: string, env: NodeJS.ProcessEnv = process.env): Engine {
  return new Engine({
    store: session.queue,
    connect: (baseUrl) => session.links.link(baseUrl),
    role,
    journalFile: session.journalFile,
    ...timingsFromEnv(env),
    ...engineOptionsFromEnv(env),
  });
}

/** Which queue a command works on, for the first line it prints (the address never shows its password). */
export function queueLine(session: CliSession): string {
  return session.queue.kind === 'postgres' ? `Working on the studio queue: ${session.queue.describe()}` : `Working on this machine's queue: ${session.queue.describe()}`;
}
