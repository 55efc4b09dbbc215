/** `retry` and `resolve`: the decisions only a person may make (status.ts shows what there is to decide). */
import type { BatchRecord, RowRecord } from '../core/queue/types';
import { resolveInDoubt, retryRows } from '../core/queue/user-actions';
import { UsageError, intOption, rowList, type CliValues } from './args';
import type { CliSession } from './session';

export async function pickBatch(session: CliSession, values: CliValues): Promise<BatchRecord> {
  const id = intOption(values.batch, 'batch', 1, Number.MAX_SAFE_INTEGER);
  const batches = await session.queue.listBatches();
  const batch = id === undefined ? batches[batches.length - 1] : batches.find((b) => b.id === id);
  if (!batch) throw new UsageError(id === undefined ? 'There are no batches yet: start one with `venice-batch run`.' : `There is no batch ${id}.`);
  return batch;
}

async function rowsByIndex(session: CliSession, batch: BatchRecord, indexes: number[] | undefined, filter: (r: RowRecord) => boolean): Promise<RowRecord[]> {
  const rows = await session.queue.listRows(batch.id);
  if (!indexes) return rows.filter(filter);
  const wanted = new Set(indexes);
  const found = rows.filter((r) => wanted.has(r.rowIndex));
  const missing = indexes.filter((i) => !found.some((r) => r.rowIndex === i));
  if (missing.length) throw new UsageError(`Batch ${batch.id} has no row ${missing.join(', ')}`);
  return found;
}

export async function retryCommand(session: CliSession, values: CliValues, out: NodeJS.WritableStream): Promise<number> {
  const batch = await pickBatch(session, values);
  const rows = await rowsByIndex(session, batch, rowList(values.rows), (r) => r.state === 'failed');
  if (rows.length === 0) {
    out.write(`Batch ${batch.id} has no failed rows to retry.\n`);
    return 0;
  }
  const r = await retryRows(session.queue, rows.map((x) => x.id), session.queue.now());
  out.write(
    `Retrying ${r.refetch + r.resubmit} row(s): ${r.refetch} will fetch their paid clip again, ${r.resubmit} will be sent again (a new charge each). ` +
      'Run `venice-batch run` with the same sheet and folder to process them.\n',
  );
  return 0;
}

export async function resolveCommand(session: CliSession, values: CliValues, out: NodeJS.WritableStream): Promise<number> {
  if (Boolean(values.resubmit) === Boolean(values.lost)) throw new UsageError('resolve needs exactly one of --resubmit or --lost');
  const batch = await pickBatch(session, values);
  const indexes = rowList(values.rows);
  if (!indexes) throw new UsageError('resolve needs --rows with the in-doubt row numbers');
  const rows = await rowsByIndex(session, batch, indexes, () => true);
  const notInDoubt = rows.filter((r) => r.state !== 'in_doubt');
  if (notInDoubt.length) throw new UsageError(`Row ${notInDoubt.map((r) => r.rowIndex).join(', ')} is not in doubt`);
  for (const r of rows) await resolveInDoubt(session.queue, r.id, values.resubmit ? 'resubmit' : 'lost');
  out.write(
    values.resubmit
      ? `${rows.length} row(s) will be sent again (Venice may charge twice if the first request went through).\n`
      : `${rows.length} row(s) marked lost.\n`,
  );
  return 0;
}
