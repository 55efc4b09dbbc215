/**
 * Sends one row to /video/queue: the most careful code in the product. The order is fixed:
 *   1. everything that can fail without money (image read, quote, budget, the first poll's timing) happens first;
 *   2. the attempt is committed as `submitting`, durably, while the row is held under this machine's lease;
 *   3. the request leaves (it is never aborted: an abandoned request is a charge nobody can see);
 *   4. the answer goes to the local paid journal (synchronous, fsync'd), then into the store in one transaction
 *      guarded by the lease. Nothing is awaited between the answer and those two writes.
 * If the store refuses the answer (the lease ran out meanwhile, the database is away), `applyPaidAnswer` writes it
 * by the late-answer rules, now or when the journal is replayed. Any failure that leaves the outcome unknown makes
 * the row `in_doubt`, which nothing ever re-sends on its own.
 */
import { isVeniceError, type VeniceError } from '../venice/errors';
import { buildQueueRequest, RowInputError, requestForHistory } from './build-request';
import type { Acquired, SlotRef } from './account-limiter';
import { noteRequest, type EngineContext, type Work } from './engine-context';
import type { HoldCause } from './hold-store';
import { isStoreUnreachable } from './pg/pg-errors';
import { pollDelayMs } from './poll-budget';
import { pollPrior } from './poll-prior';
import { stampAnswered } from './slot-stamp';
import { LeaseLostError, type ClaimedRow, type PaidAnswer, type WriteGuard } from './store-api';
import { backoffMs } from './timing';
import type { RowRecord } from './types';
import { sealUrl } from './url-vault';

export type SubmitOutcome = 'queued' | 'in_doubt' | 'failed' | 'retry_later' | 'paused' | 'lost_lease';

/** Pauses every batch until the user resumes them: a 402 concerns the account, not one batch. */
export async function pauseAll(ctx: EngineContext, reason: string, cause: HoldCause): Promise<void> {
  for (const b of await ctx.store.listBatches()) {
    if (b.status === 'active' && b.baseUrl === ctx.baseUrl) {
      await ctx.store.setBatchStatus(b.id, 'paused', reason, cause);
      await ctx.store.addEvent(b.id, null, 'batch_paused', reason);
      ctx.emit({ type: 'batch', batchId: b.id, status: 'paused', reason });
    }
  }
}

async function failRowBeforeSending(ctx: EngineContext, row: RowRecord, guard: WriteGuard, column: string, message: string): Promise<SubmitOutcome> {
  await ctx.store.tx(async (t) => {
    await t.transitionRow(row.id, 'ready', 'submitting', {}, { lease: guard.lease });
    await t.transitionRow(row.id, 'submitting', 'failed', { errorKind: `input:${column}`, errorMessage: message }, { lease: guard.lease, release: true });
    await t.addEvent(row.batchId, row.id, 'failed', message);
  });
  ctx.emit({ type: 'row', batchId: row.batchId, rowId: row.id, state: 'failed', message });
  return 'failed';
}

