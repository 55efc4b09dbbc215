/**
 * Model-based property test of the money rule, checked on the engine's own decisions: random sequences of Venice
 * answers (queued, refused before any charge, answer lost, rejected, a request left hanging), engine passes,
 * crashes in the middle of a request (the engine abandoned, a new one started on the same store, recovery and all)
 * and user decisions. What is counted is what the real Engine actually sent to /video/queue, observed at the client
 * it was given; the test never sends anything itself. Property: a row is never sent in a way that may cost money
 * more often than once plus the number of times the user asked for it again (a send Venice refused before charging,
 * a 429 or a 400, costs nothing and may be repeated).
 *
 * The client here is a scripted Venice (answers chosen by the command sequence) so that thousands of sequences run
 * in seconds; the same engine against the real simulator over HTTP is what the fault matrix and the gauntlet run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { Engine } from '../../main/core/queue/engine';
import type { EngineClient } from '../../main/core/queue/engine-context';
import { canTransition, JOB_STATES } from '../../main/core/queue/job-states';
import { SqliteQueueStore } from '../../main/core/queue/sqlite-adapter/store';
import { QueueStore } from '../../main/core/queue/store';
import { VeniceError } from '../../main/core/venice/errors';
import type { ResponseMeta } from '../../main/core/venice/response-meta';

const root = mkdtempSync(path.join(os.tmpdir(), 'vb-property-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const META: ResponseMeta = { status: 200, requestId: undefined, balanceUsd: undefined, balanceDiem: undefined, deprecationWarning: undefined, rateLimit: { limit: undefined, remaining: undefined, resetAt: undefined } };

type QueueAnswer = 'queued' | 'refused' | 'lost' | 'rejected' | 'hang';
type PollAnswer = 'processing' | 'expired' | 'refused';

/** A Venice whose next answers the commands choose, and which counts every /video/queue the engine sends. */
class ScriptedVenice {
  sends = 0;
  /** Sends that may have cost money: every one not refused before any charge (a 429, a 400). */
  mayHaveCharged = 0;
  queueAnswer: QueueAnswer = 'queued';
  pollAnswer: PollAnswer = 'processing';
  private n = 0;
  readonly client: EngineClient = {
    queue: async (req) => {
      this.sends += 1;
      if (this.queueAnswer !== 'refused' && this.queueAnswer !== 'rejected') this.mayHaveCharged += 1;
      const err = (kind: VeniceError['kind'], status: number | undefined, charged: boolean) =>
        new VeniceError({ kind, route: 'queue', status, message: `scripted ${kind}`, mayHaveBeenCharged: charged, retryable: !charged && kind !== 'bad_request' });
      switch (this.queueAnswer) {
        case 'queued':
          return { model: req.model, queueId: `q-${++this.n}`, downloadUrl: undefined, meta: META };
        case 'refused':
          throw err('rate_limited', 429, false);
        case 'lost':
          throw err('network', undefined, true);
        case 'rejected':
          throw err('bad_request', 400, false);
        case 'hang':
          return new Promise<never>(() => undefined);
      }
    },
    retrieve: async () => {
      if (this.pollAnswer === 'expired') throw new VeniceError({ kind: 'not_found', route: 'retrieve', status: 404, message: 'scripted expiry' });
      if (this.pollAnswer === 'refused') throw new VeniceError({ kind: 'content_policy', route: 'retrieve', status: 422, message: 'scripted refusal' });
      return { kind: 'processing', averageExecutionMs: 1_000, executionDurationMs: 10, meta: META };
    },
    complete: async () => ({ meta: META }),
    quote: async () => ({ quoteUsd: 0.1, meta: META }),
    downloadFromUrl: async () => {
      throw new Error('no download links in this test');
    },
  } as EngineClient;
}

interface Model {
  /** Times the user asked for the row to go again (retry of a failed row, resubmit of one in doubt). */
  consents: number;
}

interface Real {
  store: QueueStore;
  venice: ScriptedVenice;
  engine: Engine;
  /** Ends the current engine's "process": from then on it can write nothing (see processView). */
  kill: () => void;
  clock: { now: number };
  rowId: number;
  outDir: string;
}

type Cmd = fc.AsyncCommand<Model, Real>;

/**
 * The queue as one engine process sees it. A crash here leaves the old engine object alive in this process (its
 * hanging request, its scheduled work); a real kill would leave it nothing. So once killed, every call of the old
 * view fails, as calls on a dead process's connection would, and only the new engine writes.
 */
function processView(r: Pick<Real, 'store' | 'clock'>): { queue: SqliteQueueStore; kill: () => void } {
  const queue = new SqliteQueueStore(r.store, r.store.file, { now: () => r.clock.now });
  let dead = false;
  const view = new Proxy(queue, {
    get(target, key, receiver) {
      const value: unknown = Reflect.get(target, key, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        if (dead) throw new Error('this engine process was killed');
        return (value as (...a: unknown[]) => unknown).apply(receiver, args);
      };
    },
  });
  return { queue: view, kill: () => (dead = true) };
}

