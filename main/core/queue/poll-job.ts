/**
 * Follows one paid job on Venice: poll /video/retrieve on a schedule drawn from Venice's own estimate and the
 * account's retrieve budget, stream the finished clip to a temp file, and hand it to finishClip. Every failure here
 * is about a clip already paid for, so the rule is: keep trying while Venice still holds it, and say plainly when it
 * is gone. The row is held under a lease for the whole pass; every write carries it, so a machine whose lease was
 * taken over changes nothing (its download is aborted and its temp file, named after its lease, removed).
 */
import { rm } from 'node:fs/promises';
import { clipSizeCap } from '../media/verify-clip';
import { isVeniceError, type VeniceError } from '../venice/errors';
import { durationSeconds } from '../venice/model-rules';
import type { SlotRef } from './account-limiter';
import { noteRequest, tempClipPath, type EngineContext, type Work } from './engine-context';
import { finishClip } from './finish-clip';
import { waitForFolder, type RowMove } from './folder-wait';
import type { JobState } from './job-states';
import { pollDelayMs } from './poll-budget';
import { stampAnswered } from './slot-stamp';
import { stuckMessage, stuckTooLong } from './processing-limit';
import type { ClaimedRow } from './store-api';
import { backoffMs } from './timing';
import type { AttemptRecord, BatchRecord, RowRecord } from './types';
import { openUrl } from './url-vault';

/** A guarded move of `row`, keeping `state` in step (the closure poll-job and finish-clip share). */
export function rowMover(ctx: EngineContext, row: RowRecord, work: Work, state: { now: JobState }): RowMove {
  return async (to, patch = {}, opts = {}) => {
    const guard = { lease: work.lease, release: opts.release };
    await (opts.t ?? ctx.store).transitionRow(row.id, state.now, to, patch, guard);
    state.now = to;
    if (opts.release) work.released = true;
  };
}

