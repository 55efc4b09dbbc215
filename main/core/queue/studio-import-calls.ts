/**
 * The last minute of this machine's calls to Venice, carried into the studio's account limiter with its queue: the
 * local limiter's windows live in the local queue file (request_log), and a studio machine picking up the moved
 * rows right after the import must count them, or together they could pass 40 queue calls in a minute.
 *
 * Accounts are named as the engine names them (accountIdFor: a hash of the endpoint and the key), so the key is only
 * hashed here, never stored. Times move to the database's clock, the one every machine's limiter reads.
 */
import type pg from 'pg';
import { ACCOUNT_WINDOW_MS, accountIdFor } from './account-limiter';
import type { Db } from './db';
import { routeBucket } from './rate-limiter';
import type { SqlRow } from './store-records';

/** Inserts the recent calls as slots (and failed answers as errors too); returns how many calls were carried. */
export async function copyRecentCalls(db: Db, q: pg.ClientBase, apiKey: string | undefined, localNow: number = Date.now()): Promise<number> {
  if (!apiKey) return 0;
  const recent = db.prepare('SELECT at, base_url, route, ok FROM request_log WHERE at > ? ORDER BY at').all(localNow - ACCOUNT_WINDOW_MS) as SqlRow[];
  if (recent.length === 0) return 0;
  const dbNow = Number(((await q.query('SELECT vb_now_ms() AS t')).rows[0] as SqlRow).t);
  const shift = dbNow - localNow;
  for (const c of recent) {
    const account = accountIdFor(String(c.base_url), apiKey);
    const at = Number(c.at) + shift;
    const route = routeBucket(String(c.route));
    await q.query("INSERT INTO venice_calls (account, route, kind, at) VALUES ($1, $2, 'slot', $3)", [account, route, at]);
    if (Number(c.ok) !== 1) await q.query("INSERT INTO venice_calls (account, route, kind, at) VALUES ($1, $2, 'error', $3)", [account, route, at]);
  }
  return recent.length;
}
