/**
 * A queue slot counts from the instant its request leaves, not from when the scheduler took it: a machine slowed in
 * between (a starved CPU, a busy database) would otherwise send later than the account's window counts it, and a
 * 41st call could land inside Venice's minute. Once answered, it moves again: the request has arrived by then. A
 * poll's slot moves once its answer comes, for the same reason. Real engine, real SQLite, the simulator over HTTP; the account
 * limiter is the local one, watched (and once, made to lose a slot) by a thin wrapper.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { LocalAccountLimiter, type Acquired, type SlotRef } from '../../main/core/queue/account-limiter';
import { RateLimiter, VENICE_LIMITS } from '../../main/core/queue/rate-limiter';
import { startHarness, type Harness } from '../support/engine-harness';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** The local limiter, recording what the engine asks of it; `loseNext` makes the next restamp find its slot gone. */
class WatchedLimiter extends LocalAccountLimiter {
  readonly restamped: SlotRef[] = [];
  queueSlots = 0;
  loseNext = false;
  refuseNextQueue = false;

  /** The next restamp finds its slot gone and the account's limiter (the studio database) cannot be reached. */
  unreachableNext = false;
  private failNextQueue = false;

  override async acquire(route: string): Promise<Acquired> {
    if (route === 'queue' && this.failNextQueue) {
      this.failNextQueue = false;
      throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    }
    if (route === 'queue' && this.refuseNextQueue) {
      this.refuseNextQueue = false;
      return { ok: false, waitMs: 300 };
    }
    const got = await super.acquire(route);
    if (route === 'queue' && got.ok) this.queueSlots++;
    return got;
  }

  override async restamp(slot: SlotRef): Promise<boolean> {
    this.restamped.push(slot);
    if (this.unreachableNext && slot.bucket === 'queue') {
      this.unreachableNext = false;
      this.failNextQueue = true;
      return false;
    }
    if (this.loseNext) {
      // As after a stall longer than the window: the slot aged out, and the window is full right now.
      this.loseNext = false;
      this.refuseNextQueue = true;
      return false;
    }
    return super.restamp(slot);
  }
}

describe('engine: the queue slot of a send', () => {
  it('moves every send’s slot to when it leaves, and never sends on a slot that left the window', async () => {
    const limiter = new WatchedLimiter(new RateLimiter(VENICE_LIMITS));
    limiter.loseNext = true;
    h = await startHarness({ engine: { accountLimiter: () => limiter } });
    const batchId = h.addBatch([{}, {}, {}], { concurrency: 3 });
    await h.engine.start();
    await h.engine.waitUntilSettled(batchId);

    // Every row done and charged once; the first send found its slot gone and the window full, so it was not sent
    // then: its attempt is closed as never sent, and the row went out later on a slot of its own.
    expect(h.store.listRows(batchId).map((r) => r.state)).toEqual(['done', 'done', 'done']);
    const charges = h.sim.ledger().filter((e) => e.kind === 'charge');
    expect(charges).toHaveLength(3);
    expect(h.sim.stats().requests.queue).toBe(3);
    const attempts = h.store.listRows(batchId).flatMap((r) => h!.store.listAttempts(r.id));
    const notSent = attempts.filter((a) => a.errorKind === 'not_sent');
    expect(notSent).toHaveLength(1);
    expect(notSent[0]).toMatchObject({ state: 'refused', charged: false, queueId: null });
    // Each sent request's slot moved twice (as it left, and once answered: Venice counts it from its arrival); the
    // lost one's once. Four slots were taken for the four sends the scheduler started.
    const queueStamps = limiter.restamped.filter((s) => s.bucket === 'queue');
    expect(queueStamps).toHaveLength(3 * 2 + 1);
    expect(limiter.queueSlots).toBe(4);
    // Each poll's slot moves once, when its answer came (Venice counted it by then).
    const retrieveStamps = limiter.restamped.filter((s) => s.bucket === 'retrieve');
    expect(retrieveStamps).toHaveLength(h.sim.stats().requests.retrieve);
    expect(new Set(retrieveStamps.map((s) => s.id)).size).toBe(retrieveStamps.length);
    expect(limiter.restamped).toHaveLength(queueStamps.length + retrieveStamps.length);
  });

  it('sends a row whose slot aged out while the limiter cannot be reached, instead of leaving it in doubt unsent', async () => {
    const limiter = new WatchedLimiter(new RateLimiter(VENICE_LIMITS));
    limiter.unreachableNext = true;
    h = await startHarness({ engine: { accountLimiter: () => limiter } });
    const batchId = h.addBatch([{}, {}], { concurrency: 2 });
    await h.engine.start();
    await h.engine.waitUntilSettled(batchId);
    // The first send could not get a fresh slot (the database away): it went out as the lost-slot path of a stalled
    // restamp does, and its answer was written as usual. Nothing is left "submitting" for a person to doubt.
    expect(h.store.listRows(batchId).map((r) => r.state)).toEqual(['done', 'done']);
    expect(h.sim.ledger().filter((e) => e.kind === 'charge')).toHaveLength(2);
    expect(h.sim.stats().requests.queue).toBe(2);
  });
});
