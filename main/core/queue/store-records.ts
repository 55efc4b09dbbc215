/**
 * How queue records map to and from SQLite rows: column names, JSON fields, booleans as 0/1, and the SET clauses
 * of partial updates. Kept apart from the store so the store reads as a list of operations.
 */
import type { JobState } from './job-states';
import type { AttemptRecord, AttemptState, BatchRecord, BatchStatus, RowRecord } from './types';

export type SqlRow = Record<string, unknown>;
export type SqlValue = string | number | null;

export const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
export const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

export function toBatch(r: SqlRow): BatchRecord {
  return {
    id: Number(r.id),
    name: String(r.name),
    sourcePath: str(r.source_path),
    sourceHash: str(r.source_hash),
    settings: JSON.parse(String(r.settings_json)),
    outputDir: String(r.output_dir),
    nameTemplate: String(r.name_template),
    budgetUsd: num(r.budget_usd),
    baseUrl: String(r.base_url),
    rehearsal: Number(r.rehearsal) === 1,
    status: String(r.status) as BatchStatus,
    pauseReason: str(r.pause_reason),
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}

export function toRow(r: SqlRow): RowRecord {
  return {
    id: Number(r.id),
    batchId: Number(r.batch_id),
    rowIndex: Number(r.row_index),
    position: Number(r.position),
    take: Number(r.take),
    params: JSON.parse(String(r.params_json)),
    name: str(r.name),
    extras: JSON.parse(String(r.extras_json)),
    state: String(r.state) as JobState,
    currentAttemptId: num(r.current_attempt_id),
    quoteUsd: num(r.quote_usd),
    errorKind: str(r.error_kind),
    errorMessage: str(r.error_message),
    suggestedPrompt: str(r.suggested_prompt),
    filePath: str(r.file_path),
    nextActionAt: num(r.next_action_at),
    updatedAt: Number(r.updated_at),
  };
}

export function toAttempt(r: SqlRow): AttemptRecord {
  return {
    id: Number(r.id),
    rowId: Number(r.row_id),
    attemptNo: Number(r.attempt_no),
    state: String(r.state) as AttemptState,
    model: String(r.model),
    queueId: str(r.queue_id),
    downloadUrlEnc: str(r.download_url_enc),
    quoteUsd: num(r.quote_usd),
    charged: Number(r.charged) === 1,
    submittedAt: num(r.submitted_at),
    queuedAt: num(r.queued_at),
    finishedAt: num(r.finished_at),
    avgExecutionMs: num(r.avg_execution_ms),
    executionMs: num(r.execution_ms),
    polls: Number(r.polls),
    downloadTries: Number(r.download_tries),
    bytes: num(r.bytes),
    filePath: str(r.file_path),
    remoteDeleted: Number(r.remote_deleted) === 1,
    errorKind: str(r.error_kind),
    errorMessage: str(r.error_message),
    requestId: str(r.request_id),
  };
}

/** Row columns a transition may also set, in the store's camelCase. */
export interface RowPatch {
  currentAttemptId?: number | null;
  quoteUsd?: number | null;
  errorKind?: string | null;
  errorMessage?: string | null;
  suggestedPrompt?: string | null;
  filePath?: string | null;
  nextActionAt?: number | null;
}

export interface AttemptPatch {
  state?: AttemptState;
  queueId?: string | null;
  downloadUrlEnc?: string | null;
  charged?: boolean;
  queuedAt?: number | null;
  finishedAt?: number | null;
  avgExecutionMs?: number | null;
  executionMs?: number | null;
  polls?: number;
  downloadTries?: number;
  bytes?: number | null;
  filePath?: string | null;
  remoteDeleted?: boolean;
  errorKind?: string | null;
  errorMessage?: string | null;
  requestId?: string | null;
}

export const ROW_COLUMNS: Record<keyof RowPatch, string> = {
  currentAttemptId: 'current_attempt_id',
  quoteUsd: 'quote_usd',
  errorKind: 'error_kind',
  errorMessage: 'error_message',
  suggestedPrompt: 'suggested_prompt',
  filePath: 'file_path',
  nextActionAt: 'next_action_at',
};

export const ATTEMPT_COLUMNS: Record<keyof AttemptPatch, string> = {
  state: 'state',
  queueId: 'queue_id',
  downloadUrlEnc: 'download_url_enc',
  charged: 'charged',
  queuedAt: 'queued_at',
  finishedAt: 'finished_at',
  avgExecutionMs: 'avg_execution_ms',
  executionMs: 'execution_ms',
  polls: 'polls',
  downloadTries: 'download_tries',
  bytes: 'bytes',
  filePath: 'file_path',
  remoteDeleted: 'remote_deleted',
  errorKind: 'error_kind',
  errorMessage: 'error_message',
  requestId: 'request_id',
};

export function sqlValue(v: unknown): SqlValue {
  if (v === undefined || v === null) return null;
  if (typeof v === 'boolean') return v ? 1 : 0;
  return v as SqlValue;
}

export function setClause<P extends object>(patch: P, columns: Record<keyof P, string>): { sql: string; values: SqlValue[] } {
  const parts: string[] = [];
  const values: SqlValue[] = [];
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) continue;
    parts.push(`${columns[k as keyof P]} = ?`);
    values.push(sqlValue(v));
  }
  return { sql: parts.join(', '), values };
}
