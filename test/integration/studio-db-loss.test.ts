/**
 * The studio queue's PostgreSQL goes away under a running engine (a real server, stopped and started again on the
 * same data folder and port), with a real simulator over HTTP and a real paid journal on disk:
 *   - work on this machine waits, says why, sends nothing to /video/queue meanwhile, and carries on when it is back;
 *   - a /video/queue answer that arrives while the database is away is kept in the journal (no link in clear) and
 *     written to its row as soon as the database answers: the row keeps that queue_id, nothing is paid twice.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../main/core/queue/engine';
import type { EngineEvent } from '../../main/core/queue/engine-events';
import { PaidJournal } from '../../main/core/queue/paid-journal';
import { LATE_ANSWER_NOTE } from '../../main/core/queue/pg/paid-answer';
import { isStoreUnreachable } from '../../main/core/queue/pg/pg-errors';
import { PgQueueStore } from '../../main/core/queue/pg/pg-store';
import type { ClaimedRow, LeaseTiming, QueueStoreApi } from '../../main/core/queue/store-api';
import type { BatchRecord, NewRow } from '../../main/core/queue/types';
import { VeniceClient } from '../../main/core/venice/client';
import { startSimulator, type Simulator } from '../../main/core/venice/simulator';
import { seededRng } from '../../main/core/venice/simulator/random';
import { FAST_MODEL, SIM_KEY, until } from '../support/engine-harness';
import { startPostgres, type TestPostgres } from '../support/postgres';

/** Short leases, renewed and swept often (the CLI's VENICE_BATCH_LEASE_MS=3000 gives the same), so the test is quick. */
const LEASE: LeaseTiming = { leaseMs: 3_000, renewMs: 900, sweepMs: 750 };
const ROWS = 6;
/** Generous bounds for conditions that normally hold within a second or two. */
const BOUND_MS = 30_000;

type QueueArgs = Parameters<VeniceClient['queue']>;
type QueueAnswer = Awaited<ReturnType<VeniceClient['queue']>>;

/**
 * The real client; one chosen /video/queue answer, already paid on the simulator, is held back until the test lets
 * it go (as a slow network would hold it), so that the database can be stopped while it is in flight.
 */
class HeldAnswerClient extends VeniceClient {
  private holdIf: ((req: QueueArgs[0]) => boolean) | undefined;
  private release: (() => void) | undefined;
  held: { queueId: string; prompt: string; downloadUrl: string | undefined } | undefined;

  /** Holds the answer of the first queue call from now on whose request matches. */
  holdFirst(match: (req: QueueArgs[0]) => boolean): void {
    this.holdIf = match;
  }

  letGo(): void {
    this.release?.();
  }

  override async queue(...args: QueueArgs): Promise<QueueAnswer> {
    const answer = await super.queue(...args);
    if (this.holdIf?.(args[0])) {
      this.holdIf = undefined;
      const gate = new Promise<void>((resolve) => (this.release = resolve));
      this.held = { queueId: answer.queueId, prompt: args[0].prompt, downloadUrl: answer.downloadUrl };
      await gate;
    }
    return answer;
  }
}

type ClaimCall = 'claimPolls' | 'claimSubmissions';

/**
 * The real store, except that when armed, the database goes away just after the named claim has answered with
 * rows: the claim is committed, and the engine holds leases it cannot yet use.
 */
function pausingAfterClaim(store: PgQueueStore, arm: { call: ClaimCall | undefined; fired: boolean }): QueueStoreApi {
  return new Proxy(store, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop, target);
      if (typeof value !== 'function') return value;
      const fn = (value as (...a: unknown[]) => unknown).bind(target);
      if (prop !== 'claimPolls' && prop !== 'claimSubmissions') return fn;
      return async (...args: unknown[]) => {
        const r = (await fn(...args)) as ClaimedRow[] | { claimed: ClaimedRow[] };
        const rows = Array.isArray(r) ? r : r.claimed;
        if (arm.call === prop && rows.length > 0) {
          arm.call = undefined;
          await server.pause();
          arm.fired = true;
        }
        return r;
      };
    },
  });
}

interface Rig {
  sim: Simulator;
  store: PgQueueStore;
  /** Arms a loss of the database right after a claim (see pausingAfterClaim). */
  pauseAfter: { call: ClaimCall | undefined; fired: boolean };
  client: HeldAnswerClient;
  engine: Engine;
  journal: PaidJournal;
  events: Array<EngineEvent & { at: number }>;
  batch: BatchRecord;
}

let server: TestPostgres;
const dirs: string[] = [];
let rig: Rig | undefined;

