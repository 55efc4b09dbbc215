/**
 * One scheduling pass over one Venice endpoint: everything is claimed from the store, so any number of machines
 * can run passes over the same queue without two of them working on one row. Order of importance:
 *   1. downloads another machine (or this one, before a restart) did not finish;
 *   2. polls of paid jobs, as many as the account's retrieve window has room for;
 *   3. /video/complete for clips already safe, only while polling leaves the window room (it can wait);
 * New submissions (one at a time, within the batch's concurrency, the queue's in-flight cap and the batch's budget)
 * are engine-send.ts's, run before this pass and again as soon as a send ends.
 * A claimed row that the account limiter refuses goes straight back, due when the limiter says.
 */
import { finishClip, completeRemote } from './finish-clip';
import type { EngineContext, Work } from './engine-context';
import type { FolderGate } from './folder-wait';
import { pollJob } from './poll-job';
import { takeOverDownload } from './recover';
import type { ClaimedRow, QueueStoreApi } from './store-api';
import type { BatchRecord } from './types';

export interface PassDeps {
  queue: QueueStoreApi;
  workerId: string;
  maxInFlight: number;
  folders: FolderGate;
  /** Registers the claim's lease with the keeper at once (a renewal must not mistake it for an orphan). */
  take: (claimed: ClaimedRow) => Work;
  /** Starts the work on a taken row; the lease is released when it ends (if the work did not release it). */
  launch: (claimed: ClaimedRow, work: Work, run: () => Promise<void>) => void;
  /** Gives a taken row back unworked, due again at `dueAt` (null: when it was). */
  giveBack: (claimed: ClaimedRow, work: Work, dueAt: number | null) => Promise<void>;
  /** Rows of this machine being polled or downloaded right now. */
  pollsInFlight: () => number;
  /** Whether to look for unfinished downloads on the endpoint in this pass, and what the look found. */
  resumes: { due: (baseUrl: string) => boolean; looked: (baseUrl: string, foundAll: boolean) => void };
  /** A /video/queue request of this machine to the endpoint is under way, or being prepared (engine-send.ts). */
  sending: (baseUrl: string) => boolean;
  /** rowId 0: the send is reserved, its row not yet claimed. */
  markSending: (baseUrl: string, rowId: number, on: boolean) => void;
  /** A send to the endpoint ended: the next may leave at once. */
  sendEnded: (baseUrl: string) => void;
  /** The account's queue window frees a slot at `at` (engine clock): the next send is tried then. */
  sendAt: (baseUrl: string, at: number) => void;
  /** The batch's spend cap stops it: paused, with the reason. */
  budgetReached: (batch: BatchRecord, reached: { spentUsd: number; budgetUsd: number }) => Promise<void>;
}

/**
 * A store or limiter call between taking a claim and starting its work. If it throws (the database went away just
 * then), the claim is let go of: kept, the keeper would renew its lease for ever with nothing working on the row, and
 * no other machine could take it over (the database-loss test saw exactly that). Its lease in the database is then
 * given back by the keeper's unused-lease rule once the database answers again.
 */
export async function orLetGo<T>(d: PassDeps, c: ClaimedRow, work: Work, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (e) {
    await d.giveBack(c, work, null).catch(() => undefined);
    throw e;
  }
}

/** Unfinished downloads taken up per pass (more wait for the next pass, which then looks again). */
const RESUMES_PER_PASS = 4;

/** Share of the retrieve window that must be free before a /video/complete may take a slot. */
const COMPLETE_ROOM_SHARE = 0.25;

