/**
 * The queue store as the engine, recovery, the services and the CLI see it, whichever database holds it: the local
 * SQLite file (one machine, the default: nothing to install) or a studio's shared PostgreSQL (many machines, one
 * Venice account). Async throughout, because PostgreSQL is a network away.
 *
 * The rules every implementation keeps (the contract suite in test/integration/store-contract.test.ts runs the same
 * tests against both):
 *
 * - Money first. `beginSubmit` is durable (on disk, or acknowledged by the server's WAL) before it returns; only then
 *   may a /video/queue request leave. The answer (queue_id, sealed link) is written in one transaction with the row's
 *   move to `queued`. If that write cannot be made, the paid journal (paid-journal.ts) keeps the answer locally and
 *   `applyPaidAnswer` writes it later.
 * - One machine per row at a time. Work starts with a claim (`claimSubmissions`, `claimPolls`, `claimResumes`,
 *   `claimCompletes`): one statement picks due, unheld rows and gives each a lease, a fresh random token valid until
 *   `leaseUntil` by the DATABASE's clock (machines' clocks differ; the server's is the only one they share). Every
 *   later write about that row passes the lease as its `guard` and matches id + state + token: a holder whose lease
 *   was taken over gets `LeaseLostError` and must stop, having changed nothing.
 * - A holder renews all its leases together (`renewLeases`, every ~15 s); a lease missing from the answer is lost.
 * - Expiry goes by state (`expireLeases`), never "retry": an expired `submitting` row becomes `in_doubt` (its
 *   request may have been paid); `queued`/`processing` rows are polled again by their queue_id; `downloading`/
 *   `verifying` rows are released for `claimResumes`, which looks at the files before fetching again; claimed
 *   `ready` rows are simply released (nothing was sent: `beginSubmit` would have moved them). Nothing ever goes back
 *   to `ready` by expiry: that would pay twice.
 *
 * The key never enters either store; pre-signed links only sealed (url-vault.ts).
 */
import type { KnownProbe } from '../media/media-info';
import type { HoldCause, HoldRecord, NewHold } from './hold-store';
import type { JobState } from './job-states';
import type { AttemptPatch, RowPatch } from './store-records';
import type { MusicRecord, SavedMarker, SavedTimeline, SavedTimelineClip } from './timeline-store';
import type { AttemptRecord, BatchRecord, BatchStatus, NewBatch, NewRow, RowEvent, RowParams, RowRecord } from './types';

export type { AttemptPatch, RowPatch } from './store-records';

/** Proof that a worker holds a row: given by a claim, required by every write about that row until released. */
export interface Lease {
  rowId: number;
  /** The worker (one engine start) that holds it. */
  owner: string;
  /** Random per claim, so even the same worker's stale operation cannot write after a re-claim. */
  token: string;
}

export interface ClaimedRow {
  row: RowRecord;
  lease: Lease;
  /** Database time (ms) at which the lease runs out unless renewed. */
  leaseUntil: number;
}

export interface ClaimedCompletion extends ClaimedRow {
  /** The attempt whose copy on Venice may now be deleted (/video/complete). */
  attempt: AttemptRecord;
}

/** Passed to writes made while holding a row. `release` gives the row back in the same statement. */
export interface WriteGuard {
  lease: Lease;
  release?: boolean;
}

export interface SubmissionClaim {
  claimed: ClaimedRow[];
  /**
   * Set when the batch's next due row would take it past its budget (nothing past that row was claimed): the
   * engine pauses the batch and says so. Spent counts confirmed charges, money in doubt and rows already claimed.
   */
  budgetReached: { spentUsd: number; budgetUsd: number; nextQuoteUsd: number } | null;
}

export interface ClaimOptions {
  limit: number;
  /** Only rows of these batches (the engine leaves out batches that wait for a hold, or another endpoint's). */
  batchIds?: readonly number[];
}

export interface SubmissionClaimOptions extends ClaimOptions {
  /** Rows in flight on Venice across the whole queue (all batches, all machines) stay at or under this. */
  maxInFlight: number;
}

export interface WorkerInfo {
  id: string;
  host: string;
  pid: number;
  role: string;
  startedAt: number;
  lastSeenAt: number;
}

export interface LeaseView {
  rowId: number;
  batchId: number;
  state: JobState;
  worker: Pick<WorkerInfo, 'id' | 'host' | 'pid' | 'role'> | null;
  leaseUntil: number;
}

export interface ExpirySummary {
  /** Expired while `submitting`: now in doubt, for a person to decide. */
  inDoubt: number;
  /** Expired while `queued`/`processing`: due for a poll now. */
  repoll: number;
  /** Expired while `downloading`/`verifying`: released for `claimResumes`. */
  resume: number;
  /** Claimed but untouched (`ready`, `done`, ...): released. */
  released: number;
}

