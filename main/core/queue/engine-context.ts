/** What the engine's parts share: the store, the client, the limiter, the clock, and the event outlet. */
import path from 'node:path';
import type { VeniceClient } from '../venice/client';
import { isVeniceError } from '../venice/errors';
import type { AccountLimiter } from './account-limiter';
import type { Holds } from './holds';
import type { PaidJournal } from './paid-journal';
import type { BudgetedPollPolicy, PollBudget } from './poll-budget';
import type { PollSchedule } from './poll-schedule';
import type { Lease, QueueStoreApi } from './store-api';

export type { EngineEvent } from './engine-events';
import type { EngineEvent } from './engine-events';

export type EngineClient = Pick<VeniceClient, 'queue' | 'retrieve' | 'complete' | 'downloadFromUrl' | 'quote'>;

/** How the engine reaches one Venice endpoint (the real API, or the Rehearsal simulator). */
export interface VeniceLink {
  client: EngineClient;
  apiKey: () => Promise<string | undefined>;
}

/** How long a job may answer PROCESSING before the row fails (its paid job kept for a Retry that fetches again). */
export interface ProcessingLimits {
  /** A multiple of Venice's own estimate (generous: estimates are a P80, some jobs run long). */
  factor: number;
  /** Never fail a job younger than this, whatever the estimate said. */
  minMs: number;
  /** Never poll a job longer than this, whatever the estimate said. */
  maxMs: number;
}

export const DEFAULT_PROCESSING_LIMITS: ProcessingLimits = { factor: 10, minMs: 30 * 60_000, maxMs: 6 * 3_600_000 };

/**
 * Everything one unit of work needs. There is one context per API endpoint a batch was queued on, each with its
 * own client and account limiter (limits are per key; Rehearsal must not eat the real key's budget).
 */
export interface EngineContext {
  store: QueueStoreApi;
  baseUrl: string;
  client: EngineClient;
  limiter: AccountLimiter;
  apiKey: () => Promise<string | undefined>;
  /** The poll schedule's bounds and its price of a retrieve call, set from the account's budget (poll-budget.ts). */
  pollPolicy: BudgetedPollPolicy;
  pollBudget: PollBudget;
  /** The polls this machine placed, brought forward when a retrieve call gets cheaper (poll-schedule.ts). */
  pollSchedule: PollSchedule;
  processingLimits: ProcessingLimits;
  maxDownloadTries: number;
  /** Base of the full-jitter backoff after a transient failure (503 waits five times longer). */
  retryBaseMs: number;
  /** Consecutive transient failures per attempt, for backoff. In memory: a restart starting afresh is fine. */
  failureStreak: Map<number, number>;
  now: () => number;
  random: () => number;
  emit: (e: EngineEvent) => void;
  /** Base folder for relative image paths in rows (the sheet's folder). */
  baseDirOf: (batchId: number) => Promise<string | undefined>;
  /** What waits for a cause outside the queue (a full disk, no network, a refused key...). */
  holds: Holds;
  /** Where a paid answer goes first, before the store (paid-journal.ts). */
  journal: PaidJournal | undefined;
  /** The store could not be written: the engine pauses this machine's work until it answers again. */
  storeTrouble: (e: unknown) => void;
}

/** The part of the context every endpoint shares (the engine's own). */
export type SharedContext = Omit<EngineContext, 'baseUrl' | 'client' | 'limiter' | 'apiKey' | 'pollBudget' | 'pollSchedule'>;

/**
 * One claimed row's work: the lease every write about the row carries, and the signal that stops a download when
 * the lease was lost (another machine took the row over). `released` is set once a write gave the row back.
 */
export interface Work {
  lease: Lease;
  signal: AbortSignal;
  released: boolean;
  /**
   * Names this work's temp files (tempClipPath) on a folder other machines share: a stale holder and the machine
   * that took the row over never write the same file. Undefined on the local queue (one machine, one name).
   */
  tempTag: string | undefined;
}

/**
 * Records the outcome of a request: the account's error budget, the local request log (limiter windows survive a
 * restart), and what it says about the endpoint (no connection, a refused key, a 5xx storm: see holds.ts). Best
 * effort: bookkeeping about a request never turns into a failure of the work that made it.
 */
export async function noteRequest(ctx: EngineContext, route: string, ok: boolean, err?: unknown): Promise<void> {
  try {
    await ctx.limiter.noteAnswer?.(route, ok);
    if (!ok) await ctx.limiter.recordError(route);
  } catch (e) {
    ctx.storeTrouble(e);
  }
  try {
    if (ok) await ctx.holds.noteAnswered(ctx.baseUrl, true);
    else if (isVeniceError(err)) await ctx.holds.noteFailure(ctx.baseUrl, route, err);
  } catch (e) {
    ctx.storeTrouble(e);
  }
}

/**
 * Temp file for an attempt's clip, beside the final name so the last move is a same-disk rename. `tag` (Work.tempTag)
 * keeps two machines' copies of one attempt apart on a shared folder.
 */
export function tempClipPath(outputDir: string, attemptId: number, tag?: string): string {
  return path.join(outputDir, `.venice-batch-${attemptId}${tag ? `-${tag}` : ''}.part.mp4`);
}

/** A lease's own tag for temp names: short, file-name safe, and as unique as the lease. */
export function leaseTag(lease: Pick<Lease, 'token'>): string {
  return lease.token.replace(/[^0-9a-z]/gi, '').slice(0, 12).toLowerCase();
}

/** Names tempClipPath makes (with or without a lease suffix); group 1 is the attempt id. */
export const TEMP_CLIP_PATTERN = /^\.venice-batch-(\d+)(?:-[0-9a-z]+)?\.part\.mp4$/i;
