/** End-of-run and status reports: what finished, what failed and why, what needs a decision. */
import type { QueueOps } from '../core/queue/store-api';
import type { RowValidation } from '../core/sheet';
import { usd } from './format';

export function printRowProblems(out: NodeJS.WritableStream, invalid: RowValidation[]): void {
  for (const r of invalid) for (const e of r.errors) out.write(`row ${r.row}, ${e.column ?? 'row'}: ${e.message}\n`);
}

/** Prints the outcome of a batch and returns the exit code: 0 when every row is done. */
export async function printSummary(out: NodeJS.WritableStream, store: QueueOps, batchId: number): Promise<number> {
  const batch = await store.getBatch(batchId);
  const rows = await store.listRows(batchId);
  const count = (s: string) => rows.filter((r) => r.state === s).length;
  const { chargedUsd, inDoubtUsd } = await store.spend(batchId);
  out.write(
    `Batch ${batchId}: ${count('done')} done, ${count('failed')} failed, ${count('in_doubt')} in doubt, ` +
      `${count('ready') + count('draft')} not sent, ${count('cancelled')} cancelled. ` +
      `${batch?.rehearsal ? 'Rehearsed' : 'Spent'} ${usd(chargedUsd)}${inDoubtUsd ? ` (+ up to ${usd(inDoubtUsd)} in doubt)` : ''}.\n`,
  );
  for (const r of rows) {
    if (r.state === 'failed') {
      out.write(`  row ${r.rowIndex} failed: ${r.errorMessage ?? 'unknown reason'}\n`);
      if (r.suggestedPrompt) out.write(`    suggested prompt: ${r.suggestedPrompt}\n`);
    }
    if (r.state === 'in_doubt') {
      out.write(`  row ${r.rowIndex} in doubt: ${r.errorMessage ?? ''}\n    decide with: venice-batch resolve --batch ${batchId} --rows ${r.rowIndex} --resubmit | --lost\n`);
    }
  }
  if (batch?.status === 'paused') out.write(`Paused: ${batch.pauseReason ?? ''}\n`);
  if (count('done') > 0) out.write(`Clips are in ${batch?.outputDir}\n`);
  return rows.every((r) => r.state === 'done' || r.state === 'cancelled') ? 0 : 1;
}