/** A /video/queue answer that was paid for but not yet written to the store (see paid-journal.ts). */
export interface PaidAnswer {
  rowId: number;
  attemptId: number;
  queueId: string;
  downloadUrlEnc: string | null;
  requestId: string | null;
  /** When the answer arrived, by the store clock of the machine that got it. */
  queuedAt: number;
  /** When the first poll is due. */
  nextActionAt: number;
}

export type PaidAnswerOutcome =
  /** The row was still waiting for this answer (submitting, or in doubt because its lease ran out): now queued. */
  | 'applied'
  /** The answer was already in the store. */
  | 'already'
  /** The person had already decided (re-sent or marked lost): the queue id is kept on its attempt as paid. */
  | 'superseded';

/** What a row says when its sender stopped renewing its lease mid-request (both stores word it the same). */
export const LEASE_EXPIRED_IN_DOUBT_MESSAGE =
  'Venice may have charged for this clip: the machine sending it stopped answering before the answer was saved. Re-submit it or mark it lost.';

/**
 * A paid answer names an attempt this queue does not have (its batch was deleted, or the database was made anew):
 * it can never be written here, whatever is retried. The journal sets such answers aside instead of stopping at
 * them (paid-journal.ts).
 */
export class AnswerNotInQueueError extends Error {
  override readonly name = 'AnswerNotInQueueError';
  constructor(
    readonly rowId: number,
    readonly attemptId: number,
  ) {
    super(`Attempt ${attemptId} of row ${rowId} is not in this queue`);
  }
}

export class LeaseLostError extends Error {
  override readonly name = 'LeaseLostError';
  constructor(readonly rowId: number) {
    super(`Row ${rowId} is no longer held by this machine (its lease ran out and another machine took it over)`);
  }
}

export class RowStateError extends Error {
  override readonly name = 'RowStateError';
  constructor(
    readonly rowId: number,
    readonly expected: JobState,
  ) {
    // Same wording as QueueStore.transitionRow, which callers and tests already know.
    super(`Row ${rowId} was not in state ${expected}`);
  }
}

/** Reads and ordinary writes: available on the store itself and inside a transaction. */
export interface QueueOps {
  // ---- batches ----
  /** Creates a batch and its rows (in `ready` unless given `draft`) in one transaction. Returns the batch id. */
  createBatch(batch: NewBatch, rows: NewRow[]): Promise<number>;
  getBatch(id: number): Promise<BatchRecord | undefined>;
  listBatches(): Promise<BatchRecord[]>;
  /** The newest batch made from this sheet into this folder, so running the same command again resumes it. */
  findBatchBySource(sourceHash: string, outputDir: string): Promise<BatchRecord | undefined>;
  /**
   * Pausing opens a hold with its cause (for the morning report's time lost); resuming or cancelling closes the
   * person-made ones. `cause` says who paused: the user (default), the budget, the balance, a missing key.
   */
  setBatchStatus(id: number, status: BatchStatus, reason?: string | null, cause?: HoldCause): Promise<void>;
  /** When the user last saw the batch's morning report (null: never). */
  reportSeenAt(batchId: number): Promise<number | null>;
  markReportSeen(batchId: number, at?: number): Promise<void>;
  setBatchSettings(id: number, patch: { concurrency?: number; budgetUsd?: number | null }): Promise<void>;

  // ---- rows: reads ----
  getRow(id: number): Promise<RowRecord | undefined>;
  /** In submission order (position, then id). */
  listRows(batchId: number): Promise<RowRecord[]>;
  rowsInStates(states: readonly JobState[], batchId?: number): Promise<RowRecord[]>;
  /** The earliest future time (store clock) at which a row in `states` becomes due, if any. */
  nextDueAt(states: readonly JobState[], batchId?: number): Promise<number | undefined>;
  countRows(batchId: number): Promise<number>;
  /**
   * Batches with something a machine could do: rows to send (active batches), paid jobs to follow, downloads to
   * finish, or a finished clip whose copy on Venice is still to be deleted. What the scheduler connects to.
   */
  liveBatchIds(): Promise<number[]>;
  /** Any one row of a batch (what a free probe request is modelled on), or undefined for an empty batch. */
  anyRow(batchId: number): Promise<RowRecord | undefined>;
  countByState(batchId: number): Promise<Partial<Record<JobState, number>>>;
  /** Row count and the sum of quotes: the batch header's totals. */
  batchTotals(batchId: number): Promise<{ rows: number; quotedUsd: number }>;

