/**
 * Sends one row to /video/queue: the most careful code in the product. The order is fixed:
 *   1. everything that can fail without money (image read, quote, budget) happens first;
 *   2. the attempt is committed as `submitting` with synchronous=FULL;
 *   3. the request leaves;
 *   4. the answer (queue_id and the sealed download link) is committed in one transaction.
 * Any failure that leaves the outcome unknown makes the row `in_doubt`, which nothing ever re-sends on its own.
 */
import { isVeniceError, type VeniceError } from '../venice/errors';
import { buildQueueRequest, RowInputError, requestForHistory } from './build-request';
import { noteRequest, type EngineContext } from './engine-context';
import type { HoldCause } from './hold-store';
import { backoffMs, nextPollDelayMs } from './timing';
import type { RowRecord } from './types';
import { sealUrl } from './url-vault';

export type SubmitOutcome = 'queued' | 'in_doubt' | 'failed' | 'retry_later' | 'paused';

/** Pauses every batch until the user resumes them: a 402 concerns the account, not one batch. */
export function pauseAll(ctx: EngineContext, reason: string, cause: HoldCause): void {
  for (const b of ctx.store.listBatches()) {
    if (b.status === 'active') {
      ctx.store.setBatchStatus(b.id, 'paused', reason, cause);
      ctx.store.addEvent(b.id, null, 'batch_paused', reason);
      ctx.emit({ type: 'batch', batchId: b.id, status: 'paused', reason });
    }
  }
}

function failRowBeforeSending(ctx: EngineContext, row: RowRecord, column: string, message: string): SubmitOutcome {
  ctx.store.tx(() => {
    ctx.store.transitionRow(row.id, 'ready', 'submitting');
    ctx.store.transitionRow(row.id, 'submitting', 'failed', { errorKind: `input:${column}`, errorMessage: message });
    ctx.store.addEvent(row.batchId, row.id, 'failed', message);
  });
  ctx.emit({ type: 'row', batchId: row.batchId, rowId: row.id, state: 'failed', message });
  return 'failed';
}

export async function submitJob(ctx: EngineContext, row: RowRecord): Promise<SubmitOutcome> {
  let request;
  try {
    request = await buildQueueRequest(row.params, ctx.baseDirOf(row.batchId));
  } catch (e) {
    if (e instanceof RowInputError) return failRowBeforeSending(ctx, row, e.column, e.message);
    throw e;
  }

  // The key seals the download link Venice may return; read it now so that nothing stands between the answer
  // and the commit that records it (an await there is a window in which a paid queue_id could be lost).
  const key = await ctx.apiKey();
  if (!key) {
    // Waits for a key (checked on the hold's schedule): the batch carries on by itself once one is set.
    ctx.holds.holdEndpoint(ctx.baseUrl, 'key', 'No Venice API key is set. Add one in Settings (or set VENICE_API_KEY): the batch carries on by itself.');
    return 'paused';
  }

  const attemptId = ctx.store.beginSubmit(row.id, request.model, requestForHistory(request), row.quoteUsd);
  ctx.emit({ type: 'row', batchId: row.batchId, rowId: row.id, state: 'submitting', message: 'Sending to Venice' });

  let result;
  try {
    result = await ctx.client.queue(request);
  } catch (e) {
    const err: VeniceError | undefined = isVeniceError(e) ? e : undefined;
    const outcome = handleQueueError(ctx, row, attemptId, err, e);
    noteRequest(ctx, 'queue', false, err);
    return outcome;
  }
  // Record the answer first: it is the only proof of what was paid for. Bookkeeping and listeners come after.
  const at = ctx.now();
  ctx.store.tx(() => {
    ctx.store.patchAttempt(attemptId, {
      state: 'queued',
      queueId: result.queueId,
      // The link is a credential and Venice sends it once: sealed, never stored in clear, never dropped.
      downloadUrlEnc: result.downloadUrl ? sealUrl(result.downloadUrl, key) : null,
      charged: true,
      queuedAt: at,
      requestId: result.meta.requestId ?? null,
    });
    ctx.store.transitionRow(row.id, 'submitting', 'queued', { nextActionAt: at + nextPollDelayMs(undefined, undefined, ctx.pollPolicy) });
    ctx.store.addEvent(row.batchId, row.id, 'queued', 'Queued on Venice', { queueId: result.queueId, quoteUsd: row.quoteUsd });
  });
  noteRequest(ctx, 'queue', true);
  ctx.holds.noteQueued(ctx.baseUrl);
  if (result.meta.balanceUsd !== undefined) ctx.emit({ type: 'balance', balanceUsd: result.meta.balanceUsd });
  if (result.meta.deprecationWarning) {
    ctx.emit({ type: 'notice', level: 'warning', message: `Model ${request.model}: ${result.meta.deprecationWarning}` });
  }
  ctx.emit({ type: 'row', batchId: row.batchId, rowId: row.id, state: 'queued', message: 'Queued on Venice' });
  return 'queued';
}

