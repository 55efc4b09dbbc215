/**
 * What a person decides about a batch, written straight to the store. A running engine picks each decision up on
 * its next pass, so the CLI can make them while the desktop app (or, on the studio queue, any machine) runs the
 * queue. Nothing here spends money by itself: it only moves rows between states the engine then acts on. A person's
 * move overrides a machine's lease on the row (the holder finds its lease gone at its next write and stops).
 */
import { isCancellable } from './job-states';
import type { QueueOps, QueueStoreApi } from './store-api';
import type { AttemptRecord, RowRecord } from './types';

export async function pauseBatch(store: QueueStoreApi, batchId: number, reason = 'Paused by you'): Promise<void> {
  await store.setBatchStatus(batchId, 'paused', reason);
  await store.addEvent(batchId, null, 'batch_paused', reason);
}

export async function resumeBatch(store: QueueStoreApi, batchId: number): Promise<void> {
  await store.setBatchStatus(batchId, 'active', null);
  await store.addEvent(batchId, null, 'batch_resumed', 'Resumed');
}

/** Stops submitting the batch's pending rows. Jobs already paid for still finish and download. */
export async function cancelBatch(store: QueueStoreApi, batchId: number): Promise<void> {
  await store.tx(async (t) => {
    await t.setBatchStatus(batchId, 'cancelled', 'Cancelled by you');
    for (const row of await t.rowsInStates(['draft', 'ready'], batchId)) await t.transitionRow(row.id, row.state, 'cancelled');
    await t.addEvent(batchId, null, 'batch_cancelled', 'Cancelled: pending rows will not be sent; paid clips still download');
  });
}

/** Cancels rows not yet sent; returns how many were. Rows already paid for cannot be cancelled. */
export async function cancelRows(store: QueueStoreApi, rowIds: number[]): Promise<number> {
  return store.tx(async (t) => {
    let n = 0;
    for (const id of rowIds) {
      const row = await t.getRow(id);
      if (row && isCancellable(row.state)) {
        await t.transitionRow(id, row.state, 'cancelled');
        await t.addEvent(row.batchId, id, 'cancelled', 'Cancelled by you');
        n++;
      }
    }
    return n;
  });
}

/**
 * Failures whose clip Venice still holds: only the download failed, or the job answered PROCESSING far too long.
 * Retrying those fetches the SAME paid job again; anything else is a new attempt (a new charge).
 */
function refetchable(row: RowRecord, attempt: AttemptRecord | undefined): attempt is AttemptRecord {
  return (
    row.state === 'failed' &&
    !!attempt?.queueId &&
    (row.errorKind === 'download_failed' || row.errorKind === 'stuck_processing') &&
    !attempt.remoteDeleted
  );
}

/**
 * Retries failed or cancelled rows. A row whose clip Venice still holds goes back to fetching the SAME paid job;
 * any other row gets a new attempt (a new charge), its history kept.
 */
export async function retryRows(store: QueueStoreApi, rowIds: number[], now: number): Promise<{ refetch: number; resubmit: number }> {
  return store.tx(async (t) => {
    const out = { refetch: 0, resubmit: 0 };
    for (const id of rowIds) {
      const row = await t.getRow(id);
      if (!row || (row.state !== 'failed' && row.state !== 'cancelled')) continue;
      const attempt = row.currentAttemptId ? await t.getAttempt(row.currentAttemptId) : undefined;
      if (refetchable(row, attempt)) {
        await t.transitionRow(id, 'failed', 'processing', { nextActionAt: now, errorKind: null, errorMessage: null });
        // A job that answered PROCESSING too long gets its full time again from now (queuedAt is when the clock starts).
        await t.patchAttempt(attempt.id, { state: 'processing', downloadTries: 0, ...(row.errorKind === 'stuck_processing' ? { queuedAt: now } : {}) });
        await t.addEvent(row.batchId, id, 'retry', 'Fetching the paid clip again');
        out.refetch++;
      } else {
        await t.transitionRow(id, row.state, 'ready', { nextActionAt: null, errorKind: null, errorMessage: null });
        await t.addEvent(row.batchId, id, 'retry', 'Queued for a new attempt');
        out.resubmit++;
      }
    }
    return out;
  });
}

/** The user's decision on an in-doubt row: send it again knowingly (may pay twice), or accept it as lost. */
export async function resolveInDoubt(store: QueueStoreApi, rowId: number, decision: 'resubmit' | 'lost'): Promise<void> {
  await store.tx(async (t) => {
    const row = await t.getRow(rowId);
    if (!row || row.state !== 'in_doubt') throw new Error(`Row ${rowId} is not in doubt`);
    if (decision === 'resubmit') {
      await t.transitionRow(rowId, 'in_doubt', 'ready', { nextActionAt: null, errorKind: null, errorMessage: null });
      await t.addEvent(row.batchId, rowId, 'resolved', 'You chose to send it again (Venice may charge twice)');
    } else {
      if (row.currentAttemptId) await t.patchAttempt(row.currentAttemptId, { state: 'lost' });
      await t.transitionRow(rowId, 'in_doubt', 'failed', { errorKind: 'marked_lost', errorMessage: 'Marked lost by you' });
      await t.addEvent(row.batchId, rowId, 'resolved', 'You marked it lost');
    }
  });
}

/** Moves a row not yet sent in the submission order. */
export async function reorderRow(store: QueueOps, rowId: number, position: number): Promise<void> {
  const row = await store.getRow(rowId);
  if (!row || (row.state !== 'ready' && row.state !== 'draft')) throw new Error('Only rows not yet sent can be reordered');
  await store.setRowPosition(rowId, position);
}
