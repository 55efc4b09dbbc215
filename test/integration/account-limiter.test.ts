/**
 * The account limiter behind one interface: the local one (today's RateLimiter) and the studio one (a table in a
 * real PostgreSQL). The same rules for both; then the point of the studio one: several processes hammering it
 * together never send more than the account allows in any window.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountIdFor, LocalAccountLimiter, type AccountLimiter } from '../../main/core/queue/account-limiter';
import { PgQueueStore } from '../../main/core/queue/pg/pg-store';
import { RateLimiter, VENICE_LIMITS } from '../../main/core/queue/rate-limiter';
import { startPostgres, type TestPostgres } from '../support/postgres';

let server: TestPostgres;
const stores: PgQueueStore[] = [];
beforeAll(async () => {
  server = await startPostgres();
}, 120_000);
afterAll(async () => {
  for (const s of stores) await s.close().catch(() => {});
  await server?.stop();
});

async function studio(url?: string): Promise<PgQueueStore> {
  const s = await PgQueueStore.open(url ?? (await server.newDatabase()));
  stores.push(s);
  return s;
}

const kinds: Array<{ name: string; make: () => Promise<AccountLimiter> }> = [
  { name: 'local', make: async () => new LocalAccountLimiter(new RateLimiter(VENICE_LIMITS)) },
  { name: 'postgres', make: async () => (await studio()).accountLimiter(accountIdFor('https://api.venice.ai/api/v1', 'key-1')) },
];

describe.each(kinds)('account limiter: $name', ({ make }) => {
  it('lets 40 queue calls through in a window and holds the 41st for most of a minute', async () => {
    const l = await make();
    expect(await l.freeInMs('queue')).toBe(0);
    for (let i = 0; i < 40; i++) expect(await l.acquire('queue')).toMatchObject({ ok: true });
    // Asked without taking: the same wait the 41st acquire gets.
    const free = await l.freeInMs('queue');
    expect(free).toBeGreaterThan(50_000);
    expect(free).toBeLessThanOrEqual(61_000);
    const held = await l.acquire('queue');
    expect(held.ok).toBe(false);
    if (!held.ok) {
      expect(held.waitMs).toBeGreaterThan(50_000);
      expect(held.waitMs).toBeLessThanOrEqual(61_000);
    }
    // Retrieve has its own 120, with /video/complete counted in it.
    for (let i = 0; i < 119; i++) expect((await l.acquire('retrieve')).ok).toBe(true);
    expect((await l.acquire('complete')).ok).toBe(true);
    expect((await l.acquire('retrieve')).ok).toBe(false);
    expect(await l.usage()).toMatchObject({ queue: { used: 40, limit: 40 }, retrieve: { used: 120, limit: 120 }, recentErrors: 0 });
  });

  it('stops every route at the error budget, long before Venice would lock the key', async () => {
    const l = await make();
    expect((await l.acquire('retrieve')).ok).toBe(true);
    for (let i = 0; i < VENICE_LIMITS.errorBudget; i++) await l.recordError('retrieve');
    for (const route of ['queue', 'retrieve', 'other']) {
      const got = await l.acquire(route);
      expect(got.ok).toBe(false);
      if (!got.ok) expect(got.waitMs).toBeLessThanOrEqual(VENICE_LIMITS.errorWindowMs);
    }
    expect((await l.usage()).recentErrors).toBe(VENICE_LIMITS.errorBudget);
  });

  it('moves a slot to the instant its request leaves, without taking a second one', async () => {
    const l = await make();
    const first = await l.acquire('queue');
    if (!first.ok) throw new Error('the first slot was refused');
    // The machine is slow between taking the slot and sending: the other 39 slots are taken meanwhile.
    await new Promise((r) => setTimeout(r, 500));
    for (let i = 0; i < 39; i++) expect((await l.acquire('queue')).ok).toBe(true);
    const before = await l.acquire('queue');
    expect(await l.restamp(first.slot)).toBe(true);
    const after = await l.acquire('queue');
    expect((await l.usage()).queue.used).toBe(40);
    // The window now opens when the second slot ages out, ~500 ms later than the first would have.
    if (before.ok || after.ok) throw new Error('a 41st slot was granted');
    expect(after.waitMs - before.waitMs).toBeGreaterThan(250);
    // A slot unknown to the window (or gone from it) cannot be moved: the caller takes a new one.
    expect(await l.restamp({ bucket: 'queue', id: 123_456_789 })).toBe(false);
  });

  it("obeys a 429's reset time on its route only", async () => {
    const l = await make();
    // The test server runs on this machine, so its clock is this one's.
    await l.blockUntil('queue', Date.now() + 5_000);
    const got = await l.acquire('queue');
    expect(got.ok).toBe(false);
    if (!got.ok) expect(got.waitMs).toBeLessThanOrEqual(5_000);
    expect((await l.acquire('retrieve')).ok).toBe(true);
  });
});

describe('account limiter: postgres, many machines', () => {
  it('shares one window between machines of the same account, and none with another account', async () => {
    const url = await server.newDatabase();
    const [a, b] = [await studio(url), await studio(url)];
    const account = accountIdFor('https://api.venice.ai/api/v1', 'key-1');
    const la = a.accountLimiter(account);
    const lb = b.accountLimiter(account);
    let granted = 0;
    for (let i = 0; i < 25; i++) {
      const [x, y] = await Promise.all([la.acquire('queue'), lb.acquire('queue')]);
      granted += Number(x.ok) + Number(y.ok);
    }
    expect(granted).toBe(40);
    expect((await a.accountLimiter(accountIdFor('https://api.venice.ai/api/v1', 'key-2')).acquire('queue')).ok).toBe(true);
    expect((await lb.usage()).queue.used).toBe(40);
  });

  it('never lets four hammering processes past 40 queue calls in any window', async () => {
    const url = await server.newDatabase();
    await studio(url); // creates the schema once, before the machines start
    const account = accountIdFor('https://api.venice.ai/api/v1', 'key-hammer');
    const windowMs = 2_000;
    const durationMs = 6_000;
    const startAt = Date.now() + 1_500;
    const script = path.join(__dirname, '..', 'support', 'limiter-hammer.ts');
    const runs = Array.from({ length: 4 }, () =>
      new Promise<{ taken: number; refused: number }>((resolve, reject) => {
        const child = spawn(process.execPath, ['--import', 'tsx', script, url, account, String(windowMs), String(startAt), String(durationMs)], {
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let out = '';
        let err = '';
        child.stdout.on('data', (d: Buffer) => (out += d.toString()));
        child.stderr.on('data', (d: Buffer) => (err += d.toString()));
        child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`hammer exited ${code}: ${err}`))));
      }),
    );
    const results = await Promise.all(runs);
    const taken = results.reduce((n, r) => n + r.taken, 0);

    // Every slot the processes took, by the database clock: no sliding window may hold more than 40.
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    const slots = (
      await c.query(`SELECT at FROM venice_batch.venice_calls WHERE account = $1 AND kind = 'slot' AND route = 'queue' ORDER BY at`, [account])
    ).rows.map((r) => Number(r.at));
    await c.end();
    expect(slots).toHaveLength(taken);
    let maxInWindow = 0;
    for (let i = 0, j = 0; i < slots.length; i++) {
      while ((slots[j] as number) <= (slots[i] as number) - windowMs) j++;
      maxInWindow = Math.max(maxInWindow, i - j + 1);
    }
    expect(maxInWindow).toBeLessThanOrEqual(40);
    // And the account's allowance is used, not wasted: close to 40 per window over the run.
    expect(taken).toBeGreaterThanOrEqual(80);
    const spanMs = (slots.at(-1) as number) - (slots[0] as number);
    expect(taken).toBeLessThanOrEqual(40 * Math.ceil((spanMs + 1) / windowMs));
    // Every process got some: nobody starved.
    expect(results.every((r) => r.taken > 0 && r.refused > 0)).toBe(true);
  }, 60_000);
});