/** `slot`: the queue slot the scheduler took for this send. */
export async function submitJob(ctx: EngineContext, claimed: ClaimedRow, work: Work, slot: SlotRef): Promise<SubmitOutcome> {
  const row = claimed.row;
  const guard: WriteGuard = { lease: work.lease };
  let request;
  try {
    request = await buildQueueRequest(row.params, await ctx.baseDirOf(row.batchId));
  } catch (e) {
    if (e instanceof RowInputError) {
      work.released = true;
      return failRowBeforeSending(ctx, row, guard, e.column, e.message);
    }
    throw e;
  }

  // The key seals the download link Venice may return, and the first poll's time comes from the latest estimate
  // for clips like this one: both are read now, so that nothing stands between the answer and the writes that
  // record it (an await there is a window in which a paid queue_id could be lost).
  const key = await ctx.apiKey();
  if (!key) {
    // Waits for a key (checked on the hold's schedule): the batch carries on by itself once one is set.
    await ctx.holds.holdEndpoint(ctx.baseUrl, 'key', 'No Venice API key is set. Add one in Settings (or set VENICE_API_KEY): the batch carries on by itself.');
    return 'paused';
  }
  const recent = await ctx.store.recentEstimatesMs(row.params).catch(() => []);
  const firstPoll = { estimateMs: null, elapsedMs: 0, ...pollPrior(recent, ctx.pollPolicy.sigma) };
  const firstPollPriceMs = ctx.pollBudget.priceMs();
  const firstPollMs = pollDelayMs(firstPoll, ctx.pollBudget, ctx.pollPolicy);

  let attemptId: number;
  try {
    attemptId = await ctx.store.beginSubmit(guard, request.model, requestForHistory(request), row.quoteUsd);
  } catch (e) {
    // Taken over (or changed by a person) before anything was sent: nothing to do, nothing spent.
    if (e instanceof LeaseLostError || (e as Error).name === 'RowStateError') return 'lost_lease';
    throw e;
  }
  const window = await slotForSending(ctx, slot);
  if (!window.ok) {
    // Nothing sent: the attempt is closed as never sent, and the row waits for the window like any other.
    await ctx.store.tx(async (t) => {
      await t.patchAttempt(attemptId, { state: 'refused', errorKind: 'not_sent', errorMessage: "Not sent: the account's rate window was full. It goes out by itself shortly.", finishedAt: ctx.now() }, guard);
      await t.transitionRow(row.id, 'submitting', 'ready', { nextActionAt: ctx.now() + window.waitMs }, { lease: work.lease, release: true });
    });
    work.released = true;
    return 'retry_later';
  }
  ctx.emit({ type: 'row', batchId: row.batchId, rowId: row.id, state: 'submitting', message: 'Sending to Venice' });

  let result;
  try {
    result = await ctx.client.queue(request);
  } catch (e) {
    const err: VeniceError | undefined = isVeniceError(e) ? e : undefined;
    const outcome = await handleQueueError(ctx, row, work, attemptId, err, e);
    await stampAnswered(ctx, slot);
    await noteRequest(ctx, 'queue', false, err);
    return outcome;
  }
  // The answer is the only proof of what was paid for: journal first, then the store. Bookkeeping after.
  const at = ctx.now();
  const answer: PaidAnswer = {
    rowId: row.id,
    attemptId,
    queueId: result.queueId,
    // The link is a credential and Venice sends it once: sealed, never stored in clear, never dropped.
    downloadUrlEnc: result.downloadUrl ? sealUrl(result.downloadUrl, key) : null,
    requestId: result.meta.requestId ?? null,
    queuedAt: at,
    nextActionAt: at + firstPollMs,
  };
  ctx.journal?.record(ctx.store.describe(), answer, Date.now());
  const committed = ctx.store.tx(async (t) => {
    await t.patchAttempt(
      attemptId,
      { state: 'queued', queueId: answer.queueId, downloadUrlEnc: answer.downloadUrlEnc, charged: true, queuedAt: at, requestId: answer.requestId },
      guard,
    );
    await t.transitionRow(row.id, 'submitting', 'queued', { nextActionAt: answer.nextActionAt }, { lease: work.lease, release: true });
    await t.addEvent(row.batchId, row.id, 'queued', 'Queued on Venice', { queueId: answer.queueId, quoteUsd: row.quoteUsd });
  });
  work.released = true;
  try {
    await committed;
    ctx.pollSchedule.note({ rowId: row.id, job: firstPoll, placedAt: at, dueAt: answer.nextActionAt, priceMs: firstPollPriceMs });
  } catch (e) {
    // The lease ran out while the request was away (the row may be in doubt by now), or the store is unreachable:
    // the late-answer rules decide; if even that fails, the journal keeps the answer until the store is back.
    try {
      await ctx.store.applyPaidAnswer(answer);
    } catch (late) {
      ctx.storeTrouble(late);
      ctx.emit({
        type: 'notice',
        level: 'warning',
        message: `Row ${row.rowIndex} was queued on Venice, but the queue could not record it yet (${(late as Error).message}); it is kept on this machine and written as soon as the queue answers.`,
      });
    }
    if (!(e instanceof LeaseLostError)) ctx.storeTrouble(e);
  }
  await stampAnswered(ctx, slot);
  await noteRequest(ctx, 'queue', true);
  ctx.holds.noteQueued(ctx.baseUrl);
  if (result.meta.balanceUsd !== undefined) ctx.emit({ type: 'balance', balanceUsd: result.meta.balanceUsd });
  if (result.meta.deprecationWarning) {
    ctx.emit({ type: 'notice', level: 'warning', message: `Model ${request.model}: ${result.meta.deprecationWarning}` });
  }
  ctx.emit({ type: 'row', batchId: row.batchId, rowId: row.id, state: 'queued', message: 'Queued on Venice' });
  return 'queued';
}

/**
 * The account's window counts the slot from when the scheduler took it; the request leaves now. A machine slowed
 * since (a starved CPU, a busy database: seen in the studio proof test and the studio bench) would send later than
 * its slot says, and a 41st call could land inside Venice's minute. So the slot moves to now, after the attempt is
 * committed and right before the request leaves (or, gone from the window after a long stall, is taken anew). If
 * the limiter cannot be reached to move it, the request leaves on the slot as taken a moment ago (the answer then
 * goes to the local journal, like any answer the store cannot take).
 */
