/**
 * The batch's spend cap, checked before each submission: money confirmed, money possibly spent (in doubt), and the
 * quotes of submissions launched but not yet recorded all count. Reaching it pauses the batch until the user raises
 * the cap.
 */
import type { SharedContext } from './engine-context';
import type { BatchRecord, RowRecord } from './types';

export interface Launching {
  batchId: number;
  baseUrl: string;
  quoteUsd: number;
}

/** True (and the batch paused, saying why) when sending `row` would pass the batch's budget. */
export function overBudget(ctx: Pick<SharedContext, 'store' | 'emit'>, launching: ReadonlyMap<number, Launching>, batch: BatchRecord, row: RowRecord): boolean {
  if (batch.budgetUsd === null) return false;
  const { chargedUsd, inDoubtUsd } = ctx.store.spend(batch.id);
  let reserved = 0;
  for (const [rowId, l] of launching) {
    if (l.batchId === batch.id && ctx.store.getRow(rowId)?.state === 'ready') reserved += l.quoteUsd;
  }
  if (chargedUsd + inDoubtUsd + reserved + (row.quoteUsd ?? 0) <= batch.budgetUsd + 1e-9) return false;
  const reason = `Budget reached: $${(chargedUsd + inDoubtUsd).toFixed(2)} of $${batch.budgetUsd.toFixed(2)} spent; the next clip would exceed it. Raise the budget to continue.`;
  ctx.store.setBatchStatus(batch.id, 'paused', reason, 'budget');
  ctx.store.addEvent(batch.id, null, 'batch_paused', reason);
  ctx.emit({ type: 'batch', batchId: batch.id, status: 'paused', reason });
  return true;
}
