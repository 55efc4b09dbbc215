/**
 * A row's life, as ARCHITECTURE.md draws it. Every change of state goes through `assertTransition`, so a bug can
 * never, say, move an in-doubt row back to `ready` (which would pay for it again) without the user's decision.
 *
 *   draft -> ready -> submitting -> queued -> processing -> downloading -> verifying -> done
 *                        |  \                   |               |             |
 *                        |   +-> in_doubt       +---------------+-------------+--> failed
 *                        +-> ready (refused before any charge: 429, 503 before sending, 402, 401)
 */
export const JOB_STATES = [
  'draft',
  'ready',
  'submitting',
  'queued',
  'processing',
  'downloading',
  'verifying',
  'done',
  'in_doubt',
  'failed',
  'cancelled',
] as const;
export type JobState = (typeof JOB_STATES)[number];

/** States in which Venice holds (or may hold) a paid job of ours. */
export const REMOTE_STATES: ReadonlySet<JobState> = new Set(['queued', 'processing', 'downloading', 'verifying']);
/** States the scheduler will not touch again on its own. */
export const TERMINAL_STATES: ReadonlySet<JobState> = new Set(['done', 'failed', 'cancelled', 'in_doubt']);

const TRANSITIONS: Record<JobState, readonly JobState[]> = {
  draft: ['ready', 'cancelled'],
  ready: ['submitting', 'draft', 'cancelled'],
  // `ready` only when Venice provably refused the request before charging (4xx other than a content error, or
  // the connection never opened). Anything else that loses the answer is `in_doubt`.
  submitting: ['queued', 'ready', 'failed', 'in_doubt'],
  queued: ['processing', 'downloading', 'verifying', 'failed'],
  processing: ['processing', 'downloading', 'verifying', 'failed'],
  // A cut-off download goes back to polling while the clip is still on Venice.
  downloading: ['processing', 'verifying', 'failed'],
  verifying: ['done', 'failed', 'processing'],
  done: [],
  // The user decides: re-submit knowingly (a new attempt) or mark it lost.
  in_doubt: ['ready', 'failed'],
  // Retry = a new attempt of the same row (history stays), or, when the failure was only the download of a clip
  // Venice still holds, back to polling the same paid attempt.
  failed: ['ready', 'processing'],
  cancelled: ['ready'],
};

export function canTransition(from: JobState, to: JobState): boolean {
  return TRANSITIONS[from].includes(to);
}

export class IllegalTransitionError extends Error {
  override readonly name = 'IllegalTransitionError';
}

export function assertTransition(from: JobState, to: JobState): void {
  if (!canTransition(from, to)) throw new IllegalTransitionError(`A row cannot go from ${from} to ${to}`);
}

/** Cancel is allowed only before money is spent; a paid job is always followed to the end. */
export function isCancellable(state: JobState): boolean {
  return state === 'draft' || state === 'ready';
}
