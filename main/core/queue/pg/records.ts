/**
 * How queue records map to PostgreSQL rows. The column names are the SQLite store's, so the same mappers
 * (store-records.ts) build the same records from either database; only what differs is here: `$n` placeholders,
 * native booleans, and `next_action_at` stored as 0 (not NULL) for "due now".
 */
import { ATTEMPT_COLUMNS, ROW_COLUMNS, type AttemptPatch, type RowPatch } from '../store-records';

export type PgValue = string | number | boolean | null;

/** Row columns as records expect them (`next_action_at` 0 read back as null, as SQLite keeps it). */
export function rowColumns(alias = ''): string {
  const a = alias ? `${alias}.` : '';
  return [
    'id', 'batch_id', 'row_index', 'position', 'take', 'params_json', 'name', 'extras_json', 'state', 'current_attempt_id',
    'quote_usd', 'error_kind', 'error_message', 'suggested_prompt', 'file_path',
  ]
    .map((c) => `${a}${c}`)
    .concat([`NULLIF(${a}next_action_at, 0) AS next_action_at`, `${a}updated_at`])
    .join(', ');
}

export function attemptColumns(alias = ''): string {
  const a = alias ? `${alias}.` : '';
  return [
    'id', 'row_id', 'attempt_no', 'state', 'model', 'request_json', 'queue_id', 'download_url_enc', 'quote_usd', 'charged',
    'submitted_at', 'queued_at', 'finished_at', 'avg_execution_ms', 'execution_ms', 'polls', 'download_tries', 'bytes',
    'file_path', 'remote_deleted', 'error_kind', 'error_message', 'request_id',
  ]
    .map((c) => `${a}${c}`)
    .join(', ');
}

/**
 * `col = $n, ...` for the defined keys of a patch, numbering placeholders after `values` already taken. Pushes the
 * values onto `values`. Unknown keys are ignored (a patch is typed; this is a second fence).
 */
function setClause<P extends object>(patch: P, columns: Record<keyof P, string>, values: PgValue[], convert: (k: keyof P, v: unknown) => PgValue): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(patch)) {
    const col = columns[k as keyof P];
    if (v === undefined || !col) continue;
    values.push(convert(k as keyof P, v));
    parts.push(`${col} = $${values.length}`);
  }
  return parts.join(', ');
}

export function rowSet(patch: RowPatch, values: PgValue[]): string {
  // "No wait" is 0 here: the claim's range predicate then needs no OR IS NULL.
  return setClause(patch, ROW_COLUMNS, values, (k, v) => (k === 'nextActionAt' && v === null ? 0 : (v as PgValue)));
}

export function attemptSet(patch: AttemptPatch, values: PgValue[]): string {
  return setClause(patch, ATTEMPT_COLUMNS, values, (_k, v) => (v === null ? null : (v as PgValue)));
}

export function placeholders(values: PgValue[], items: readonly PgValue[]): string {
  return items
    .map((v) => {
      values.push(v);
      return `$${values.length}`;
    })
    .join(', ');
}
