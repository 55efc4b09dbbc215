/**
 * What the UI is shown of batches and rows: plain data picked field by field from the store's records. Nothing
 * here copies a record wholesale, so an attempt's sealed download link, the request JSON or anything added to the
 * store later can never ride along to the renderer by accident.
 */
import path from 'node:path';
import { REMOTE_STATES, TERMINAL_STATES, type JobState } from '../queue/job-states';
import type { QueueStore } from '../queue/store';
import type { BatchRecord, BatchStatus, RowRecord } from '../queue/types';
import { redact } from '../venice/redact';
import { withoutSheetExtension } from './batch-name';

/**
 * Where a batch stands, in the words the UI uses: still working, waiting on the user (paused), finished with
 * every clip, finished with rows that need a decision (failed or in doubt), or cancelled.
 */
export type BatchPhase = 'running' | 'paused' | 'finished' | 'needs-attention' | 'cancelled';

export interface BatchView {
  id: number;
  name: string;
  status: BatchStatus;
  phase: BatchPhase;
  pauseReason: string | null;
  rehearsal: boolean;
  outputDir: string;
  nameTemplate: string;
  concurrency: number;
  budgetUsd: number | null;
  createdAt: number;
  updatedAt: number;
  total: number;
  counts: Partial<Record<JobState, number>>;
  quotedUsd: number;
  spentUsd: number;
  inDoubtUsd: number;
  /** What the batch waits for by itself (a full disk, no network...), or null. */
  waitingReason: string | null;
}

export interface RowView {
  id: number;
  batchId: number;
  row: number;
  position: number;
  take: number;
  name: string | null;
  prompt: string;
  model: string;
  duration: string;
  resolution: string | null;
  aspectRatio: string | null;
  audio: boolean | null;
  image: string | null;
  state: JobState;
  quoteUsd: number | null;
  errorKind: string | null;
  errorMessage: string | null;
  suggestedPrompt: string | null;
  /** The clip's file name once it is done (the full path is `filePath`). */
  fileName: string | null;
  filePath: string | null;
  attempts: number;
  /** Venice's own estimate (P80) of the current attempt's run time, and how long it has run so far, when known. */
  estimateMs: number | null;
  runMs: number | null;
  updatedAt: number;
}

const text = (s: string | null): string | null => (s === null ? null : redact(s));

/**
 * A pause reason in the words the UI uses: the engine says "budget", the batch shows a "spend cap" that can be raised
 * or removed right there, so the reason names that control.
 */
export function plainPauseReason(reason: string | null): string | null {
  if (reason === null) return null;
  return reason.replace(/^Budget reached:/, 'Spend cap reached:').replace(/Raise the budget to continue\.$/, 'Raise or remove the spend cap to continue.');
}

export function batchPhase(batch: BatchRecord, counts: Partial<Record<JobState, number>>): BatchPhase {
  const remote = [...REMOTE_STATES, 'submitting' as JobState].some((s) => (counts[s] ?? 0) > 0);
  if (batch.status === 'cancelled') return remote ? 'running' : 'cancelled';
  if (batch.status === 'paused') return 'paused';
  const pending = Object.entries(counts).some(([s, n]) => n && !TERMINAL_STATES.has(s as JobState) && s !== 'draft');
  if (remote || pending) return 'running';
  return (counts.failed ?? 0) + (counts.in_doubt ?? 0) > 0 ? 'needs-attention' : 'finished';
}

export function batchView(store: QueueStore, batch: BatchRecord): BatchView {
  const counts = store.countByState(batch.id);
  const { chargedUsd, inDoubtUsd } = store.spend(batch.id);
  const quoted = store.db
    .prepare('SELECT COALESCE(SUM(quote_usd), 0) AS q, COUNT(*) AS n FROM rows WHERE batch_id = ?')
    .get(batch.id) as { q: number; n: number };
  return {
    id: batch.id,
    // Batches queued before names dropped the extension still show (and export) without it.
    name: withoutSheetExtension(batch.name),
    status: batch.status,
    phase: batchPhase(batch, counts),
    pauseReason: text(plainPauseReason(batch.pauseReason)),
    rehearsal: batch.rehearsal,
    outputDir: batch.outputDir,
    nameTemplate: batch.nameTemplate,
    concurrency: batch.settings.concurrency,
    budgetUsd: batch.budgetUsd,
    createdAt: batch.createdAt,
    updatedAt: batch.updatedAt,
    total: Number(quoted.n),
    counts,
    quotedUsd: Math.round(Number(quoted.q) * 100) / 100,
    spentUsd: Math.round(chargedUsd * 100) / 100,
    inDoubtUsd: Math.round(inDoubtUsd * 100) / 100,
    waitingReason: text(waitingReason(store, batch)),
  };
}

/** The engine's hold on a batch (its folder) or on its endpoint, read from the store so any process can show it. */
export function waitingReason(store: QueueStore, batch: BatchRecord): string | null {
  const open = store.holds.openHolds().filter((h) => h.auto && (h.batchId === batch.id || (h.scope === 'endpoint' && h.baseUrl === batch.baseUrl)));
  return open.length ? (open[open.length - 1]?.message ?? null) : null;
}

export function rowView(store: QueueStore, row: RowRecord): RowView {
  const attempts = store.db.prepare('SELECT COUNT(*) AS n FROM attempts WHERE row_id = ?').get(row.id) as { n: number };
  const p = row.params;
  const current = row.currentAttemptId ? store.getAttempt(row.currentAttemptId) : undefined;
  return {
    id: row.id,
    batchId: row.batchId,
    row: row.rowIndex,
    position: row.position,
    take: row.take,
    name: row.name,
    prompt: p.prompt,
    model: p.model,
    duration: p.duration,
    resolution: p.resolution ?? null,
    aspectRatio: p.aspect_ratio ?? null,
    audio: p.audio ?? null,
    image: p.image ?? null,
    state: row.state,
    quoteUsd: row.quoteUsd,
    errorKind: row.errorKind,
    errorMessage: text(row.errorMessage),
    suggestedPrompt: row.suggestedPrompt,
    fileName: row.filePath ? path.basename(row.filePath) : null,
    filePath: row.filePath,
    attempts: Number(attempts.n),
    estimateMs: current?.avgExecutionMs ?? null,
    runMs: current?.executionMs ?? null,
    updatedAt: row.updatedAt,
  };
}