async function slotForSending(ctx: EngineContext, slot: SlotRef): Promise<{ ok: true } | { ok: false; waitMs: number }> {
  try {
    if (await ctx.limiter.restamp(slot)) return { ok: true };
  } catch (e) {
    ctx.storeTrouble(e);
    return { ok: true };
  }
  // The slot aged out (a stall longer than the window): a fresh one. Should the studio's limiter be unreachable
  // right now, the request goes out as on a slot that could not be re-dated (above): the row is already
  // `submitting`, and not sending would leave it for a person to doubt although nothing left. One call past the
  // shared count at worst; its answer is kept in the journal until the database is back.
  let fresh: Acquired;
  try {
    fresh = await ctx.limiter.acquire('queue');
  } catch (e) {
    if (!isStoreUnreachable(e)) throw e;
    ctx.storeTrouble(e);
    return { ok: true };
  }
  return fresh.ok ? { ok: true } : fresh;
}

async function handleQueueError(ctx: EngineContext, row: RowRecord, work: Work, attemptId: number, err: VeniceError | undefined, raw: unknown): Promise<SubmitOutcome> {
  const at = ctx.now();
  const guard: WriteGuard = { lease: work.lease };
  const release: WriteGuard = { lease: work.lease, release: true };
  const emitRow = (state: string, message: string) => ctx.emit({ type: 'row', batchId: row.batchId, rowId: row.id, state, message });
  work.released = true;

  // Unknown outcome (no typed error means a bug between send and commit: be as careful as for a lost answer).
  if (!err || err.mayHaveBeenCharged) {
    const message = err
      ? `Venice may have charged for this clip (${err.message}). It will not be sent again unless you choose to.`
      : `Venice may have charged for this clip (unexpected failure while sending: ${(raw as Error)?.message ?? String(raw)}). It will not be sent again unless you choose to.`;
    await ctx.store.tx(async (t) => {
      await t.patchAttempt(attemptId, { state: 'in_doubt', errorKind: err?.kind ?? 'internal', errorMessage: message, requestId: err?.requestId ?? null }, guard);
      await t.transitionRow(row.id, 'submitting', 'in_doubt', { errorKind: 'in_doubt', errorMessage: message }, release);
      await t.addEvent(row.batchId, row.id, 'in_doubt', message);
    });
    emitRow('in_doubt', message);
    return 'in_doubt';
  }

  // Refused before any charge: back to ready, later.
  const refuse = async (nextActionAt: number | null, note: string) => {
    await ctx.store.tx(async (t) => {
      await t.patchAttempt(attemptId, { state: 'refused', errorKind: err.kind, errorMessage: err.message, requestId: err.requestId ?? null, finishedAt: at }, guard);
      await t.transitionRow(row.id, 'submitting', 'ready', { nextActionAt }, release);
      await t.addEvent(row.batchId, row.id, 'refused', note, { kind: err.kind, status: err.status });
    });
    emitRow('ready', note);
  };

  switch (err.kind) {
    case 'insufficient_balance':
      await refuse(null, err.message);
      await pauseAll(ctx, 'The Venice balance (or the key spend cap) ran out. Top up, then resume.', 'balance');
      return 'paused';
    case 'unauthorized':
      // Refused before any charge. The endpoint waits for a key Venice accepts (holds.ts), then carries on.
      await refuse(null, err.message);
      return 'paused';
    case 'rate_limited':
      if (err.resetAt) await ctx.limiter.blockUntil('queue', err.resetAt).catch((e) => ctx.storeTrouble(e));
      await refuse(err.resetAt ?? at + 5_000, 'Venice asked us to slow down; will send again shortly');
      return 'retry_later';
    default:
      break;
  }
  if (err.retryable) {
    await refuse(at + backoffMs(2, { baseMs: ctx.retryBaseMs }, ctx.random), `${err.message}; will try again shortly`);
    return 'retry_later';
  }

  // A definite refusal about this row: it needs the user (fix a field, change a prompt, give consent).
  const fields = err.fieldErrors.map((f) => `${f.field}: ${f.message}`).join('; ');
  const message = fields ? `${err.message} (${fields})` : err.message;
  await ctx.store.tx(async (t) => {
    await t.patchAttempt(attemptId, { state: 'failed', errorKind: err.kind, errorMessage: message, requestId: err.requestId ?? null, finishedAt: at }, guard);
    await t.transitionRow(row.id, 'submitting', 'failed', { errorKind: err.kind, errorMessage: message, suggestedPrompt: err.suggestedPrompt ?? null }, release);
    await t.addEvent(row.batchId, row.id, 'failed', message, { kind: err.kind, suggestedPrompt: err.suggestedPrompt, creditsRefunded: err.creditsRefunded });
  });
  emitRow('failed', message);
  return 'failed';
}