export async function pollJob(ctx: EngineContext, batch: BatchRecord, claimed: ClaimedRow, attempt: AttemptRecord, work: Work, slot: SlotRef): Promise<void> {
  const row = claimed.row;
  if (!attempt.queueId) throw new Error(`Row ${row.id} has no queue id to poll`);
  const temp = tempClipPath(batch.outputDir, attempt.id, work.tempTag);
  // The folder is never made here: once a batch has paid jobs, a missing folder is an unplugged drive (holds.ts).
  const state = { now: row.state };
  const move = rowMover(ctx, row, work, state);
  const guard = { lease: work.lease };

  // No answer may be bigger than what the row asked for could be (duration x resolution, generously).
  const maxBytes = clipSizeCap({ durationSec: durationSeconds(row.params.duration), resolution: row.params.resolution });
  let downloading: Promise<void> | undefined;
  // The call's slot moves to when its answer began to arrive (the clip's headers, or the whole JSON answer).
  let stamped: Promise<void> | undefined;
  const stamp = () => (stamped ??= stampAnswered(ctx, slot));
  try {
    let expectedBytes: number | undefined;
    const retrieving = ctx.client.retrieve({ model: attempt.model, queue_id: attempt.queueId }, temp, {
      onVideo: () => {
        void stamp();
        downloading = startDownload(ctx, row, attempt, work, move);
        // Awaited once the bytes are in; until then a failure of this write must not count as unhandled.
        downloading.catch(() => undefined);
      },
      maxBytes,
      signal: work.signal,
    });
    const res = await retrieving.finally(stamp);
    // The move to `downloading` was written while the bytes streamed; a lost lease surfaces here.
    await downloading;
    await noteRequest(ctx, 'retrieve', true);
    if (res.meta.balanceUsd !== undefined) ctx.emit({ type: 'balance', balanceUsd: res.meta.balanceUsd });
    if (res.kind === 'processing') {
      const queuedAt = attempt.queuedAt ?? attempt.submittedAt ?? ctx.now();
      const estimateMs = res.averageExecutionMs ?? null;
      // A job that answers PROCESSING forever is not followed forever: the row fails, its paid job kept for Retry.
      // Both clocks must say so: Venice's own run time (a sleeping laptop does not age a job) and the time since it
      // was queued here (which a Retry starts again).
      const ranMs = Math.min(res.executionDurationMs ?? Number.POSITIVE_INFINITY, ctx.now() - queuedAt);
      if (stuckTooLong(ctx.processingLimits, ranMs, estimateMs ?? attempt.avgExecutionMs)) {
        await failStuck(ctx, row, attempt, work, () => state.now, move, ranMs, estimateMs ?? attempt.avgExecutionMs);
        return;
      }
      const placedAt = ctx.now();
      const job = { estimateMs, elapsedMs: res.executionDurationMs ?? placedAt - queuedAt, priorMs: null };
      const priceMs = ctx.pollBudget.priceMs();
      const dueAt = placedAt + pollDelayMs(job, ctx.pollBudget, ctx.pollPolicy);
      await ctx.store.tx(async (t) => {
        await t.patchAttempt(
          attempt.id,
          { state: 'processing', polls: attempt.polls + 1, avgExecutionMs: estimateMs, executionMs: res.executionDurationMs ?? null },
          guard,
        );
        await move('processing', { nextActionAt: dueAt }, { t, release: true });
      });
      ctx.pollSchedule.note({ rowId: row.id, job, placedAt, dueAt, priceMs });
      ctx.failureStreak.delete(attempt.id);
      if (row.state === 'queued') ctx.emit({ type: 'row', batchId: row.batchId, rowId: row.id, state: 'processing', message: 'Generating' });
      return;
    }
    if (res.kind === 'completed') {
      // This model hands its clip out through the pre-signed link saved at queue time.
      expectedBytes = await downloadFromLink(ctx, attempt, temp, maxBytes, work, () => startDownload(ctx, row, attempt, work, move));
    } else {
      expectedBytes = res.bytes;
    }
    await ctx.store.tx(async (t) => {
      await t.patchAttempt(attempt.id, { state: 'verifying' }, guard);
      await move('verifying', {}, { t });
    });
    ctx.failureStreak.delete(attempt.id);
    const fresh = (await ctx.store.getAttempt(attempt.id)) ?? attempt;
    const outcome = await finishClip(ctx, batch, { ...row, state: state.now }, fresh, temp, expectedBytes, work);
    if (outcome === 'redownload') {
      await move('processing', { nextActionAt: ctx.now() + backoffMs(1, { baseMs: ctx.retryBaseMs }, ctx.random) }, { release: true });
    }
  } catch (e) {
    await downloading?.catch(() => undefined);
    if (work.signal.aborted) {
      // Another machine holds the row now and fetches the clip itself: this half-written copy is nobody's.
      await rm(temp, { force: true });
      throw e;
    }
    if (isLeaseLost(e)) throw e;
    // A full disk or a vanished folder is this machine's problem: the batch waits, the row loses no try.
    if (!isVeniceError(e) && (await waitForFolder(ctx, batch, row, attempt, work, temp, e, () => state.now, move))) return;
    if (!isVeniceError(e)) {
      const message = `Problem while fetching the clip: ${(e as Error).message}`;
      if ((ctx.failureStreak.get(attempt.id) ?? 0) >= ctx.maxDownloadTries) {
        // Stop hammering; the clip stays on Venice and Retry fetches it again once the cause is fixed.
        await failDownload(ctx, row, attempt, work, () => state.now, move, `${message}. The clip is still on Venice: use Retry to fetch it again.`);
        return;
      }
      await retryLater(ctx, row, attempt, work, () => state.now, move, message);
      return;
    }
    if (e.route === 'retrieve' || e.route === 'complete') await noteRequest(ctx, e.route, false, e);
    await handlePollError(ctx, row, attempt, work, e, () => state.now, move);
  }
}

const isLeaseLost = (e: unknown) => (e as Error | undefined)?.name === 'LeaseLostError';

