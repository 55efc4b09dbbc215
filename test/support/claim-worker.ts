/**
 * One machine of the studio queue, as its own process (pg-store.test.ts starts several): claims due polls, does a
 * guarded write on each (the poll's bookkeeping) and gives the row back due again a little later, until told to
 * stop. Prints what it did and how long its claims took.
 */
import { LeaseLostError } from '../../main/core/queue/store-api';
import { PgQueueStore } from '../../main/core/queue/pg/pg-store';

async function main(): Promise<void> {
  const [url, durationMs] = process.argv.slice(2);
  if (!url || !durationMs) throw new Error('usage: claim-worker URL DURATION_MS');
  const store = await PgQueueStore.open(url, { poolSize: 2 });
  const me = await store.registerWorker('claim-test');
  const end = Date.now() + Number(durationMs);
  let ops = 0;
  let lost = 0;
  const claimMs: number[] = [];
  while (Date.now() < end) {
    const t0 = performance.now();
    const claims = await store.claimPolls(me.id, { limit: 5 });
    claimMs.push(performance.now() - t0);
    if (!claims.length) {
      await new Promise((r) => setTimeout(r, 10));
      continue;
    }
    for (const c of claims) {
      try {
        const attemptId = c.row.currentAttemptId as number;
        const attempt = await store.getAttempt(attemptId);
        await store.tx(async (t) => {
          await t.patchAttempt(attemptId, { polls: (attempt?.polls ?? 0) + 1 }, { lease: c.lease });
          await t.transitionRow(c.row.id, c.row.state, 'processing', { nextActionAt: store.now() + 50 }, { lease: c.lease, release: true });
        });
        ops++;
      } catch (e) {
        if (e instanceof LeaseLostError) lost++;
        else throw e;
      }
    }
  }
  await store.unregisterWorker(me.id);
  await store.close();
  claimMs.sort((a, b) => a - b);
  const p95 = claimMs[Math.floor(claimMs.length * 0.95)] ?? 0;
  process.stdout.write(`${JSON.stringify({ ops, lost, claims: claimMs.length, p95ClaimMs: p95 })}\n`);
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack}\n`);
  process.exit(1);
});
