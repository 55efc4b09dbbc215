/**
 * The local queue's side of two rules the studio queue keeps in SQL (pg/claims.ts, pg/paid-answer.ts): what
 * happens to a row whose lease ran out, and how a paid answer is written late. Synchronous, in the caller's
 * transaction.
 */
import type { QueueStore } from '../store';
import { AnswerNotInQueueError, LEASE_EXPIRED_IN_DOUBT_MESSAGE, type ExpirySummary, type PaidAnswer, type PaidAnswerOutcome } from '../store-api';
import { LATE_ANSWER_NOTE, SUPERSEDED_NOTE } from '../pg/paid-answer';
import type { RowRecord } from '../types';

/** Applies the expiry rule for the row's state; returns which rule it was. */
export function expireRow(store: QueueStore, row: RowRecord, at: number): keyof ExpirySummary {
  switch (row.state) {
    case 'submitting':
      // The request may have left: never back to ready, a person decides.
      if (row.currentAttemptId) {
        store.patchAttempt(row.currentAttemptId, { state: 'in_doubt', errorKind: 'interrupted', errorMessage: LEASE_EXPIRED_IN_DOUBT_MESSAGE });
      }
      store.transitionRow(row.id, 'submitting', 'in_doubt', { errorKind: 'in_doubt', errorMessage: LEASE_EXPIRED_IN_DOUBT_MESSAGE });
      store.addEvent(row.batchId, row.id, 'in_doubt', LEASE_EXPIRED_IN_DOUBT_MESSAGE);
      return 'inDoubt';
    case 'queued':
    case 'processing':
      store.patchRow(row.id, { nextActionAt: at });
      return 'repoll';
    case 'downloading':
    case 'verifying':
      store.patchRow(row.id, { nextActionAt: at });
      return 'resume';
    default:
      return 'released';
  }
}

/** See pg/paid-answer.ts: the same decisions, on the local file. */
export function applyPaidAnswerSqlite(store: QueueStore, a: PaidAnswer): PaidAnswerOutcome {
  const row = store.getRow(a.rowId);
  const attempt = store.getAttempt(a.attemptId);
  if (!row || !attempt || attempt.rowId !== a.rowId) throw new AnswerNotInQueueError(a.rowId, a.attemptId);
  if (attempt.queueId === a.queueId) return 'already';
  const paid = { queueId: a.queueId, downloadUrlEnc: a.downloadUrlEnc, charged: true, queuedAt: a.queuedAt, requestId: a.requestId };
  const waiting =
    row.currentAttemptId === a.attemptId &&
    (row.state === 'submitting' || row.state === 'in_doubt' || (row.state === 'failed' && row.errorKind === 'marked_lost'));
  if (waiting) {
    store.patchAttempt(a.attemptId, { ...paid, state: 'queued', errorKind: null, errorMessage: null });
    // in_doubt -> queued is outside the state machine's table on purpose: only a queue_id in hand justifies it.
    const to = row.state === 'failed' ? 'processing' : 'queued';
    store.db
      .prepare('UPDATE rows SET state = ?, next_action_at = ?, error_kind = NULL, error_message = NULL, updated_at = ? WHERE id = ?')
      .run(to, a.nextActionAt, Date.now(), a.rowId);
    store.addEvent(row.batchId, row.id, 'queued', LATE_ANSWER_NOTE, { queueId: a.queueId, late: true });
    return 'applied';
  }
  const lost = attempt.state === 'submitting' || attempt.state === 'in_doubt';
  store.patchAttempt(a.attemptId, { ...paid, ...(lost ? { state: 'lost' as const } : {}), errorKind: 'superseded', errorMessage: SUPERSEDED_NOTE });
  store.addEvent(row.batchId, row.id, 'paid_late', SUPERSEDED_NOTE, { queueId: a.queueId });
  return 'superseded';
}