function startDownload(ctx: EngineContext, row: RowRecord, attempt: AttemptRecord, work: Work, move: RowMove): Promise<void> {
  const written = ctx.store.tx(async (t) => {
    await t.patchAttempt(attempt.id, { state: 'downloading', downloadTries: attempt.downloadTries + 1 }, { lease: work.lease });
    await move('downloading', {}, { t });
  });
  ctx.emit({ type: 'row', batchId: row.batchId, rowId: row.id, state: 'downloading', message: 'Downloading the clip' });
  return written;
}

async function downloadFromLink(
  ctx: EngineContext,
  attempt: AttemptRecord,
  temp: string,
  maxBytes: number,
  work: Work,
  onStart: () => Promise<void>,
): Promise<number | undefined> {
  const key = await ctx.apiKey();
  if (!attempt.downloadUrlEnc) throw new Error('Venice says the clip is ready at its download link, but no link was saved');
  if (!key) throw new Error('No API key to open the saved download link');
  await onStart();
  const dl = await ctx.client.downloadFromUrl(openUrl(attempt.downloadUrlEnc, key), temp, { maxBytes, signal: work.signal });
  return dl.expectedBytes;
}

type StateOf = () => JobState;

async function failDownload(ctx: EngineContext, row: RowRecord, attempt: AttemptRecord, work: Work, state: StateOf, move: RowMove, message: string, kind = 'download_failed'): Promise<void> {
  await ctx.store.tx(async (t) => {
    await t.patchAttempt(attempt.id, { state: 'failed', errorKind: kind, errorMessage: message, finishedAt: ctx.now() }, { lease: work.lease });
    if (state() !== 'processing' && state() !== 'queued') await move('processing', {}, { t });
    await move('failed', { errorKind: kind, errorMessage: message, nextActionAt: null }, { t, release: true });
    await t.addEvent(row.batchId, row.id, 'failed', message);
  });
  ctx.failureStreak.delete(attempt.id);
  ctx.emit({ type: 'row', batchId: row.batchId, rowId: row.id, state: 'failed', message });
}

/** Polled past every reasonable bound: the row fails with the reason, its paid job kept for a Retry that fetches. */
async function failStuck(ctx: EngineContext, row: RowRecord, attempt: AttemptRecord, work: Work, state: StateOf, move: RowMove, elapsedMs: number, estimateMs: number | null): Promise<void> {
  await failDownload(ctx, row, attempt, work, state, move, stuckMessage(elapsedMs, estimateMs), 'stuck_processing');
}

async function retryLater(
  ctx: EngineContext,
  row: RowRecord,
  attempt: AttemptRecord,
  work: Work,
  state: StateOf,
  move: RowMove,
  message: string,
  opts: { atLeastMs?: number; baseMs?: number } = {},
): Promise<void> {
  const streak = (ctx.failureStreak.get(attempt.id) ?? 0) + 1;
  ctx.failureStreak.set(attempt.id, streak);
  const wait = Math.max(opts.atLeastMs ?? 0, backoffMs(streak, { baseMs: opts.baseMs ?? ctx.retryBaseMs, minMs: Math.min(500, ctx.retryBaseMs), capMs: 300_000 }, ctx.random));
  const nextActionAt = ctx.now() + wait;
  await ctx.store.tx(async (t) => {
    if (state() === 'processing' || state() === 'queued') {
      await t.patchRow(row.id, { nextActionAt }, { lease: work.lease, release: true });
      work.released = true;
    } else await move('processing', { nextActionAt }, { t, release: true });
    await t.addEvent(row.batchId, row.id, 'retrieve_retry', message, { waitMs: wait });
  });
}