beforeAll(async () => {
  server = await startPostgres();
}, 120_000);

afterEach(async () => {
  // A failed test may leave the server paused: the engine can only stop cleanly against a database that answers.
  await server.resume();
  if (!rig) return;
  await rig.engine.stop().catch(() => undefined);
  await rig.store.close().catch(() => undefined);
  await rig.sim.close();
  rig = undefined;
});

afterAll(async () => {
  await server?.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A model whose answer carries a pre-signed download link (a credential: never on disk in clear). */
const PRIVATE_MODEL = 'sim-sora-2-private-text-to-video';

async function startRig(opts: { concurrency: number; privateRows?: number[] }): Promise<Rig> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vb-db-loss-'));
  dirs.push(dir);
  const sim = await startSimulator({ processingMs: 600, seed: 7 });
  const store = await PgQueueStore.open(await server.newDatabase('dbloss'), { lease: LEASE });
  const apiKey = async () => SIM_KEY;
  const client = new HeldAnswerClient({ baseUrl: sim.url, apiKey, timeouts: { connectMs: 2_000, responseMs: 3_000, queueResponseMs: 3_000, idleMs: 3_000 } });
  const journalFile = path.join(dir, 'data', 'paid-journal.jsonl');
  const events: Rig['events'] = [];
  const pauseAfter: Rig['pauseAfter'] = { call: undefined, fired: false };
  const engine = new Engine({
    store: pausingAfterClaim(store, pauseAfter),
    connect: async () => ({ client, apiKey }),
    journalFile,
    lease: LEASE,
    pollPolicy: { floorMs: 150, ceilingMs: 1_000 },
    tickMs: 50,
    retryBaseMs: 200,
    random: seededRng(11),
    onEvent: (e) => {
      events.push({ ...e, at: Date.now() });
      // VENICE_BATCH_STUDIO_TRACE=1 prints every engine event (diagnosing a run that does not finish).
      if (process.env.VENICE_BATCH_STUDIO_TRACE === '1') process.stderr.write(`${Date.now() % 1_000_000} ${JSON.stringify(e)}\n`);
    },
  });
  const batchId = await store.createBatch(
    {
      name: 'db loss',
      settings: { concurrency: opts.concurrency },
      outputDir: path.join(dir, 'clips'),
      nameTemplate: '{row}',
      budgetUsd: null,
      baseUrl: sim.url,
    },
    Array.from(
      { length: ROWS },
      (_, i): NewRow => ({
        rowIndex: i + 1,
        name: null,
        params: opts.privateRows?.includes(i + 1)
          ? { model: PRIVATE_MODEL, prompt: `Shot ${i + 1}: a harbour at night`, duration: '4s', resolution: '480p', aspect_ratio: '16:9' }
          : { model: FAST_MODEL, prompt: `Shot ${i + 1}: a harbour at night`, duration: '1s', resolution: '480p', audio: false },
        quoteUsd: 0.01,
      }),
    ),
  );
  const batch = (await store.getBatch(batchId))!;
  return { sim, store, pauseAfter, client, engine, journal: new PaidJournal(journalFile), events, batch };
}

const holdEvents = (r: Rig, active: boolean) => r.events.filter((e) => e.type === 'hold' && e.cause === 'queue_offline' && e.active === active);

/** /video/queue requests that reached the simulator in [from, to). */
const queueRequestsBetween = (r: Rig, from: number, to: number) => r.sim.exchanges().filter((x) => x.route === 'queue' && x.at >= from && x.at < to);

/** Row 3 (a model whose answer brings a download link) is paid on the simulator, its answer held back; then the database goes away. */
async function paidAndHeldThenDatabaseAway(r: Rig): Promise<NonNullable<HeldAnswerClient['held']>> {
  r.client.holdFirst((req) => req.model === PRIVATE_MODEL);
  await r.engine.start();
  await until(() => r.client.held !== undefined, 'row 3 to be paid for', BOUND_MS);
  await server.pause();
  return r.client.held!;
}

function chargesByPrompt(sim: Simulator): Map<string, number> {
  const m = new Map<string, number>();
  for (const e of sim.ledger()) if (e.kind === 'charge') m.set(e.prompt, (m.get(e.prompt) ?? 0) + 1);
  return m;
}

/** Polls an async condition (the database answers again by then); fails with `what` after `timeoutMs`. */
async function untilAsync(check: () => Promise<boolean>, what: string, timeoutMs = BOUND_MS): Promise<void> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > timeoutMs) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Every row done, every clip charged exactly once, nothing left in the journal. */
async function expectFinishedOnce(r: Rig): Promise<void> {
  let rows = await r.store.listRows(r.batch.id);
  try {
    await untilAsync(async () => (rows = await r.store.listRows(r.batch.id)).every((row) => row.state === 'done'), 'every row to be done', 60_000);
  } catch (e) {
    // Where the batch stands, so that one that does not finish says why.
    const states = rows.map((row) => `${row.rowIndex} ${row.state} due ${row.nextActionAt === null ? '-' : row.nextActionAt - Date.now()} ms${row.errorMessage ? ` (${row.errorMessage})` : ''}`);
    const leases = await r.store.listLeases().catch((x: Error) => x.message);
    const why = `rows ${states.join(', ')}; leases ${JSON.stringify(leases)}; engine ${JSON.stringify(await r.engine.diagnose())}`;
    throw new Error(`${(e as Error).message}: ${why}`, { cause: e });
  }
  const charges = chargesByPrompt(r.sim);
  expect(charges.size).toBe(ROWS);
  expect([...charges.values()]).toEqual(Array(ROWS).fill(1));
  // Answers written in the normal way are dropped from the journal at the next sweep.
  await until(() => r.journal.pending().length === 0, 'the journal to be emptied', BOUND_MS);
}

