/**
 * What a person decides about a batch, written straight to the store. A running engine picks each decision up on
 * its next pass, so the CLI can make them while the desktop app runs the queue. Nothing here spends money by
 * itself: it only moves rows between states the engine then acts on.
 */
import { isCancellable } from './job-states';
import type { QueueStore } from './store';

export function pauseBatch(store: QueueStore, batchId: number, reason = 'Paused by you'): void {
  store.setBatchStatus(batchId, 'paused', reason);
  store.addEvent(batchId, null, 'batch_paused', reason);
}

export function resumeBatch(store: QueueStore, batchId: number): void {
  store.setBatchStatus(batchId, 'active', null);
  store.addEvent(batchId, null, 'batch_resumed', 'Resumed');
}

/** Stops submitting the batch's pending rows. Jobs already paid for still finish and download. */
export function cancelBatch(store: QueueStore, batchId: number): void {
  store.tx(() => {
    store.setBatchStatus(batchId, 'cancelled', 'Cancelled by you');
    for (const row of store.rowsInStates(['draft', 'ready'], batchId)) store.transitionRow(row.id, row.state, 'cancelled');
    store.addEvent(batchId, null, 'batch_cancelled', 'Cancelled: pending rows will not be sent; paid clips still download');
  });
}

/** Cancels rows not yet sent; returns how many were. Rows already paid for cannot be cancelled. */
export function cancelRows(store: QueueStore, rowIds: number[]): number {
  let n = 0;
  store.tx(() => {
    for (const id of rowIds) {
      const row = store.getRow(id);
      if (row && isCancellable(row.state)) {
        store.transitionRow(id, row.state, 'cancelled');
        store.addEvent(row.batchId, id, 'cancelled', 'Cancelled by you');
        n++;
      }
    }
  });
  return n;
}

/**
 * Retries failed or cancelled rows. A row whose clip Venice still holds (only its download failed) goes back to
 * fetching the SAME paid job; any other row gets a new attempt (a new charge), its history kept.
 */
export function retryRows(store: QueueStore, rowIds: number[], now: number): { refetch: number; resubmit: number } {
  const out = { refetch: 0, resubmit: 0 };
  store.tx(() => {
    for (const id of rowIds) {
      const row = store.getRow(id);
      if (!row || (row.state !== 'failed' && row.state !== 'cancelled')) continue;
      const attempt = row.currentAttemptId ? store.getAttempt(row.currentAttemptId) : undefined;
      if (row.state === 'failed' && attempt?.queueId && row.errorKind === 'download_failed' && !attempt.remoteDeleted) {
        store.transitionRow(id, 'failed', 'processing', { nextActionAt: now, errorKind: null, errorMessage: null });
        store.patchAttempt(attempt.id, { state: 'processing', downloadTries: 0 });
        store.addEvent(row.batchId, id, 'retry', 'Fetching the paid clip again');
        out.refetch++;
      } else {
        store.transitionRow(id, row.state, 'ready', { nextActionAt: null, errorKind: null, errorMessage: null });
        store.addEvent(row.batchId, id, 'retry', 'Queued for a new attempt');
        out.resubmit++;
      }
    }
  });
  return out;
}

/** The user's decision on an in-doubt row: send it again knowingly (may pay twice), or accept it as lost. */
export function resolveInDoubt(store: QueueStore, rowId: number, decision: 'resubmit' | 'lost'): void {
  const row = store.getRow(rowId);
  if (!row || row.state !== 'in_doubt') throw new Error(`Row ${rowId} is not in doubt`);
  store.tx(() => {
    if (decision === 'resubmit') {
      store.transitionRow(rowId, 'in_doubt', 'ready', { nextActionAt: null, errorKind: null, errorMessage: null });
      store.addEvent(row.batchId, rowId, 'resolved', 'You chose to send it again (Venice may charge twice)');
    } else {
      if (row.currentAttemptId) store.patchAttempt(row.currentAttemptId, { state: 'lost' });
      store.transitionRow(rowId, 'in_doubt', 'failed', { errorKind: 'marked_lost', errorMessage: 'Marked lost by you' });
      store.addEvent(row.batchId, rowId, 'resolved', 'You marked it lost');
    }
  });
}

/** Moves a row not yet sent in the submission order. */
export function reorderRow(store: QueueStore, rowId: number, position: number): void {
  const row = store.getRow(rowId);
  if (!row || (row.state !== 'ready' && row.state !== 'draft')) throw new Error('Only rows not yet sent can be reordered');
  store.setRowPosition(rowId, position);
}