  // ---- rows: writes ----
  /**
   * Moves a row to a new state (checked against the state machine) and applies the patch. Throws RowStateError if
   * the row is not in `from`, LeaseLostError if a guard is given and the row is no longer held under it.
   */
  transitionRow(rowId: number, from: JobState, to: JobState, patch?: RowPatch, guard?: WriteGuard): Promise<void>;
  /** Patches a row without changing its state (guarded the same way). */
  patchRow(rowId: number, patch: RowPatch, guard?: WriteGuard): Promise<void>;
  /** Changes what a row asks for: only while nothing is paid (draft, ready, failed, cancelled) and nobody holds it. */
  setRowParams(rowId: number, params: RowParams): Promise<void>;
  setRowPosition(rowId: number, position: number): Promise<void>;
  /** Makes the given batches' waiting rows (ready, queued, processing) due at `at` (default now): a hold was lifted. */
  wakeRows(batchIds: readonly number[], at?: number): Promise<void>;

  // ---- attempts ----
  getAttempt(id: number): Promise<AttemptRecord | undefined>;
  listAttempts(rowId: number): Promise<AttemptRecord[]>;
  countAttempts(rowId: number): Promise<number>;
  /** Every attempt of every row of a batch (views and the results sheet read them in one go). */
  listBatchAttempts(batchId: number): Promise<AttemptRecord[]>;
  /** Patches an attempt; with a guard, only while its row is held under that lease. */
  patchAttempt(id: number, patch: AttemptPatch, guard?: WriteGuard): Promise<void>;
  /** Confirmed charges (by quote) and money possibly spent (in doubt or being sent), for a batch or all. */
  spend(batchId?: number): Promise<{ chargedUsd: number; inDoubtUsd: number }>;
  /**
   * Venice's latest run-time estimates (average_execution_time) for clips like this one, seen by any machine,
   * newest first, at most PRIOR_SAMPLE: the poll policy's prior before this job's own first answer (poll-prior.ts).
   */
  recentEstimatesMs(params: Pick<RowParams, 'model' | 'duration' | 'resolution'>): Promise<number[]>;

  /**
   * Every job being polled (queued/processing) on one endpoint (it has its own account and budget), on every
   * machine: Venice's estimate if it gave one, how long the job has run (its last execution_duration plus the time
   * since), and, while it has none, the recent estimates for clips like it. The poll budget (poll-budget.ts) prices
   * a retrieve call from these.
   */
  pollingJobs(baseUrl: string): Promise<PollingJob[]>;

  // ---- events ----
  addEvent(batchId: number, rowId: number | null, kind: string, message: string, data?: unknown): Promise<void>;
  rowEvents(rowId: number): Promise<RowEvent[]>;
}

/** A row's poll to bring forward from `from` to `to`, if the row still waits for `from` (advancePolls). */
export interface PollMove {
  rowId: number;
  from: number;
  to: number;
}

export interface PollingJob {
  rowId: number;
  estimateMs: number | null;
  elapsedMs: number;
  /** Only while `estimateMs` is null: as recentEstimatesMs, newest first. */
  recentEstimatesMs: number[];
}

/**
 * Operations inside one transaction: all or nothing. Only valid until the callback's promise settles. Batches are
 * created by the store itself (`createBatch` is its own transaction).
 */
export type QueueTx = Omit<QueueOps, 'createBatch'>;

export interface TimelineStoreApi {
  getTimeline(batchId: number): Promise<SavedTimeline | undefined>;
  saveTimeline(batchId: number, clips: readonly SavedTimelineClip[], markers?: readonly SavedMarker[]): Promise<number>;
  getMusic(batchId: number): Promise<MusicRecord | undefined>;
  setMusicFile(batchId: number, filePath: string, fileName: string, durationSec: number | null): Promise<void>;
  setMusicMix(batchId: number, volume: number, fadeOutSec: number): Promise<void>;
  clearMusic(batchId: number): Promise<void>;
}

/** Why and how long work stood still (hold-store.ts), in either database. */
export interface HoldStoreApi {
  /** Opens a hold, or returns the one already open for the same target and cause (its message updated). */
  open(h: NewHold): Promise<number>;
  /** A span that is already over (the machine was asleep from `from` to `to`). */
  record(h: Omit<NewHold, 'at'> & { from: number; to: number }): Promise<void>;
  close(id: number, at: number): Promise<void>;
  /** Ends the open person-made pauses of a batch (it was resumed or cancelled). */
  closeManual(batchId: number, at: number): Promise<void>;
  openHolds(): Promise<HoldRecord[]>;
  /** Holds that touched a batch between `from` and `to`: its own, its endpoint's, and the machine's. */
  touching(batchId: number, baseUrl: string, from: number, to: number): Promise<HoldRecord[]>;
}