export async function passOverEndpoint(d: PassDeps, ctx: EngineContext, batches: BatchRecord[], now: number): Promise<number> {
  let nextDue = Number.POSITIVE_INFINITY;
  const byId = new Map(batches.map((b) => [b.id, b]));
  const workable = batches.filter((b) => !ctx.holds.batchHold(b.id));
  if (workable.length === 0) return nextDue;
  const workableIds = workable.map((b) => b.id);
  const pollIds = ctx.holds.endpointHold(ctx.baseUrl, 'poll') ? [] : workableIds;

  // 1. Downloads and verifications left unfinished: look at the files, then verify or fetch again. They only arise
  // when a machine stops or its lease runs out, so they are looked for every few passes, not on every one (in the
  // studio bench's 4-machine run this claim was a third of all claims and never found a row).
  const look = d.resumes.due(ctx.baseUrl);
  const resumable = look ? await d.queue.claimResumes(d.workerId, { limit: RESUMES_PER_PASS, batchIds: workableIds }) : [];
  if (look) d.resumes.looked(ctx.baseUrl, resumable.length < RESUMES_PER_PASS);
  for (const c of resumable) {
    const batch = byId.get(c.row.batchId);
    const work = d.take(c);
    if (!batch) {
      await d.giveBack(c, work, null);
      continue;
    }
    d.launch(c, work, () => resume(ctx, batch, c, work));
  }

  const usage = await ctx.limiter.usage();
  let freeRetrieve = Math.max(0, usage.retrieve.limit - usage.retrieve.used);
  let pollStarved = false;

  // 2. Paid jobs first: a clip already paid for outranks a new submission.
  const pollRoom = Math.min(freeRetrieve, d.maxInFlight - d.pollsInFlight());
  if (pollIds.length > 0 && pollRoom > 0) {
    for (const c of await d.queue.claimPolls(d.workerId, { limit: pollRoom, batchIds: pollIds })) {
      const work = d.take(c);
      const batch = byId.get(c.row.batchId);
      const attemptId = c.row.currentAttemptId;
      const attempt = attemptId ? await orLetGo(d, c, work, () => d.queue.getAttempt(attemptId)) : undefined;
      if (!batch || !attempt) {
        await d.giveBack(c, work, null);
        continue;
      }
      const slot = await orLetGo(d, c, work, () => ctx.limiter.acquire('retrieve'));
      if (!slot.ok) {
        pollStarved = true;
        nextDue = Math.min(nextDue, now + slot.waitMs);
        await d.giveBack(c, work, now + slot.waitMs);
        continue;
      }
      freeRetrieve--;
      d.launch(c, work, () => pollJob(ctx, batch, c, attempt, work, slot.slot));
    }
  } else if (pollIds.length > 0 && freeRetrieve === 0) pollStarved = true;

  // 3. Tell Venice it may delete clips held safely. Best effort, and only with room left in the window: it costs
  // nothing to leave them a while, and polls of paid jobs need the budget more.
  if (!pollStarved && pollIds.length > 0 && freeRetrieve > usage.retrieve.limit * COMPLETE_ROOM_SHARE) {
    for (const c of await d.queue.claimCompletes(d.workerId, { limit: 2, batchIds: pollIds })) {
      const work = d.take(c);
      const slot = await orLetGo(d, c, work, () => ctx.limiter.acquire('complete'));
      if (!slot.ok) {
        await d.giveBack(c, work, null);
        break;
      }
      d.launch(c, work, () => completeRemote(ctx, c.attempt, true));
    }
  }

  return nextDue;
}

/** A download or verification left unfinished (recover.ts): verify the surviving file, or fetch again. */
async function resume(ctx: EngineContext, batch: BatchRecord, c: ClaimedRow, work: Work): Promise<void> {
  const attempt = c.row.currentAttemptId ? await ctx.store.getAttempt(c.row.currentAttemptId) : undefined;
  if (!attempt) return;
  const next = await takeOverDownload(ctx, batch, c, attempt, work);
  if (next.kind !== 'verify') return;
  const outcome = await finishClip(ctx, batch, c.row, attempt, next.temp, undefined, work);
  if (outcome === 'redownload') {
    await ctx.store.transitionRow(c.row.id, 'verifying', 'processing', { nextActionAt: ctx.now() }, { lease: work.lease, release: true });
    work.released = true;
  }
}
