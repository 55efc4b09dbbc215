/**
 * Follows one paid job on Venice: poll /video/retrieve on a schedule drawn from Venice's own estimate, stream the
 * finished clip to a temp file, and hand it to finishClip. Every failure here is about a clip already paid for, so
 * the rule is: keep trying while Venice still holds it, and say plainly when it is gone.
 */
import { clipSizeCap } from '../media/verify-clip';
import { isVeniceError, type VeniceError } from '../venice/errors';
import { durationSeconds } from '../venice/model-rules';
import { noteRequest, tempClipPath, type EngineContext } from './engine-context';
import { finishClip } from './finish-clip';
import { waitForFolder } from './folder-wait';
import type { JobState } from './job-states';
import { backoffMs, nextPollDelayMs } from './timing';
import type { AttemptRecord, BatchRecord, RowRecord } from './types';
import { openUrl } from './url-vault';


export async function pollJob(ctx: EngineContext, batch: BatchRecord, row: RowRecord, attempt: AttemptRecord): Promise<void> {
  if (!attempt.queueId) throw new Error(`Row ${row.id} has no queue id to poll`);
  const temp = tempClipPath(batch.outputDir, attempt.id);
  // The folder is never made here: once a batch has paid jobs, a missing folder is an unplugged drive (holds.ts).
  let state: JobState = row.state;
  const move = (to: JobState, patch: Parameters<typeof ctx.store.transitionRow>[3] = {}) => {
    ctx.store.transitionRow(row.id, state, to, patch);
    state = to;
  };

  // No answer may be bigger than what the row asked for could be (duration x resolution, generously).
  const maxBytes = clipSizeCap({ durationSec: durationSeconds(row.params.duration), resolution: row.params.resolution });
  try {
    let expectedBytes: number | undefined;
    const res = await ctx.client.retrieve({ model: attempt.model, queue_id: attempt.queueId }, temp, {
      onVideo: () => startDownload(ctx, row, attempt, move),
      maxBytes,
    });
    noteRequest(ctx, 'retrieve', true);
    if (res.meta.balanceUsd !== undefined) ctx.emit({ type: 'balance', balanceUsd: res.meta.balanceUsd });
    if (res.kind === 'processing') {
      const delay = nextPollDelayMs(res.averageExecutionMs, res.executionDurationMs, ctx.pollPolicy);
      ctx.store.tx(() => {
        ctx.store.patchAttempt(attempt.id, {
          state: 'processing',
          polls: attempt.polls + 1,
          avgExecutionMs: res.averageExecutionMs ?? null,
          executionMs: res.executionDurationMs ?? null,
        });
        move('processing', { nextActionAt: ctx.now() + delay });
      });
      ctx.failureStreak.delete(attempt.id);
      if (row.state === 'queued') ctx.emit({ type: 'row', batchId: row.batchId, rowId: row.id, state: 'processing', message: 'Generating' });
      return;
    }
    if (res.kind === 'completed') {
      // This model hands its clip out through the pre-signed link saved at queue time.
      expectedBytes = await downloadFromLink(ctx, attempt, temp, maxBytes, () => startDownload(ctx, row, attempt, move));
    } else {
      expectedBytes = res.bytes;
    }
    ctx.store.tx(() => {
      ctx.store.patchAttempt(attempt.id, { state: 'verifying' });
      move('verifying');
    });
    ctx.failureStreak.delete(attempt.id);
    const fresh = ctx.store.getAttempt(attempt.id) ?? attempt;
    const outcome = await finishClip(ctx, batch, { ...row, state }, fresh, temp, expectedBytes);
    if (outcome === 'redownload') {
      move('processing', { nextActionAt: ctx.now() + backoffMs(1, { baseMs: ctx.retryBaseMs }, ctx.random) });
    }
  } catch (e) {
    // A full disk or a vanished folder is this machine's problem: the batch waits, the row loses no try.
    if (!isVeniceError(e) && (await waitForFolder(ctx, batch, row, attempt, e, () => state, move))) return;
    if (!isVeniceError(e)) {
      const message = `Problem while fetching the clip: ${(e as Error).message}`;
      if ((ctx.failureStreak.get(attempt.id) ?? 0) >= ctx.maxDownloadTries) {
        // Stop hammering; the clip stays on Venice and Retry fetches it again once the cause is fixed.
        failDownload(ctx, row, attempt, () => state, move, `${message}. The clip is still on Venice: use Retry to fetch it again.`);
        return;
      }
      retryLater(ctx, row, attempt, () => state, move, message);
      return;
    }
    if (e.route === 'retrieve' || e.route === 'complete') noteRequest(ctx, e.route, false, e);
    handlePollError(ctx, row, attempt, e, () => state, move);
  }
}

