/** `cliEngine` is the one engine `run` and `work` make: on the session's queue, with the environment's settings. */
import { Engine } from '../core/queue/engine';
import { timingsFromEnv } from '../core/queue/timing';
import { engineOptionsFromEnv } from './engine-env';
import type { CliSession } from './session';

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
