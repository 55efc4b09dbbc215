/**
 * How every connection to the studio's PostgreSQL is made (the queue's pool, the Settings check, `studio import`):
 * the address as given, and, when it carries no password (as the README asks), PGPASSWORD or else the line of
 * ~/.pgpass (PGPASSFILE) that matches it, looked up by the `pgpass` module.
 *
 * Why here and not left to node-postgres: pg 8 still reads ~/.pgpass by itself but prints a deprecation warning on
 * every machine that does, and pg 9 stops reading it, which would lock every studio machine out on an upgrade.
 * node-postgres asks a password function only when the address has none; the address is parsed here because one
 * given whole overrides the function with its empty password.
 */
import type pg from 'pg';
import { parseIntoClientConfig } from 'pg-connection-string';
import pgpass from 'pgpass';

interface PasswordParams {
  host?: string | null;
  port?: number | string | null;
  database?: string | null;
  user?: string | null;
}

/** PGPASSWORD, else the matching line of the pgpass file; undefined when neither has one (the server may not ask). */
export function studioPassword(params: PasswordParams): Promise<string | undefined> {
  const fromEnv = process.env.PGPASSWORD;
  if (fromEnv) return Promise.resolve(fromEnv);
  return new Promise((resolve) => pgpass({ host: params.host ?? undefined, port: params.port ?? undefined, database: params.database ?? undefined, user: params.user ?? undefined }, resolve));
}

export function connectionConfig(address: string): pg.ClientConfig {
  const config = parseIntoClientConfig(address);
  if (config.password) return config;
  // node-postgres calls it with the connection's own parameters (the address's, with PGUSER, PGHOST... filled in),
  // and takes undefined as "no password"; its types know neither.
  const password = (params?: PasswordParams) => studioPassword(params ?? config) as Promise<string>;
  return { ...config, password };
}