function startDownload(ctx: EngineContext, row: RowRecord, attempt: AttemptRecord, move: (to: JobState) => void): void {
  ctx.store.tx(() => {
    ctx.store.patchAttempt(attempt.id, { state: 'downloading', downloadTries: attempt.downloadTries + 1 });
    move('downloading');
  });
  ctx.emit({ type: 'row', batchId: row.batchId, rowId: row.id, state: 'downloading', message: 'Downloading the clip' });
}

async function downloadFromLink(ctx: EngineContext, attempt: AttemptRecord, temp: string, maxBytes: number, onStart: () => void): Promise<number | undefined> {
  const key = await ctx.apiKey();
  if (!attempt.downloadUrlEnc) throw new Error('Venice says the clip is ready at its download link, but no link was saved');
  if (!key) throw new Error('No API key to open the saved download link');
  onStart();
  const dl = await ctx.client.downloadFromUrl(openUrl(attempt.downloadUrlEnc, key), temp, { maxBytes });
  return dl.expectedBytes;
}

function failDownload(
  ctx: EngineContext,
  row: RowRecord,
  attempt: AttemptRecord,
  state: () => JobState,
  move: (to: JobState, patch?: Record<string, unknown>) => void,
  message: string,
): void {
  ctx.store.tx(() => {
    ctx.store.patchAttempt(attempt.id, { state: 'failed', errorKind: 'download_failed', errorMessage: message, finishedAt: ctx.now() });
    if (state() !== 'processing' && state() !== 'queued') move('processing');
    move('failed', { errorKind: 'download_failed', errorMessage: message, nextActionAt: null });
    ctx.store.addEvent(row.batchId, row.id, 'failed', message);
  });
  ctx.failureStreak.delete(attempt.id);
  ctx.emit({ type: 'row', batchId: row.batchId, rowId: row.id, state: 'failed', message });
}

function retryLater(
  ctx: EngineContext,
  row: RowRecord,
  attempt: AttemptRecord,
  state: () => JobState,
  move: (to: JobState, patch?: { nextActionAt?: number | null; errorMessage?: string | null }) => void,
  message: string,
  opts: { atLeastMs?: number; baseMs?: number } = {},
): void {
  const streak = (ctx.failureStreak.get(attempt.id) ?? 0) + 1;
  ctx.failureStreak.set(attempt.id, streak);
  const wait = Math.max(opts.atLeastMs ?? 0, backoffMs(streak, { baseMs: opts.baseMs ?? ctx.retryBaseMs, minMs: Math.min(500, ctx.retryBaseMs), capMs: 300_000 }, ctx.random));
  const nextActionAt = ctx.now() + wait;
  ctx.store.tx(() => {
    if (state() === 'processing' || state() === 'queued') ctx.store.patchRow(row.id, { nextActionAt });
    else move('processing', { nextActionAt });
    ctx.store.addEvent(row.batchId, row.id, 'retrieve_retry', message, { waitMs: wait });
  });
}