describe('studio queue: the database goes away under a running engine', () => {
  // Any call of the engine may be inside a transaction when the server goes: pg then emits 'error' on the client the
  // transaction holds, and an 'error' event without a listener takes the whole process down (the app, `work`).
  it('a transaction under way when the database goes away fails as "cannot be reached" and the process lives on', async () => {
    const store = await PgQueueStore.open(await server.newDatabase('dbloss'));
    try {
      const failed = await store
        .tx(async (t) => {
          await t.getRow(1);
          await server.pause(); // cuts the connection this transaction holds, between two of its statements
          return t.getRow(1);
        })
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(isStoreUnreachable(failed)).toBe(true);
      await server.resume();
      expect(await store.check()).toBe('ok');
    } finally {
      await server.resume();
      await store.close();
    }
  });

  it('waits with the reason shown, sends nothing to /video/queue while the database is away, and finishes the batch once it is back', async () => {
    rig = await startRig({ concurrency: 2 });
    const r = rig;
    await r.engine.start();
    // Mid-batch: some clips paid, most rows still to send.
    await until(() => r.sim.ledger().filter((e) => e.kind === 'charge').length >= 2, 'the first clips to be sent');

    await server.pause();
    await until(() => holdEvents(r, true).length === 1, 'the engine to say the queue is away');
    const downAt = holdEvents(r, true)[0]!.at;
    const reason = r.engine.waitingReason(r.batch);
    expect(reason).toMatch(/studio queue \(PostgreSQL 127\.0\.0\.1:\d+\/dbloss_\d+_\d+\) cannot be reached/);
    expect(reason).toMatch(/carries on by itself/);
    expect(reason).not.toMatch(/venice-batch-test|postgres:\/\//); // neither the password nor the URL
    expect(r.events.some((e) => e.type === 'notice' && e.level === 'warning' && e.message === reason)).toBe(true);

    // The outage lasts until every clip Venice was already making is ready (the engine would poll and send more
    // if it could) and the engine has asked the database again at least twice (RECHECK_MS is 2 s).
    await until(() => r.sim.jobs().every((j) => j.status !== 'processing') && Date.now() - downAt > 4_500, 'Venice to be idle while the queue is away');
    const resumeAt = Date.now();
    expect(queueRequestsBetween(r, downAt, resumeAt)).toEqual([]);
    expect(holdEvents(r, false)).toHaveLength(0);
    expect(r.engine.waitingReason(r.batch)).toBe(reason);

    await server.resume();
    await until(() => holdEvents(r, false).length === 1, 'the engine to say the queue is back');
    expect(r.engine.waitingReason(r.batch)).toBeNull();
    await expectFinishedOnce(r);
    expect(r.events.filter((e) => e.type === 'notice' && e.level === 'error')).toEqual([]);
  }, 90_000);

  it('keeps a paid answer that arrives while the database is away in the journal and writes it to its row when it is back', async () => {
    // Row 3 is on a model whose answer brings a download link: it is paid on the simulator, and its answer held
    // back while the database goes away.
    rig = await startRig({ concurrency: 2, privateRows: [3] });
    const r = rig;
    const held = await paidAndHeldThenDatabaseAway(r);
    expect(held.downloadUrl).toMatch(/^https?:\/\/.*\/_share\//);
    r.client.letGo();

    await until(() => holdEvents(r, true).length === 1, 'the engine to say the queue is away');
    await until(
      () => r.events.some((e) => e.type === 'notice' && /was queued on Venice, but the queue could not record it yet/.test(e.message)),
      'the engine to say the paid answer is kept on this machine',
    );
    const kept = r.journal.pending().filter((e) => e.answer.queueId === held.queueId);
    expect(kept).toHaveLength(1);
    expect(kept[0]!.answer.downloadUrlEnc).toMatch(/^v1:/); // the link, sealed
    const journalText = readFileSync(r.journal.file, 'utf8');
    expect(journalText).toContain(held.queueId);
    expect(journalText).not.toContain(new URL(held.downloadUrl!).pathname);
    expect(journalText).not.toMatch(/https?:|\/_share\//);
    expect(journalText).not.toContain(SIM_KEY);
    const downAt = holdEvents(r, true)[0]!.at;

    // Longer than a lease: on the database's clock, the row's lease has run out by the time it is back.
    await until(() => Date.now() - downAt > LEASE.leaseMs + 1_000, 'the outage to outlast a lease');
    expect(queueRequestsBetween(r, downAt, Date.now())).toEqual([]);
    await server.resume();
    await until(() => holdEvents(r, false).length === 1, 'the engine to say the queue is back');

    // The row carries the answer that was paid for: never in doubt, never sent again.
    const rowId = kept[0]!.answer.rowId;
    const attemptId = kept[0]!.answer.attemptId;
    await untilAsync(async () => (await r.store.getAttempt(attemptId))?.queueId === held.queueId, 'the kept answer to be written');
    const rowEvents = await r.store.rowEvents(rowId);
    expect(rowEvents.map((e) => e.kind)).not.toContain('in_doubt');
    // Written from the journal, not re-sent: the late-answer note, and the simulator saw no second queue call for it.
    expect(rowEvents.some((e) => e.kind === 'queued' && e.message === LATE_ANSWER_NOTE)).toBe(true);
    await expectFinishedOnce(r);
    const row = (await r.store.getRow(rowId))!;
    expect(row.currentAttemptId).toBe(attemptId);
    expect(await r.store.getAttempt(attemptId)).toMatchObject({ state: 'done', queueId: held.queueId, charged: true, downloadUrlEnc: kept[0]!.answer.downloadUrlEnc });
    expect(chargesByPrompt(r.sim).get(held.prompt)).toBe(1);
    expect(r.sim.ledger().filter((e) => e.kind === 'charge' && e.queueId === held.queueId)).toHaveLength(1);
  }, 90_000);

  it('an answer that arrives only after the database is back, its lease run out meanwhile, still lands on its row, charged once', async () => {
    rig = await startRig({ concurrency: 2, privateRows: [3] });
    const r = rig;
    const held = await paidAndHeldThenDatabaseAway(r);
    await until(() => holdEvents(r, true).length === 1, 'the engine to say the queue is away');
    const downAt = holdEvents(r, true)[0]!.at;
    await until(() => Date.now() - downAt > LEASE.leaseMs + 1_000, 'the outage to outlast a lease');
    await server.resume();
    await until(() => holdEvents(r, false).length === 1, 'the engine to say the queue is back');
    // Back, the queue may already have put the row in doubt (its lease ran out while it was being sent); the answer
    // that now arrives is the proof of payment, and wins.
    r.client.letGo();
    await expectFinishedOnce(r);
    const row = (await r.store.listRows(r.batch.id)).find((x) => x.rowIndex === 3)!;
    expect(await r.store.getAttempt(row.currentAttemptId!)).toMatchObject({ state: 'done', queueId: held.queueId, charged: true });
    expect(r.sim.ledger().filter((e) => e.kind === 'charge' && e.queueId === held.queueId)).toHaveLength(1);
  }, 90_000);

  // A claim answered just before the database goes away: the engine holds a lease for work it could not start
  // (the next store call of the pass fails). Once the database is back, that row must be worked on, not held for
  // ever by its own machine's renewals.
  it.each<ClaimCall>(['claimPolls', 'claimSubmissions'])('a row claimed (%s) just before the database goes away is worked on once it is back', async (call) => {
    rig = await startRig({ concurrency: 2 });
    const r = rig;
    await r.engine.start();
    await until(() => r.sim.ledger().filter((e) => e.kind === 'charge').length >= 2, 'the first clips to be sent');
    r.pauseAfter.call = call;
    await until(() => r.pauseAfter.fired, `a ${call} answered just before the database went away`);
    await until(() => holdEvents(r, true).length === 1, 'the engine to say the queue is away');
    await server.resume();
    await until(() => holdEvents(r, false).length === 1, 'the engine to say the queue is back');
    await expectFinishedOnce(r);
  }, 90_000);
});
