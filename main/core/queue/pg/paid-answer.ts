/**
 * Writing a paid /video/queue answer late (from the local journal, after the database came back). The answer is
 * proof of payment, so it wins over what the queue guessed meanwhile: a row that went `in_doubt` because its lease
 * ran out is now known to be queued (the one move outside the state machine's table, made only with a queue_id in
 * hand), and a row a person marked lost goes back to fetching the clip it paid for.
 */
import { AnswerNotInQueueError, type PaidAnswer, type PaidAnswerOutcome } from '../store-api';
import type { SqlRow } from '../store-records';
import type { Queryable } from './queryable';

export const LATE_ANSWER_NOTE = 'Queued on Venice (the answer was written late, from the journal of the machine that sent it)';
export const SUPERSEDED_NOTE =
  'Venice had queued this clip after all (its answer was written late, from the journal of the machine that sent it); it was already re-sent, so this copy was paid too.';

/** Must run in a transaction. */
export async function applyPaidAnswer(q: Queryable, a: PaidAnswer): Promise<PaidAnswerOutcome> {
  const row = (await q.query('SELECT id, batch_id, state, current_attempt_id, error_kind FROM rows WHERE id = $1 FOR UPDATE', [a.rowId])).rows[0] as
    | SqlRow
    | undefined;
  const att = (await q.query('SELECT id, state, queue_id FROM attempts WHERE id = $1 AND row_id = $2 FOR UPDATE', [a.attemptId, a.rowId])).rows[0] as
    | SqlRow
    | undefined;
  if (!row || !att) throw new AnswerNotInQueueError(a.rowId, a.attemptId);
  if (att.queue_id === a.queueId) return 'already';

  const current = Number(row.current_attempt_id) === a.attemptId;
  const state = String(row.state);
  const waiting = current && (state === 'submitting' || state === 'in_doubt' || (state === 'failed' && row.error_kind === 'marked_lost'));
  const paid = [a.queueId, a.downloadUrlEnc, a.queuedAt, a.requestId, a.attemptId];
  if (waiting) {
    await q.query(
      `UPDATE attempts SET state = 'queued', queue_id = $1, download_url_enc = $2, charged = true, queued_at = $3, request_id = $4,
         error_kind = NULL, error_message = NULL WHERE id = $5`,
      paid,
    );
    // failed -> processing is the state machine's own "fetch the paid clip again"; in_doubt/submitting -> queued is
    // the late answer itself.
    await q.query(
      `UPDATE rows SET state = $2, next_action_at = $3, error_kind = NULL, error_message = NULL, updated_at = vb_now_ms(),
         lease_owner = NULL, lease_token = NULL, lease_until = NULL WHERE id = $1`,
      [a.rowId, state === 'failed' ? 'processing' : 'queued', a.nextActionAt],
    );
    await q.query(`INSERT INTO events (batch_id, row_id, at, kind, message, data_json) VALUES ($1, $2, vb_now_ms(), 'queued', $3, $4)`, [
      row.batch_id,
      a.rowId,
      LATE_ANSWER_NOTE,
      JSON.stringify({ queueId: a.queueId, late: true }),
    ]);
    return 'applied';
  }
  await q.query(
    `UPDATE attempts SET queue_id = $1, download_url_enc = $2, charged = true, queued_at = $3, request_id = $4,
       state = CASE WHEN state IN ('submitting', 'in_doubt') THEN 'lost' ELSE state END,
       error_kind = 'superseded', error_message = $6 WHERE id = $5`,
    [...paid, SUPERSEDED_NOTE],
  );
  await q.query(`INSERT INTO events (batch_id, row_id, at, kind, message, data_json) VALUES ($1, $2, vb_now_ms(), 'paid_late', $3, $4)`, [
    row.batch_id,
    a.rowId,
    SUPERSEDED_NOTE,
    JSON.stringify({ queueId: a.queueId }),
  ]);
  return 'superseded';
}
