/**
 * `venice-batch studio import`: moves this machine's own queue into the studio queue named by VENICE_BATCH_DB
 * (core/queue/studio-import.ts does the work). Says what was moved, what was already there, and where the local
 * file was set aside. Never prints the database password: the queue is named by host and database only.
 */
import { studioQueueUrl } from '../core/queue/open-queue';
import { StudioImportConflictError } from '../core/queue/studio-import-copy';
import { importLocalQueue, StudioImportRefusedError, type StudioImportReport } from '../core/queue/studio-import';
import type { CliValues } from './args';
import type { CliSession } from './session';

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function printReport(out: NodeJS.WritableStream, r: StudioImportReport): void {
  if (r.moved.length === 0 && r.alreadyThere.length === 0) {
    out.write(`Nothing to move: this machine's own queue (${r.from}) holds no batch.${r.movedBefore.length ? ` Earlier moves are kept as ${r.movedBefore.join(', ')}.` : ''}\n`);
    return;
  }
  out.write(`Moving this machine's own queue into the studio queue (${r.to}):\n`);
  if (r.journalApplied) out.write(`  ${plural(r.journalApplied, 'paid answer')} from this machine's journal written first.\n`);
  if (r.journalSetAside) {
    out.write(
      `  ${plural(r.journalSetAside.queueIds.length, 'paid answer')} in this machine's journal name rows its own queue no longer has ` +
        `(Venice jobs ${r.journalSetAside.queueIds.join(', ')}): kept in ${r.journalSetAside.file}.\n`,
    );
  }
  for (const b of r.moved) {
    const parts = [plural(b.rows, 'row'), `${b.done} done`, b.paidJobs === 1 ? '1 paid job kept with its queue id' : `${b.paidJobs} paid jobs kept with their queue ids`];
    if (b.onVenice) parts.push(`${b.onVenice} still on Venice (a worker on the studio queue fetches them)`);
    if (b.inDoubt) parts.push(`${b.inDoubt} in doubt (decide with venice-batch resolve --batch ${b.batchId})`);
    if (b.timeline) parts.push('its timeline');
    out.write(`  moved: local batch ${b.localBatchId} "${b.name}" -> studio batch ${b.batchId}: ${parts.join(', ')}.\n`);
  }
  for (const b of r.alreadyThere) {
    out.write(`  already there: local batch ${b.localBatchId} "${b.name}" is studio batch ${b.batchId} (moved before; not copied again).\n`);
  }
  if (r.clipProbes) out.write(`  ${plural(r.clipProbes, 'clip check')} carried over.\n`);
  if (r.recentCalls) out.write(`  ${plural(r.recentCalls, 'call')} to Venice in the last minute now counted by the studio's shared limits.\n`);
  if (r.keptAs) out.write(`This machine's own queue is set aside as ${r.keptAs} (a backup; nothing works from it any more).\n`);
}

export async function studioImportCommand(session: CliSession, sub: string | undefined, values: CliValues, out: NodeJS.WritableStream, err: NodeJS.WritableStream): Promise<number> {
  if (sub !== 'import') {
    err.write(`Unknown studio command "${sub ?? ''}": use \`venice-batch studio import\`.\n`);
    return 2;
  }
  const url = studioQueueUrl(process.env.VENICE_BATCH_DB);
  if (!url || session.queue.kind !== 'postgres') {
    err.write('Set VENICE_BATCH_DB=postgres://user:password@host:5432/database to the studio queue first: that is where this machine\'s queue moves to.\n');
    return 2;
  }
  let report: StudioImportReport;
  try {
    const apiKey = await session.links.secrets.getKey().catch(() => undefined);
    report = await importLocalQueue({ dataDir: session.dataDir, url, apiKey: apiKey ?? undefined });
  } catch (e) {
    if (e instanceof StudioImportRefusedError || e instanceof StudioImportConflictError) {
      err.write(`${e.message}\n`);
      return 2;
    }
    throw e;
  }
  if (values.json) out.write(`${JSON.stringify(report)}\n`);
  else printReport(out, report);
  return 0;
}