async function handlePollError(ctx: EngineContext, row: RowRecord, attempt: AttemptRecord, work: Work, e: VeniceError, state: StateOf, move: RowMove): Promise<void> {
  const fail = async (kind: string, message: string, attemptState: 'lost' | 'failed', extra: { suggestedPrompt?: string | null } = {}) => {
    await ctx.store.tx(async (t) => {
      await t.patchAttempt(
        attempt.id,
        { state: attemptState, errorKind: kind, errorMessage: message, finishedAt: ctx.now(), requestId: e.requestId ?? null },
        { lease: work.lease },
      );
      await move('failed', { errorKind: kind, errorMessage: message, suggestedPrompt: extra.suggestedPrompt ?? null, nextActionAt: null }, { t, release: true });
      await t.addEvent(row.batchId, row.id, 'failed', message, { kind: e.kind, creditsRefunded: e.creditsRefunded });
    });
    ctx.failureStreak.delete(attempt.id);
    ctx.emit({ type: 'row', batchId: row.batchId, rowId: row.id, state: 'failed', message });
  };

  // Once bytes were asked for, whatever goes wrong (cut off, too big, too slow, a 5xx from the link's host)
  // spends one of the row's download tries: no answer can keep the engine fetching forever. A link refused by
  // policy fails at once: asking again will not make a private address safe.
  if (state() === 'downloading' && e.kind !== 'not_found' && e.kind !== 'content_policy') {
    const tries = (await ctx.store.getAttempt(attempt.id))?.downloadTries ?? attempt.downloadTries;
    const again = 'The clip is still on Venice: use Retry to fetch it again.';
    if (e.route === 'download' && e.kind === 'protocol' && !e.retryable) {
      await failDownload(ctx, row, attempt, work, state, move, `${e.message}. ${again}`);
      return;
    }
    if (tries >= ctx.maxDownloadTries) {
      await failDownload(ctx, row, attempt, work, state, move, `${e.message}. Downloaded ${tries} times without success. ${again}`);
      return;
    }
  }

  switch (e.kind) {
    case 'protocol': {
      // Answers about the job that cannot be read (a playlist's Content-Type, garbage JSON): bounded like downloads.
      const streak = ctx.failureStreak.get(attempt.id) ?? 0;
      if (streak >= ctx.maxDownloadTries) {
        await failDownload(
          ctx,
          row,
          attempt,
          work,
          state,
          move,
          `Venice's answers about this clip could not be read ${streak + 1} times in a row (${e.message}). The clip may still be on Venice: use Retry to ask again.`,
        );
        return;
      }
      await retryLater(ctx, row, attempt, work, state, move, e.message);
      return;
    }
    case 'not_found':
      await fail('media_lost', 'Venice no longer has this clip (it expired or was deleted). It was paid for but cannot be downloaded.', 'lost');
      return;
    case 'content_policy': {
      const refunded = e.creditsRefunded ? ' The charge was refunded.' : '';
      const suggestion = e.suggestedPrompt ? ' Venice suggests a reworded prompt.' : '';
      await fail('content_policy', `Venice refused the clip under its content policy.${refunded}${suggestion}`, 'failed', { suggestedPrompt: e.suggestedPrompt ?? null });
      return;
    }
    case 'rate_limited':
      if (e.resetAt) await ctx.limiter.blockUntil('retrieve', e.resetAt).catch((x) => ctx.storeTrouble(x));
      await retryLater(ctx, row, attempt, work, state, move, 'Venice asked us to slow down', { atLeastMs: e.resetAt ? e.resetAt - ctx.now() : 5_000 });
      return;
    case 'unavailable':
      await retryLater(ctx, row, attempt, work, state, move, 'Venice is at capacity; slowing down', { baseMs: ctx.retryBaseMs * 5 });
      return;
    case 'unauthorized':
      await retryLater(ctx, row, attempt, work, state, move, e.message, { atLeastMs: 60_000 });
      return;
    case 'truncated': {
      const tries = (await ctx.store.getAttempt(attempt.id))?.downloadTries ?? attempt.downloadTries;
      if (tries >= ctx.maxDownloadTries) {
        await failDownload(ctx, row, attempt, work, state, move, `The clip download was cut off ${tries} times. It is still on Venice: use Retry to fetch it again.`);
        return;
      }
      await retryLater(ctx, row, attempt, work, state, move, e.message);
      return;
    }
    default:
      // 5xx, network, timeouts, unreadable answers: the job is still on Venice; try again with full jitter.
      await retryLater(ctx, row, attempt, work, state, move, e.message);
  }
}