function handleQueueError(ctx: EngineContext, row: RowRecord, attemptId: number, err: VeniceError | undefined, raw: unknown): SubmitOutcome {
  const at = ctx.now();
  const emitRow = (state: string, message: string) => ctx.emit({ type: 'row', batchId: row.batchId, rowId: row.id, state, message });

  // Unknown outcome (no typed error means a bug between send and commit: be as careful as for a lost answer).
  if (!err || err.mayHaveBeenCharged) {
    const message = err
      ? `Venice may have charged for this clip (${err.message}). It will not be sent again unless you choose to.`
      : `Venice may have charged for this clip (unexpected failure while sending: ${(raw as Error)?.message ?? String(raw)}). It will not be sent again unless you choose to.`;
    ctx.store.tx(() => {
      ctx.store.patchAttempt(attemptId, { state: 'in_doubt', errorKind: err?.kind ?? 'internal', errorMessage: message, requestId: err?.requestId ?? null });
      ctx.store.transitionRow(row.id, 'submitting', 'in_doubt', { errorKind: 'in_doubt', errorMessage: message });
      ctx.store.addEvent(row.batchId, row.id, 'in_doubt', message);
    });
    emitRow('in_doubt', message);
    return 'in_doubt';
  }

  // Refused before any charge: back to ready, later.
  const refuse = (nextActionAt: number | null, note: string) => {
    ctx.store.tx(() => {
      ctx.store.patchAttempt(attemptId, { state: 'refused', errorKind: err.kind, errorMessage: err.message, requestId: err.requestId ?? null, finishedAt: at });
      ctx.store.transitionRow(row.id, 'submitting', 'ready', { nextActionAt });
      ctx.store.addEvent(row.batchId, row.id, 'refused', note, { kind: err.kind, status: err.status });
    });
    emitRow('ready', note);
  };

  switch (err.kind) {
    case 'insufficient_balance':
      refuse(null, err.message);
      pauseAll(ctx, 'The Venice balance (or the key spend cap) ran out. Top up, then resume.', 'balance');
      return 'paused';
    case 'unauthorized':
      // Refused before any charge. The endpoint waits for a key Venice accepts (holds.ts), then carries on.
      refuse(null, err.message);
      return 'paused';
    case 'rate_limited':
      if (err.resetAt) ctx.limiter.blockUntil('queue', err.resetAt);
      refuse(err.resetAt ?? at + 5_000, 'Venice asked us to slow down; will send again shortly');
      return 'retry_later';
    default:
      break;
  }
  if (err.retryable) {
    refuse(at + backoffMs(2, { baseMs: ctx.retryBaseMs }, ctx.random), `${err.message}; will try again shortly`);
    return 'retry_later';
  }

  // A definite refusal about this row: it needs the user (fix a field, change a prompt, give consent).
  const fields = err.fieldErrors.map((f) => `${f.field}: ${f.message}`).join('; ');
  const message = fields ? `${err.message} (${fields})` : err.message;
  ctx.store.tx(() => {
    ctx.store.patchAttempt(attemptId, { state: 'failed', errorKind: err.kind, errorMessage: message, requestId: err.requestId ?? null, finishedAt: at });
    ctx.store.transitionRow(row.id, 'submitting', 'failed', {
      errorKind: err.kind,
      errorMessage: message,
      suggestedPrompt: err.suggestedPrompt ?? null,
    });
    ctx.store.addEvent(row.batchId, row.id, 'failed', message, { kind: err.kind, suggestedPrompt: err.suggestedPrompt, creditsRefunded: err.creditsRefunded });
  });
  emitRow('failed', message);
  return 'failed';
}
