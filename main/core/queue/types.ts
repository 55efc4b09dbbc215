/** The records the queue store keeps, in the shapes the engine, the CLI and (later) the UI use. */
import type { BatchDefaults, ResolvedRow } from '../sheet/validate';
import type { JobState } from './job-states';

/** Batch-wide defaults that rows can override (the same the sheet validator applies), plus how the batch runs. */
export interface BatchSettings extends BatchDefaults {
  /** Jobs of this batch in flight on Venice at once. */
  concurrency: number;
}

export type BatchStatus = 'active' | 'paused' | 'cancelled';

export interface BatchRecord {
  id: number;
  name: string;
  sourcePath: string | null;
  sourceHash: string | null;
  settings: BatchSettings;
  outputDir: string;
  nameTemplate: string;
  budgetUsd: number | null;
  baseUrl: string;
  rehearsal: boolean;
  status: BatchStatus;
  pauseReason: string | null;
  createdAt: number;
  updatedAt: number;
}

/**
 * What a row asks Venice for, with batch defaults already applied (`image` is a local path or a URL): exactly what
 * sheet validation resolves a valid row to.
 */
export type RowParams = ResolvedRow;

export interface RowRecord {
  id: number;
  batchId: number;
  rowIndex: number;
  position: number;
  take: number;
  params: RowParams;
  name: string | null;
  extras: Record<string, string>;
  state: JobState;
  currentAttemptId: number | null;
  quoteUsd: number | null;
  errorKind: string | null;
  errorMessage: string | null;
  suggestedPrompt: string | null;
  filePath: string | null;
  nextActionAt: number | null;
  updatedAt: number;
}

export type AttemptState = 'submitting' | 'queued' | 'processing' | 'downloading' | 'verifying' | 'done' | 'in_doubt' | 'failed' | 'refused' | 'lost';

export interface AttemptRecord {
  id: number;
  rowId: number;
  attemptNo: number;
  state: AttemptState;
  model: string;
  queueId: string | null;
  /** Encrypted at rest (see url-vault.ts); never leaves the engine in clear. */
  downloadUrlEnc: string | null;
  quoteUsd: number | null;
  /** 1 once Venice confirmed the job (charged); in-doubt attempts stay 0 because nobody knows. */
  charged: boolean;
  submittedAt: number | null;
  queuedAt: number | null;
  finishedAt: number | null;
  avgExecutionMs: number | null;
  executionMs: number | null;
  polls: number;
  downloadTries: number;
  bytes: number | null;
  filePath: string | null;
  remoteDeleted: boolean;
  errorKind: string | null;
  errorMessage: string | null;
  requestId: string | null;
}

export interface RowEvent {
  id: number;
  batchId: number;
  rowId: number | null;
  at: number;
  kind: string;
  message: string;
  data: unknown;
}

export interface NewRow {
  rowIndex: number;
  /** Which take of its sheet row this is (1-based). Default 1. */
  take?: number;
  params: RowParams;
  name?: string | null;
  extras?: Record<string, string>;
  quoteUsd?: number | null;
  state?: 'draft' | 'ready';
}

export interface NewBatch {
  name: string;
  sourcePath?: string | null;
  sourceHash?: string | null;
  settings: BatchSettings;
  outputDir: string;
  nameTemplate: string;
  budgetUsd?: number | null;
  baseUrl: string;
  rehearsal?: boolean;
}
