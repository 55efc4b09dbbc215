/**
 * `status`: a batch's rows, spend, what it waits for and its morning report. On the studio queue also the whole
 * queue (every batch that still has work) and the machines working on it, with the rows each one holds.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { liveLockOwner } from '../core/queue/engine-lock';
import { morningReport, reportText } from '../core/services/morning-report';
import { resultsSheet } from '../core/services/results-sheet';
import { waitingReason } from '../core/services/views';
import { redact } from '../core/venice/redact';
import type { CliValues } from './args';
import { pickBatch } from './batch-commands';
import { usd } from './format';
import type { CliSession } from './session';
import { printSummary } from './summary';
import { printStudioView, studioView, type StudioView } from './studio-status';

export async function statusCommand(session: CliSession, values: CliValues, out: NodeJS.WritableStream): Promise<number> {
  const q = session.queue;
  // On the studio queue: the whole studio first, whichever batch (if any) this machine asks about.
  const studio: StudioView | undefined = q.kind === 'postgres' ? await studioView(q, process.env.VENICE_BATCH_DB) : undefined;
  if (studio && values.batch === undefined && (await q.listBatches()).length === 0) {
    if (values.json) out.write(`${JSON.stringify({ queue: { kind: q.kind, description: q.describe() }, studio })}\n`);
    else printStudioView(out, studio);
    return 0;
  }
  const batch = await pickBatch(session, values);
  const rows = await q.listRows(batch.id);
  if (values.csv !== undefined) {
    // The same results sheet as the app's "Export results": formula-escaped, no download links.
    writeFileSync(path.resolve(values.csv), (await resultsSheet(q, batch.id)).csv);
    if (!values.json) {
      out.write(`Wrote the results of batch ${batch.id} (${rows.length} rows) to ${path.resolve(values.csv)}\n`);
      return 0;
    }
  }
  const leases = await q.listLeases();
  const holder = new Map(leases.map((l) => [l.rowId, l.worker]));
  if (values.json) {
    const attempts = new Map((await q.listBatchAttempts(batch.id)).map((a) => [a.id, a]));
    out.write(
      `${JSON.stringify({
        queue: { kind: q.kind, description: q.describe() },
        studio,
        batch: { id: batch.id, name: batch.name, status: batch.status, pauseReason: batch.pauseReason, outputDir: batch.outputDir, rehearsal: batch.rehearsal },
        spend: await q.spend(batch.id),
        report: await morningReport(q, batch),
        workers: q.kind === 'postgres' ? await q.listWorkers() : undefined,
        rows: rows.map((r) => ({
          row: r.rowIndex,
          state: r.state,
          file: r.filePath,
          error: r.errorMessage,
          suggestedPrompt: r.suggestedPrompt,
          quoteUsd: r.quoteUsd,
          queueId: r.currentAttemptId ? (attempts.get(r.currentAttemptId)?.queueId ?? null) : null,
          heldBy: holder.get(r.id)?.host ?? null,
        })),
      })}\n`,
    );
    return 0;
  }
  if (studio) printStudioView(out, studio);
  const owner = session.store ? liveLockOwner(session.store.db) : undefined;
  out.write(`Batch ${batch.id} (${batch.name}) is ${batch.status}${owner ? `, being run by ${owner.role} (pid ${owner.pid})` : ''}.\n`);
  for (const r of rows) {
    const by = holder.get(r.id);
    const held = q.kind === 'postgres' && by ? `  held by ${by.host}` : '';
    out.write(`  row ${String(r.rowIndex).padStart(4)}  ${r.state.padEnd(11)} ${r.quoteUsd === null ? '' : usd(r.quoteUsd).padStart(7)}  ${r.filePath ?? r.errorMessage ?? ''}${held}\n`);
  }
  await printSummary(out, q, batch.id);
  const waiting = await waitingReason(q, batch);
  if (waiting) out.write(`Waiting: ${redact(waiting)}\n`);
  out.write(reportText(await morningReport(q, batch)));
  return 0;
}
