/**
 * A batch's spend cap after it is queued: raised, lowered or removed by the user, and checked before a resume. The
 * engine stops a batch whose next clip would pass its cap (engine.ts, overBudget); resuming such a batch without
 * more room would only stop it again, so main refuses, saying what is spent, what the next clip costs and what to do.
 */
import type { QueueOps } from '../queue/store-api';
import type { BatchRecord } from '../queue/types';
import { UserError } from './app-errors';

const usd = (n: number) => `$${n.toFixed(2)}`;
const CENT = 0.005;

/** What is spent or may be (in doubt, being sent), and the quote of the next clip waiting to be sent. */
export async function capUse(store: QueueOps, batchId: number): Promise<{ usedUsd: number; nextUsd: number | null }> {
  const { chargedUsd, inDoubtUsd } = await store.spend(batchId);
  // In submission order: the first is the next to be sent.
  const [next] = await store.rowsInStates(['ready'], batchId);
  return { usedUsd: chargedUsd + inDoubtUsd, nextUsd: next ? Number(next.quoteUsd ?? 0) : null };
}

/** Why the batch cannot resume under its cap, or null when it can. */
export async function capBlocksResume(store: QueueOps, batch: BatchRecord): Promise<string | null> {
  if (batch.budgetUsd === null) return null;
  const { usedUsd, nextUsd } = await capUse(store, batch.id);
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
export async function setSpendCap(store: QueueOps, batchId: number, budgetUsd: number | null): Promise<void> {
  const batch = await store.getBatch(batchId);
  if (!batch) throw new UserError('not_found', `There is no batch ${batchId}.`);
  if (batch.status === 'cancelled') throw new UserError('invalid', 'This batch is cancelled: its cap no longer matters.');
  const { usedUsd } = await capUse(store, batchId);
  if (budgetUsd !== null && budgetUsd + CENT < usedUsd) {
    throw new UserError('invalid', `The cap cannot be below what this batch has already used (${usd(usedUsd)}). Enter at least that, or remove the cap.`);
  }
  await store.setBatchSettings(batchId, { budgetUsd });
  await store.addEvent(batchId, null, 'budget_changed', budgetUsd === null ? 'Spend cap removed' : `Spend cap set to ${usd(budgetUsd)}`);
  const after = (await store.getBatch(batchId))!;
  if (after.status === 'paused' && /^(Budget reached|Stopped at the spend cap)/.test(after.pauseReason ?? '') && (await capBlocksResume(store, after)) === null) {
    const now = budgetUsd === null ? 'there is no cap now' : `the cap is now ${usd(budgetUsd)}`;
    await store.setBatchStatus(batchId, 'paused', `Stopped at the spend cap; ${now}. Resume to continue.`);
  }
}