export interface QueueStoreApi extends QueueOps {
  readonly kind: 'sqlite' | 'postgres';
  readonly holds: HoldStoreApi;
  /** Which queue this is, for the user: a file path, or host/database (never the password). */
  describe(): string;
  /** The store's clock in ms: the database server's for PostgreSQL (estimated locally), the machine's for SQLite. */
  now(): number;
  /** Runs `fn` in one transaction; a throw rolls everything back. Do not call other store methods inside `fn`. */
  tx<T>(fn: (t: QueueTx) => Promise<T>): Promise<T>;
  readonly timelines: TimelineStoreApi;

  // ---- money ----
  /**
   * Records, durably, that a paid request is about to leave: a new attempt in `submitting` and the row (which must
   * be `ready` and held under `guard`) pointing at it. Only after this resolves may the request be sent. Throws
   * LeaseLostError / RowStateError and records nothing if the row was taken over or changed.
   */
  beginSubmit(guard: WriteGuard, model: string, requestJson: string, quoteUsd: number | null): Promise<number>;
  /** Writes a paid answer kept in the local journal while the store was unreachable. Idempotent. */
  applyPaidAnswer(answer: PaidAnswer): Promise<PaidAnswerOutcome>;

  // ---- workers and leases ----
  /**
   * Joins the queue as a worker. SQLite: takes the one-engine-per-data-folder lock (throws EngineBusyError).
   * PostgreSQL: registers the machine so `status` can say who holds which row.
   */
  registerWorker(role: string): Promise<WorkerInfo>;
  /** Leaves: releases its leases (rows go back as `expireLeases` would send them) and unregisters. */
  unregisterWorker(workerId: string): Promise<void>;
  listWorkers(): Promise<WorkerInfo[]>;
  /**
   * Claims the batch's due `ready` rows (active batch only) in submission order, within the batch's concurrency,
   * `maxInFlight` across the queue, and the batch's budget. Claims for submission are serialised queue-wide so
   * two machines cannot both take the last free slot.
   */
  claimSubmissions(workerId: string, batchId: number, opts: SubmissionClaimOptions): Promise<SubmissionClaim>;
  /** Claims due `queued`/`processing` rows (any batch status: paid jobs are always followed), earliest due first. */
  claimPolls(workerId: string, opts: ClaimOptions): Promise<ClaimedRow[]>;
  /** Claims unheld `downloading`/`verifying` rows (left by a stopped worker): the caller checks files first. */
  claimResumes(workerId: string, opts: ClaimOptions): Promise<ClaimedRow[]>;
  /**
   * Claims rows with a finished attempt whose copy on Venice is still to be deleted (/video/complete owed). Each
   * claim counts as a try: an attempt is offered again at most once a minute, so a failing call cannot hammer.
   */
  claimCompletes(workerId: string, opts: ClaimOptions): Promise<ClaimedCompletion[]>;
  /** Extends every lease of the worker. Returns the leases still held: any other lease it thought it had is lost. */
  renewLeases(workerId: string): Promise<Lease[]>;
  /** Gives a row back. A row still `submitting` cannot be given back as it is: it goes to `in_doubt`. */
  releaseLease(lease: Lease): Promise<void>;
  /** Applies the expiry rules to leases that ran out (one machine at a time does it). */
  expireLeases(): Promise<ExpirySummary>;
  /** Who holds which row right now. */
  listLeases(batchId?: number): Promise<LeaseView[]>;

  // ---- clips ----
  /** The probe verification took of a clip, kept so an export need not probe it again (clip-probes.ts). */
  saveClipProbe(filePath: string, probe: KnownProbe): Promise<void>;
  clipProbe(filePath: string): Promise<KnownProbe | undefined>;

  /**
   * Brings polls forward (the price of a retrieve call fell, poll-schedule.ts): each row moves from `from` to `to`
   * only while it is still queued or processing, waits for exactly `from`, and nobody holds it, so a backoff or a
   * poll placed since stands. Never moves a row later. Returns the ids of the rows moved.
   */
  advancePolls(moves: readonly PollMove[]): Promise<number[]>;
  /** After a restart of the only worker (SQLite): every job on Venice not held by anyone is due now. */
  pollAllNow(): Promise<number>;
  /** 'ok', or what is wrong with the database. */
  check(): Promise<string>;
  close(): Promise<void>;
}

/** Lease timing shared by both stores: renew every `renewMs`; a dead machine's rows are taken over within a minute. */
export interface LeaseTiming {
  leaseMs: number;
  renewMs: number;
  /** How often a worker runs `expireLeases`. */
  sweepMs: number;
}

export const DEFAULT_LEASE_TIMING: LeaseTiming = { leaseMs: 40_000, renewMs: 12_000, sweepMs: 10_000 };