function handlePollError(
  ctx: EngineContext,
  row: RowRecord,
  attempt: AttemptRecord,
  e: VeniceError,
  state: () => JobState,
  move: (to: JobState, patch?: Record<string, unknown>) => void,
): void {
  const fail = (kind: string, message: string, attemptState: 'lost' | 'failed', extra: { suggestedPrompt?: string | null } = {}) => {
    ctx.store.tx(() => {
      ctx.store.patchAttempt(attempt.id, { state: attemptState, errorKind: kind, errorMessage: message, finishedAt: ctx.now(), requestId: e.requestId ?? null });
      move('failed', { errorKind: kind, errorMessage: message, suggestedPrompt: extra.suggestedPrompt ?? null, nextActionAt: null });
      ctx.store.addEvent(row.batchId, row.id, 'failed', message, { kind: e.kind, creditsRefunded: e.creditsRefunded });
    });
    ctx.failureStreak.delete(attempt.id);
    ctx.emit({ type: 'row', batchId: row.batchId, rowId: row.id, state: 'failed', message });
  };

  // Once bytes were asked for, whatever goes wrong (cut off, too big, too slow, a 5xx from the link's host)
  // spends one of the row's download tries: no answer can keep the engine fetching forever. A link refused by
  // policy fails at once: asking again will not make a private address safe.
  if (state() === 'downloading' && e.kind !== 'not_found' && e.kind !== 'content_policy') {
    const tries = ctx.store.getAttempt(attempt.id)?.downloadTries ?? attempt.downloadTries;
    const again = 'The clip is still on Venice: use Retry to fetch it again.';
    if (e.route === 'download' && e.kind === 'protocol' && !e.retryable) {
      failDownload(ctx, row, attempt, state, move, `${e.message}. ${again}`);
      return;
    }
    if (tries >= ctx.maxDownloadTries) {
      failDownload(ctx, row, attempt, state, move, `${e.message}. Downloaded ${tries} times without success. ${again}`);
      return;
    }
  }

  switch (e.kind) {
    case 'protocol': {
      // Answers about the job that cannot be read (a playlist's Content-Type, garbage JSON): bounded like downloads.
      const streak = ctx.failureStreak.get(attempt.id) ?? 0;
      if (streak >= ctx.maxDownloadTries) {
        failDownload(ctx, row, attempt, state, move, `Venice's answers about this clip could not be read ${streak + 1} times in a row (${e.message}). The clip may still be on Venice: use Retry to ask again.`);
        return;
      }
      retryLater(ctx, row, attempt, state, move, e.message);
      return;
    }
    case 'not_found':
      fail('media_lost', 'Venice no longer has this clip (it expired or was deleted). It was paid for but cannot be downloaded.', 'lost');
      return;
    case 'content_policy': {
      const refunded = e.creditsRefunded ? ' The charge was refunded.' : '';
      const suggestion = e.suggestedPrompt ? ' Venice suggests a reworded prompt.' : '';
      fail('content_policy', `Venice refused the clip under its content policy.${refunded}${suggestion}`, 'failed', { suggestedPrompt: e.suggestedPrompt ?? null });
      return;
    }
    case 'rate_limited':
      if (e.resetAt) ctx.limiter.blockUntil('retrieve', e.resetAt);
      retryLater(ctx, row, attempt, state, move, 'Venice asked us to slow down', { atLeastMs: e.resetAt ? e.resetAt - ctx.now() : 5_000 });
      return;
    case 'unavailable':
      retryLater(ctx, row, attempt, state, move, 'Venice is at capacity; slowing down', { baseMs: ctx.retryBaseMs * 5 });
      return;
    case 'unauthorized':
      retryLater(ctx, row, attempt, state, move, e.message, { atLeastMs: 60_000 });
      return;
    case 'truncated': {
      const tries = (ctx.store.getAttempt(attempt.id)?.downloadTries ?? attempt.downloadTries);
      if (tries >= ctx.maxDownloadTries) {
        failDownload(ctx, row, attempt, state, move, `The clip download was cut off ${tries} times. It is still on Venice: use Retry to fetch it again.`);
        return;
      }
      retryLater(ctx, row, attempt, state, move, e.message);
      return;
    }
    default:
      // 5xx, network, timeouts, unreadable answers: the job is still on Venice; try again with full jitter.
      retryLater(ctx, row, attempt, state, move, e.message);
  }
}
