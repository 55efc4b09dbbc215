/**
 * A batch's results as a CSV for the user: one line per row (and take), with what it asked for, how it ended, what
 * it cost and where the file is. Every cell goes through the sheet serializer's formula escape, because prompts
 * and error texts come from outside and the file is meant to be opened in a spreadsheet app.
 *
 * Never a download link: Venice's pre-signed URLs stay encrypted in the store. The queue id is not a secret (it
 * only works with the user's own key) and helps when asking Venice support about a clip.
 */
import path from 'node:path';
import type { QueueStoreApi } from '../queue/store-api';
import type { AttemptRecord, RowRecord } from '../queue/types';
import { toCsv } from '../sheet/serialize';
import { redact } from '../venice/redact';
import { UserError } from './app-errors';

export const RESULTS_HEADER = ['row', 'take', 'name', 'prompt', 'model', 'duration', 'status', 'cost_usd', 'file', 'queue_id', 'error'] as const;

/** Money charged for a row: the quotes of the attempts Venice confirmed. Empty when nothing was charged. */
function costOf(attempts: readonly AttemptRecord[], row: RowRecord): { cost: string; queueId: string } {
  const charged = attempts.filter((a) => a.charged).reduce((sum, a) => sum + (a.quoteUsd ?? 0), 0);
  const current = attempts.find((a) => a.id === row.currentAttemptId) ?? attempts.at(-1);
  return { cost: charged > 0 ? charged.toFixed(2) : '', queueId: current?.queueId ?? '' };
}

type ResultsStore = Pick<QueueStoreApi, 'listRows' | 'listBatchAttempts' | 'getBatch'>;

export async function resultsTable(store: ResultsStore, batchId: number): Promise<string[][]> {
  const lines: string[][] = [[...RESULTS_HEADER]];
  const [rows, attempts] = await Promise.all([store.listRows(batchId), store.listBatchAttempts(batchId)]);
  for (const row of rows) {
    const { cost, queueId } = costOf(
      attempts.filter((a) => a.rowId === row.id),
      row,
    );
    lines.push([
      String(row.rowIndex),
      String(row.take),
      row.name ?? '',
      row.params.prompt,
      row.params.model,
      row.params.duration,
      row.state,
      cost,
      row.filePath ? path.basename(row.filePath) : '',
      queueId,
      row.errorMessage ? redact(row.errorMessage) : '',
    ]);
  }
  return lines;
}

/** "Forest shots.xlsx" -> "Forest shots results.csv": a name that is safe on every file system. */
export function resultsFileName(batchName: string): string {
  const base = batchName
    .replace(/\.(csv|tsv|txt|xlsx|xls|ods)$/i, '')
    // eslint-disable-next-line no-control-regex -- control characters are exactly what a file name must not hold
    .replace(/[\\/:*?"<>|\u0000-\u001f]+/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 120) || 'batch';
  return `${base} results.csv`;
}

export async function resultsSheet(store: ResultsStore, batchId: number): Promise<{ fileName: string; csv: string }> {
  const batch = await store.getBatch(batchId);
  if (!batch) throw new UserError('not_found', `There is no batch ${batchId}.`);
  // escapeFormulas is the serializer's default; said out loud because it is the point of this file.
  return { fileName: resultsFileName(batch.name), csv: toCsv(await resultsTable(store, batchId), { escapeFormulas: true }) };
}
