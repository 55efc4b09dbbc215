/** `status`, `retry` and `resolve`: look at a batch and make the decisions only a person may make. */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { liveLockOwner } from '../core/queue/engine-lock';
import type { BatchRecord, RowRecord } from '../core/queue/types';
import { resolveInDoubt, retryRows } from '../core/queue/user-actions';
import { resultsSheet } from '../core/services/results-sheet';
import { morningReport, reportText } from '../core/services/morning-report';
import { waitingReason } from '../core/services/views';
import { redact } from '../core/venice/redact';
import { UsageError, intOption, rowList, type CliValues } from './args';
import { usd } from './format';
import { printSummary } from './summary';
import type { CliSession } from './session';

function pickBatch(session: CliSession, values: CliValues): BatchRecord {
  const id = intOption(values.batch, 'batch', 1, Number.MAX_SAFE_INTEGER);
  const batches = session.store.listBatches();
  const batch = id === undefined ? batches[batches.length - 1] : batches.find((b) => b.id === id);
  if (!batch) throw new UsageError(id === undefined ? 'There are no batches yet: start one with `venice-batch run`.' : `There is no batch ${id}.`);
  return batch;
}

function rowsByIndex(session: CliSession, batch: BatchRecord, indexes: number[] | undefined, filter: (r: RowRecord) => boolean): RowRecord[] {
  const rows = session.store.listRows(batch.id);
  if (!indexes) return rows.filter(filter);
  const wanted = new Set(indexes);
  const found = rows.filter((r) => wanted.has(r.rowIndex));
  const missing = indexes.filter((i) => !found.some((r) => r.rowIndex === i));
  if (missing.length) throw new UsageError(`Batch ${batch.id} has no row ${missing.join(', ')}`);
  return found;
}

export function statusCommand(session: CliSession, values: CliValues, out: NodeJS.WritableStream): number {
  const batch = pickBatch(session, values);
  const rows = session.store.listRows(batch.id);
  if (values.csv !== undefined) {
    // The same results sheet as the app's "Export results": formula-escaped, no download links.
    writeFileSync(path.resolve(values.csv), resultsSheet(session.store, batch.id).csv);
    if (!values.json) {
      out.write(`Wrote the results of batch ${batch.id} (${rows.length} rows) to ${path.resolve(values.csv)}\n`);
      return 0;
    }
  }
  if (values.json) {
    const spend = session.store.spend(batch.id);
    out.write(
      `${JSON.stringify({
        batch: { id: batch.id, name: batch.name, status: batch.status, pauseReason: batch.pauseReason, outputDir: batch.outputDir, rehearsal: batch.rehearsal },
        spend,
        report: morningReport(session.store, batch),
        rows: rows.map((r) => ({
          row: r.rowIndex,
          state: r.state,
          file: r.filePath,
          error: r.errorMessage,
          suggestedPrompt: r.suggestedPrompt,
          quoteUsd: r.quoteUsd,
          queueId: r.currentAttemptId ? session.store.getAttempt(r.currentAttemptId)?.queueId ?? null : null,
        })),
      })}\n`,
    );
    return 0;
  }
  const owner = liveLockOwner(session.store.db);
  out.write(`Batch ${batch.id} (${batch.name}) is ${batch.status}${owner ? `, being run by ${owner.role} (pid ${owner.pid})` : ''}.\n`);
  for (const r of rows) {
    out.write(`  row ${String(r.rowIndex).padStart(4)}  ${r.state.padEnd(11)} ${r.quoteUsd === null ? '' : usd(r.quoteUsd).padStart(7)}  ${r.filePath ?? r.errorMessage ?? ''}\n`);
  }
  printSummary(out, session.store, batch.id);
  const waiting = waitingReason(session.store, batch);
  if (waiting) out.write(`Waiting: ${redact(waiting)}\n`);
  out.write(reportText(morningReport(session.store, batch)));
  return 0;
}

export function retryCommand(session: CliSession, values: CliValues, out: NodeJS.WritableStream): number {
  const batch = pickBatch(session, values);
  const rows = rowsByIndex(session, batch, rowList(values.rows), (r) => r.state === 'failed');
  if (rows.length === 0) {
    out.write(`Batch ${batch.id} has no failed rows to retry.\n`);
    return 0;
  }
  const r = retryRows(session.store, rows.map((x) => x.id), Date.now());
  out.write(
    `Retrying ${r.refetch + r.resubmit} row(s): ${r.refetch} will fetch their paid clip again, ${r.resubmit} will be sent again (a new charge each). ` +
      'Run `venice-batch run` with the same sheet and folder to process them.\n',
  );
  return 0;
}

export function resolveCommand(session: CliSession, values: CliValues, out: NodeJS.WritableStream): number {
  if (Boolean(values.resubmit) === Boolean(values.lost)) throw new UsageError('resolve needs exactly one of --resubmit or --lost');
  const batch = pickBatch(session, values);
  const indexes = rowList(values.rows);
  if (!indexes) throw new UsageError('resolve needs --rows with the in-doubt row numbers');
  const rows = rowsByIndex(session, batch, indexes, () => true);
  const notInDoubt = rows.filter((r) => r.state !== 'in_doubt');
  if (notInDoubt.length) throw new UsageError(`Row ${notInDoubt.map((r) => r.rowIndex).join(', ')} is not in doubt`);
  for (const r of rows) resolveInDoubt(session.store, r.id, values.resubmit ? 'resubmit' : 'lost');
  out.write(
    values.resubmit
      ? `${rows.length} row(s) will be sent again (Venice may charge twice if the first request went through).\n`
      : `${rows.length} row(s) marked lost.\n`,
  );
  return 0;
}
