/**
 * Settings > Studio queue: what the app is on now, what it will be on after a restart, and saving a new address
 * only once a real connection to it has worked.
 *
 * The setting never holds a password (app-settings.ts refuses one: it stays in ~/.pgpass or PGPASSWORD on each
 * machine). VENICE_BATCH_DB may carry one; the window sees it masked. The queue is opened when the app starts, so a
 * change "takes effect when the app restarts", and VENICE_BATCH_DB, when set, wins over the setting.
 */
import pg from 'pg';
import { connectionConfig } from '../queue/pg/connection-config';
import { studioQueueUrl } from '../queue/open-queue';
import { describePgUrl } from '../queue/pg/pg-store';
import { maskStudioUrl } from '../queue/studio-address';
import { registerSecret } from '../venice/redact';
import type { AppInfo } from './app-services';
import { UserError } from './app-errors';
import type { Settings, SettingsPatch } from './app-settings';

export interface StudioQueueView {
  /** The queue the app works on right now. */
  on: AppInfo['queue'];
  /** VENICE_BATCH_DB (password masked) when set: it overrides the setting. */
  environment: string | null;
  /** The saved setting (never has a password). */
  setting: string | null;
  /** What the app would open if it started now differs from what it has open. */
  restartNeeded: boolean;
}

/** What the studio-queue part of the app needs: its queue info, its settings and its environment. */
export interface StudioQueueHost {
  info(): Pick<AppInfo, 'queue'>;
  getSettings(): Settings;
  setSettings(patch: SettingsPatch): Promise<Settings>;
  readonly opts: { env?: NodeJS.ProcessEnv };
}

function envUrl(host: StudioQueueHost): string | undefined {
  const raw = (host.opts.env ?? process.env).VENICE_BATCH_DB?.trim();
  if (!raw) return undefined;
  try {
    // Whatever else prints this address's password, the scrubber on everything leaving main now knows it.
    registerSecret(decodeURIComponent(new URL(raw).password) || undefined);
  } catch {
    // Unreadable: nothing to register (and the app is on its own queue, saying why).
  }
  return raw;
}

export function studioQueueView(host: StudioQueueHost): StudioQueueView {
  const on = host.info().queue;
  const env = envUrl(host);
  const setting = host.getSettings().studioQueue;
  let next: string | undefined;
  try {
    next = studioQueueUrl(env) ?? studioQueueUrl(setting);
  } catch {
    next = undefined; // an unreadable VENICE_BATCH_DB: the app is on its own queue, and says why (on.problem)
  }
  const restartNeeded = next ? on.kind !== 'studio' || on.description !== describePgUrl(next) : on.kind !== 'local';
  return { on, environment: maskStudioUrl(env), setting, restartNeeded };
}

const CONNECT_TIMEOUT_MS = 8_000;

/** A refused connection in words a person can act on; never the address's password (the setting has none). */
function connectionProblem(e: unknown, url: URL): string {
  const err = e as { code?: string; message?: string };
  const where = `${url.hostname}:${url.port || '5432'}`;
  const db = decodeURIComponent(url.pathname.slice(1));
  switch (err.code) {
    case 'ECONNREFUSED':
      return `Nothing answers at ${where}: is PostgreSQL running there, and listening on the network (listen_addresses)?`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `No computer named ${url.hostname} was found: check the host name.`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `${where} cannot be reached from this computer: check the network.`;
    case '28P01':
      return `PostgreSQL at ${where} refused the user name or password. Put the password in ~/.pgpass (or PGPASSWORD) on this computer.`;
    case '28000':
      return `PostgreSQL at ${where} does not let this computer in: add a line for it to pg_hba.conf on the server.`;
    case '3D000':
      return `There is no database "${db}" at ${where}: create it first (createdb ${db}).`;
    default:
      break;
  }
  const message = String(err.message ?? e);
  if (/timeout/i.test(message)) return `${where} did not answer within ${CONNECT_TIMEOUT_MS / 1000} s: check the host, the port and any firewall.`;
  if (/password must be a string|SASL|password authentication/i.test(message)) {
    return `PostgreSQL at ${where} asks for a password: put it in ~/.pgpass (or PGPASSWORD) on this computer.`;
  }
  return `Could not connect to ${where}: ${message.split(url.toString()).join('the address')}`;
}

/** Connects for real (and asks the server its version); throws UserError saying what is wrong. */
export async function checkStudioQueue(address: string): Promise<void> {
  const url = new URL(address);
  const client = new pg.Client({ ...connectionConfig(address), connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  // A server that drops the connection later must not crash the app.
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (e) {
    throw new UserError('invalid', connectionProblem(e, url));
  } finally {
    await client.end().catch(() => {});
  }
}

/** Saves the studio queue's address (null: this computer's own queue), after connecting to it once. */
export async function setStudioQueue(host: StudioQueueHost, url: string | null): Promise<StudioQueueView> {
  if (url !== null) await checkStudioQueue(url);
  await host.setSettings({ studioQueue: url });
  return studioQueueView(host);
}
