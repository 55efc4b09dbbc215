/**
 * A row's history for the UI: each attempt (when, state, cost, Venice's run time, the error, the file) and the
 * row's log lines. Picked field by field from the store's records: an attempt's sealed download link, its request
 * JSON and its queue id never leave main.
 */
import path from 'node:path';
import type { QueueOps } from '../queue/store-api';
import { redact } from '../venice/redact';
import { UserError } from './app-errors';

export interface AttemptView {
  attemptNo: number;
  state: string;
  model: string;
  quoteUsd: number | null;
  charged: boolean;
  submittedAt: number | null;
  finishedAt: number | null;
  estimateMs: number | null;
  runMs: number | null;
  bytes: number | null;
  fileName: string | null;
  errorKind: string | null;
  errorMessage: string | null;
}

export interface RowHistory {
  rowId: number;
  attempts: AttemptView[];
  events: Array<{ at: number; kind: string; message: string }>;
}

const text = (s: string | null): string | null => (s === null ? null : redact(s));

export async function rowHistory(store: Pick<QueueOps, 'getRow' | 'listAttempts' | 'rowEvents'>, rowId: number): Promise<RowHistory> {
  if (!(await store.getRow(rowId))) throw new UserError('not_found', `There is no row ${rowId}.`);
  const [attempts, events] = await Promise.all([store.listAttempts(rowId), store.rowEvents(rowId)]);
  return {
    rowId,
    attempts: attempts.map((a) => ({
      attemptNo: a.attemptNo,
      state: a.state,
      model: a.model,
      quoteUsd: a.quoteUsd,
      charged: a.charged,
      submittedAt: a.submittedAt,
      finishedAt: a.finishedAt,
      estimateMs: a.avgExecutionMs,
      runMs: a.executionMs,
      bytes: a.bytes,
      fileName: a.filePath ? path.basename(a.filePath) : null,
      errorKind: a.errorKind,
      errorMessage: text(a.errorMessage),
    })),
    events: events.map((e) => ({ at: e.at, kind: e.kind, message: redact(e.message) })),
  };
}
