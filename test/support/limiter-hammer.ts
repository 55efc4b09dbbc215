/**
 * One "machine" hammering the studio limiter: started as its own process by account-limiter.test.ts, it takes queue
 * slots as fast as the shared limiter allows until its time is up, then prints how many it got. Each process has
 * its own connection pool, as separate workstations would.
 */
import { PgQueueStore } from '../../main/core/queue/pg/pg-store';

async function main(): Promise<void> {
  const [url, account, windowMs, startAt, durationMs] = process.argv.slice(2);
  if (!url || !account || !windowMs || !startAt || !durationMs) throw new Error('usage: limiter-hammer URL ACCOUNT WINDOW_MS START_AT DURATION_MS');
  const store = await PgQueueStore.open(url, { poolSize: 1 });
  const limiter = store.accountLimiter(account, { windowMs: Number(windowMs) });
  await new Promise((r) => setTimeout(r, Math.max(0, Number(startAt) - Date.now())));
  const end = Date.now() + Number(durationMs);
  let taken = 0;
  let refused = 0;
  while (Date.now() < end) {
    const got = await limiter.acquire('queue');
    if (got.ok) taken++;
    else {
      refused++;
      // A real engine sleeps until the slot frees; hammering harder than that only tests the lock more.
      await new Promise((r) => setTimeout(r, Math.min(got.waitMs, 20)));
    }
  }
  await store.close();
  process.stdout.write(`${JSON.stringify({ taken, refused })}\n`);
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack}\n`);
  process.exit(1);
});
