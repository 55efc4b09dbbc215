/**
 * `status`: a batch's rows, spend, what it waits for and its morning report. On the studio queue also the whole
 * queue (every batch that still has work) and the machines working on it, with the rows each one holds.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { liveLockOwner } from '../core/queue/engine-lock';
import type { LeaseView, WorkerInfo } from '../core/queue/store-api';
import { morningReport, reportText } from '../core/services/morning-report';
import { resultsSheet } from '../core/services/results-sheet';
import { waitingReason } from '../core/services/views';
import { redact } from '../core/venice/redact';
import type { CliValues } from './args';
import { pickBatch } from './batch-commands';
import { duration, usd } from './format';
import type { CliSession } from './session';
import { printSummary } from './summary';

/** "render-2 (venice-batch work, pid 4121)". */
function machine(w: Pick<WorkerInfo, 'host' | 'role' | 'pid'>): string {
  return `${w.host} (${w.role}, pid ${w.pid})`;
}

async function printStudio(session: CliSession, out: NodeJS.WritableStream, leases: LeaseView[]): Promise<void> {
  const q = session.queue;
  const now = q.now();
  out.write(`Studio queue: ${q.describe()}\n`);
  const workers = await q.listWorkers();
  if (workers.length === 0) out.write('  No machine is working on it right now.\n');
  for (const w of workers) {
    const held = leases.filter((l) => l.worker?.id === w.id).length;
    out.write(`  ${machine(w)}: seen ${duration(Math.max(0, now - w.lastSeenAt))} ago, holds ${held} row(s)\n`);
  }
  const live = new Set(await q.liveBatchIds());
  for (const b of await q.listBatches()) {
    if (!live.has(b.id)) continue;
    const counts = await q.countByState(b.id);
    const parts = Object.entries(counts)
      .filter(([, n]) => n)
      .map(([s, n]) => `${n} ${s.replace('_', ' ')}`);
    out.write(`  batch ${b.id} (${b.name}, ${b.status}): ${parts.join(', ')}\n`);
  }
}

export async function statusCommand(session: CliSession, values: CliValues, out: NodeJS.WritableStream): Promise<number> {
  const q = session.queue;
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
  if (q.kind === 'postgres') await printStudio(session, out, leases);
  const owner = session.store ? liveLockOwner(session.store.db) : undefined;
  out.write(`Batch ${batch.id} (${batch.name}) is ${batch.status}${owner ? `, being run by ${owner.role} (pid ${owner.pid})` : ''}.\n`);
  for (const r of rows) {
    const by = holder.get(r.id);
    const held = q.kind === 'postgres' && by ? `  [${by.host}]` : '';
    out.write(`  row ${String(r.rowIndex).padStart(4)}  ${r.state.padEnd(11)} ${r.quoteUsd === null ? '' : usd(r.quoteUsd).padStart(7)}  ${r.filePath ?? r.errorMessage ?? ''}${held}\n`);
  }
  await printSummary(out, q, batch.id);
  const waiting = await waitingReason(q, batch);
  if (waiting) out.write(`Waiting: ${redact(waiting)}\n`);
  out.write(reportText(await morningReport(q, batch)));
  return 0;
}
