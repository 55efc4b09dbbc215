/**
 * Model-based property test of a row's life: random sequences of Venice answers, crashes (recovery as the engine
 * runs it after a restart) and user decisions, applied to the real store, checked against a simple model.
 * The money property: a row is never sent more often than once plus the number of times the user asked.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canTransition, JOB_STATES, type JobState } from '../../main/core/queue/job-states';
import { recoverAfterStart } from '../../main/core/queue/recover';
import { QueueStore } from '../../main/core/queue/store';
import { resolveInDoubt, retryRows } from '../../main/core/queue/user-actions';

interface Model {
  state: JobState;
  /** Sends that may have been charged (a refusal before any charge takes its send back). */
  sends: number;
  consents: number;
}
interface Real {
  store: QueueStore;
  rowId: number;
}

type Cmd = fc.AsyncCommand<Model, Real>;

function real(r: Real) {
  const row = r.store.getRow(r.rowId);
  if (!row) throw new Error('row vanished');
  return row;
}

/** A transition the engine makes on a Venice answer. */
class VeniceAnswer implements Cmd {
  constructor(
    readonly from: JobState[],
    readonly to: JobState,
    readonly label: string,
  ) {}
  check = (m: Readonly<Model>) => this.from.includes(m.state);
  async run(m: Model, r: Real) {
    r.store.transitionRow(r.rowId, m.state, this.to);
    m.state = this.to;
    expect(real(r).state).toBe(m.state);
  }
  toString = () => this.label;
}

/** Venice refused before charging (429, 402, a connection never opened): that send cost nothing. */
class RefusedBeforeCharge implements Cmd {
  check = (m: Readonly<Model>) => m.state === 'submitting';
  async run(m: Model, r: Real) {
    r.store.transitionRow(r.rowId, 'submitting', 'ready');
    m.state = 'ready';
    m.sends--;
    expect(real(r).state).toBe('ready');
  }
  toString = () => 'refused before charge (429/402)';
}

class Submit implements Cmd {
  check = (m: Readonly<Model>) => m.state === 'ready';
  async run(m: Model, r: Real) {
    r.store.beginSubmit(r.rowId, 'm', '{}', 0.5);
    m.state = 'submitting';
    m.sends++;
    expect(m.sends).toBeLessThanOrEqual(1 + m.consents);
  }
  toString = () => 'submit';
}

class Crash implements Cmd {
  check = () => true;
  async run(m: Model, r: Real) {
    await recoverAfterStart({ store: r.store, now: Date.now });
    if (m.state === 'submitting') m.state = 'in_doubt';
    else if (m.state === 'downloading' || m.state === 'verifying') m.state = 'processing';
    expect(real(r).state).toBe(m.state);
  }
  toString = () => 'crash+restart';
}

class UserRetry implements Cmd {
  check = (m: Readonly<Model>) => m.state === 'failed';
  async run(m: Model, r: Real) {
    retryRows(r.store, [r.rowId], Date.now());
    m.state = 'ready';
    m.consents++;
    expect(real(r).state).toBe('ready');
  }
  toString = () => 'user retry';
}

class UserResolve implements Cmd {
  constructor(readonly decision: 'resubmit' | 'lost') {}
  check = (m: Readonly<Model>) => m.state === 'in_doubt';
  async run(m: Model, r: Real) {
    resolveInDoubt(r.store, r.rowId, this.decision);
    m.state = this.decision === 'resubmit' ? 'ready' : 'failed';
    if (this.decision === 'resubmit') m.consents++;
    expect(real(r).state).toBe(m.state);
  }
  toString = () => `user ${this.decision}`;
}

const commands = [
  fc.constant(new Submit()),
  fc.constant(new VeniceAnswer(['submitting'], 'queued', 'queued (charged)')),
  fc.constant(new RefusedBeforeCharge()),
  fc.constant(new VeniceAnswer(['submitting'], 'in_doubt', 'answer lost')),
  fc.constant(new VeniceAnswer(['submitting'], 'failed', 'rejected (400/422)')),
  fc.constant(new VeniceAnswer(['queued', 'processing'], 'processing', 'still processing')),
  fc.constant(new VeniceAnswer(['queued', 'processing'], 'downloading', 'clip arriving')),
  fc.constant(new VeniceAnswer(['downloading'], 'verifying', 'downloaded')),
  fc.constant(new VeniceAnswer(['downloading'], 'processing', 'download cut off')),
  fc.constant(new VeniceAnswer(['verifying'], 'done', 'verified')),
  fc.constant(new VeniceAnswer(['verifying'], 'failed', 'placeholder')),
  fc.constant(new VeniceAnswer(['queued', 'processing'], 'failed', 'media expired (404)')),
  fc.constant(new Crash()),
  fc.constant(new UserRetry()),
  fc.constant(new UserResolve('resubmit')),
  fc.constant(new UserResolve('lost')),
];

describe('job state machine (model-based)', () => {
  it('never sends a row more often than once plus the user’s explicit requests, across crashes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.commands(commands, { maxCommands: 60 }), async (cmds) => {
        const store = new QueueStore(':memory:');
        const batchId = store.createBatch(
          { name: 'p', settings: { concurrency: 1 }, outputDir: '/nonexistent-vb-out', nameTemplate: '{row}', baseUrl: 'x' },
          [{ rowIndex: 1, params: { model: 'm', prompt: 'p', duration: '5s' } }],
        );
        const rowId = store.listRows(batchId)[0]!.id;
        const model: Model = { state: 'ready', sends: 0, consents: 0 };
        await fc.asyncModelRun(() => ({ model, real: { store, rowId } }), cmds);
        // Every send is in the attempt history.
        expect(store.listAttempts(rowId).length).toBeGreaterThanOrEqual(model.sends);
        store.close();
      }),
      { numRuns: 200 },
    );
  });

  it('has no way out of done, and no automatic way from in_doubt to a new send', () => {
    for (const s of JOB_STATES) expect(canTransition('done', s)).toBe(false);
    expect(canTransition('in_doubt', 'submitting')).toBe(false);
    expect(canTransition('in_doubt', 'queued')).toBe(false);
    expect(canTransition('submitting', 'submitting')).toBe(false);
  });
});