function newEngine(r: Pick<Real, 'store' | 'venice' | 'clock'>): { engine: Engine; kill: () => void } {
  const { queue, kill } = processView(r);
  const engine = new Engine({
    store: queue,
    connect: async () => ({ client: r.venice.client, apiKey: async () => 'k' }),
    now: () => r.clock.now,
    monotonic: () => r.clock.now,
    random: () => 0.5,
    holdTimings: { probeMs: 1_000, capacityMs: 1_000, capacityMaxMs: 2_000, offlineAfter: 3 },
  });
  return { engine, kill };
}

/** The money property, on what the engine really sent: at most one send that may have been charged per consent. */
function check(m: Model, r: Real): void {
  expect(r.venice.mayHaveCharged).toBeLessThanOrEqual(1 + m.consents);
}

class SetAnswers implements Cmd {
  constructor(
    readonly queue: QueueAnswer,
    readonly poll: PollAnswer,
  ) {}
  check = () => true;
  async run(_m: Model, r: Real) {
    r.venice.queueAnswer = this.queue;
    r.venice.pollAnswer = this.poll;
  }
  toString = () => `venice answers queue=${this.queue} poll=${this.poll}`;
}

/** The engine's own pass: whatever it decides to send, poll or check. Time moves on so every wait is over. */
class EnginePass implements Cmd {
  check = () => true;
  async run(m: Model, r: Real) {
    r.clock.now += 10 * 60_000;
    await r.engine.tick(50);
    await r.engine.tick(50);
    check(m, r);
  }
  toString = () => 'engine pass';
}

/** Killed mid-whatever: the engine is abandoned with its requests in flight, a new one starts on the same store. */
class Crash implements Cmd {
  check = () => true;
  async run(m: Model, r: Real) {
    r.kill();
    ({ engine: r.engine, kill: r.kill } = newEngine(r));
    await r.engine.start({ loop: false });
    const row = r.store.getRow(r.rowId);
    expect(row?.state).not.toBe('submitting');
    check(m, r);
  }
  toString = () => 'crash + restart';
}

class UserRetry implements Cmd {
  check = () => true;
  async run(m: Model, r: Real) {
    if (r.store.getRow(r.rowId)?.state !== 'failed') return;
    const out = await r.engine.retryRows([r.rowId]);
    m.consents += out.resubmit;
  }
  toString = () => 'user retries a failed row';
}

class UserResolve implements Cmd {
  constructor(readonly decision: 'resubmit' | 'lost') {}
  check = () => true;
  async run(m: Model, r: Real) {
    if (r.store.getRow(r.rowId)?.state !== 'in_doubt') return;
    await r.engine.resolveInDoubt(r.rowId, this.decision);
    if (this.decision === 'resubmit') m.consents += 1;
  }
  toString = () => `user says ${this.decision} of a row in doubt`;
}

const queueAnswers: QueueAnswer[] = ['queued', 'refused', 'lost', 'rejected', 'hang'];
const pollAnswers: PollAnswer[] = ['processing', 'expired', 'refused'];

const commands = [
  fc.constantFrom(...queueAnswers).chain((q) => fc.constantFrom(...pollAnswers).map((p) => new SetAnswers(q, p))),
  fc.constant(new EnginePass()),
  fc.constant(new EnginePass()),
  fc.constant(new Crash()),
  fc.constant(new UserRetry()),
  fc.constant(new UserResolve('resubmit')),
  fc.constant(new UserResolve('lost')),
];

let runNo = 0;

describe('job state machine (model-based, on the engine)', () => {
  it('the engine never sends a row more often than once plus the user’s explicit requests, across crashes mid-request', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...queueAnswers), fc.commands(commands, { maxCommands: 40, size: 'large' }), async (firstAnswer, cmds) => {
        const clock = { now: Date.UTC(2026, 10, 28) };
        const store = new QueueStore(':memory:', () => clock.now);
        const outDir = path.join(root, `run-${++runNo}`);
        const batchId = store.createBatch(
          { name: 'p', settings: { concurrency: 1 }, outputDir: outDir, nameTemplate: '{row}', baseUrl: 'scripted' },
          [{ rowIndex: 1, params: { model: 'm', prompt: 'p', duration: '5s' }, quoteUsd: 0.1 }],
        );
        const rowId = store.listRows(batchId)[0]!.id;
        const venice = new ScriptedVenice();
        // The very first send meets any answer too (a crash while it hangs is the classic in-doubt case).
        venice.queueAnswer = firstAnswer;
        const real: Real = { store, venice, clock, rowId, outDir, ...newEngine({ store, venice, clock }) };
        await real.engine.start({ loop: false });
        try {
          await fc.asyncModelRun(() => ({ model: { consents: 0 }, real }), cmds);
          // Every send the engine made left an attempt in the row's history.
          expect(store.listAttempts(rowId).length).toBeGreaterThanOrEqual(venice.sends);
        } finally {
          store.close();
        }
      }),
      { numRuns: 300 },
    );
  }, 120_000);

  it('has no way out of done, and no automatic way from in_doubt to a new send', () => {
    for (const s of JOB_STATES) expect(canTransition('done', s)).toBe(false);
    expect(canTransition('in_doubt', 'submitting')).toBe(false);
    expect(canTransition('in_doubt', 'queued')).toBe(false);
    expect(canTransition('submitting', 'submitting')).toBe(false);
  });
});
