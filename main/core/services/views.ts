/**
 * What the UI is shown of batches and rows: plain data picked field by field from the store's records. Nothing
 * here copies a record wholesale, so an attempt's sealed download link, the request JSON or anything added to the
 * store later can never ride along to the renderer by accident.
 */
import path from 'node:path';
import { REMOTE_STATES, TERMINAL_STATES, type JobState } from '../queue/job-states';
import type { HoldRecord } from '../queue/hold-store';
import type { QueueStoreApi } from '../queue/store-api';
import type { AttemptRecord, BatchRecord, BatchStatus, RowRecord } from '../queue/types';
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

/** What a view reads: the queue's records, whichever database holds them. */
export type ViewStore = Pick<QueueStoreApi, 'countByState' | 'spend' | 'batchTotals' | 'holds' | 'listBatchAttempts' | 'listAttempts' | 'listRows'>;

/** `open`: the holds in force, when the caller read them already (a list of batches reads them once). */
export async function batchView(store: ViewStore, batch: BatchRecord, open?: HoldRecord[]): Promise<BatchView> {
  const [counts, spend, totals, holds] = await Promise.all([
    store.countByState(batch.id),
    store.spend(batch.id),
    store.batchTotals(batch.id),
    open ?? store.holds.openHolds(),
  ]);
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
    total: totals.rows,
    counts,
    quotedUsd: Math.round(totals.quotedUsd * 100) / 100,
    spentUsd: Math.round(spend.chargedUsd * 100) / 100,
    inDoubtUsd: Math.round(spend.inDoubtUsd * 100) / 100,
    waitingReason: text(waitingReasonFrom(holds, batch)),
  };
}

/** The engine's hold on a batch (its folder) or on its endpoint, from the holds in force (written by any process). */
export function waitingReasonFrom(open: readonly HoldRecord[], batch: BatchRecord): string | null {
  const mine = open.filter((h) => h.auto && (h.batchId === batch.id || (h.scope === 'endpoint' && h.baseUrl === batch.baseUrl)));
  return mine.length ? (mine[mine.length - 1]?.message ?? null) : null;
}

export async function waitingReason(store: Pick<QueueStoreApi, 'holds'>, batch: BatchRecord): Promise<string | null> {
  return waitingReasonFrom(await store.holds.openHolds(), batch);
}

/** A row as the UI shows it; `attempts`: the row's own attempts (any order). */
export function rowView(row: RowRecord, attempts: readonly AttemptRecord[]): RowView {
  const p = row.params;
  const current = row.currentAttemptId ? attempts.find((a) => a.id === row.currentAttemptId) : undefined;
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
    attempts: attempts.length,
    estimateMs: current?.avgExecutionMs ?? null,
    runMs: current?.executionMs ?? null,
    updatedAt: row.updatedAt,
  };
}

/** One row's view, its attempts read for it. */
export async function rowViewOf(store: Pick<QueueStoreApi, 'listAttempts'>, row: RowRecord): Promise<RowView> {
  return rowView(row, await store.listAttempts(row.id));
}

/** Every row of a batch, in submission order, with all attempts read in one query. */
export async function rowViews(store: ViewStore, batchId: number): Promise<RowView[]> {
  const [rows, attempts] = await Promise.all([store.listRows(batchId), store.listBatchAttempts(batchId)]);
  const byRow = new Map<number, AttemptRecord[]>();
  for (const a of attempts) byRow.set(a.rowId, [...(byRow.get(a.rowId) ?? []), a]);
  return rows.map((r) => rowView(r, byRow.get(r.id) ?? []));
}
