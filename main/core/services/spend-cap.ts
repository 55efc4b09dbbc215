/**
 * A batch's spend cap after it is queued: raised, lowered or removed by the user, and checked before a resume. The
 * engine stops a batch whose next clip would pass its cap (engine.ts, overBudget); resuming such a batch without
 * more room would only stop it again, so main refuses, saying what is spent, what the next clip costs and what to do.
 */
import type { QueueStore } from '../queue/store';
import type { BatchRecord } from '../queue/types';
import { UserError } from './app-errors';

const usd = (n: number) => `$${n.toFixed(2)}`;
const CENT = 0.005;

/** What is spent or may be (in doubt, being sent), and the quote of the next clip waiting to be sent. */
export function capUse(store: QueueStore, batchId: number): { usedUsd: number; nextUsd: number | null } {
  const { chargedUsd, inDoubtUsd } = store.spend(batchId);
  const next = store.db
    .prepare("SELECT quote_usd AS q FROM rows WHERE batch_id = ? AND state = 'ready' ORDER BY position, id LIMIT 1")
    .get(batchId) as { q: number | null } | undefined;
  return { usedUsd: chargedUsd + inDoubtUsd, nextUsd: next ? Number(next.q ?? 0) : null };
}

/** Why the batch cannot resume under its cap, or null when it can. */
export function capBlocksResume(store: QueueStore, batch: BatchRecord): string | null {
  if (batch.budgetUsd === null) return null;
  const { usedUsd, nextUsd } = capUse(store, batch.id);
  if (nextUsd === null || usedUsd + nextUsd <= batch.budgetUsd + 1e-9) return null;
  return (
    `This batch is at its spend cap: ${usd(usedUsd)} of its ${usd(batch.budgetUsd)} cap is used${batch.rehearsal ? ' (Rehearsal: nothing is really charged)' : ''}, ` +
    `and the next clip costs ${usd(nextUsd)}. Raise the cap to at least ${usd(usedUsd + nextUsd)}, or remove it, to resume.`
  );
}

/**
 * Sets (or, with null, removes) the cap. A cap below what is already used would only stop the batch at once without
 * saying why, so it is refused. A batch stopped at its old cap stays paused, with a reason that says it can resume.
 */
export function setSpendCap(store: QueueStore, batchId: number, budgetUsd: number | null): void {
  const batch = store.getBatch(batchId);
  if (!batch) throw new UserError('not_found', `There is no batch ${batchId}.`);
  if (batch.status === 'cancelled') throw new UserError('invalid', 'This batch is cancelled: its cap no longer matters.');
  const { usedUsd } = capUse(store, batchId);
  if (budgetUsd !== null && budgetUsd + CENT < usedUsd) {
    throw new UserError('invalid', `The cap cannot be below what this batch has already used (${usd(usedUsd)}). Enter at least that, or remove the cap.`);
  }
  store.setBatchSettings(batchId, { budgetUsd });
  store.addEvent(batchId, null, 'budget_changed', budgetUsd === null ? 'Spend cap removed' : `Spend cap set to ${usd(budgetUsd)}`);
  const after = store.getBatch(batchId)!;
  if (after.status === 'paused' && /^(Budget reached|Stopped at the spend cap)/.test(after.pauseReason ?? '') && capBlocksResume(store, after) === null) {
    const now = budgetUsd === null ? 'there is no cap now' : `the cap is now ${usd(budgetUsd)}`;
    store.setBatchStatus(batchId, 'paused', `Stopped at the spend cap; ${now}. Resume to continue.`);
  }
}
