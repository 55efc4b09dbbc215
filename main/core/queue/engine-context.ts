/** What the engine's parts share: the store, the client, the limiter, the clock, and the event outlet. */
import path from 'node:path';
import type { VeniceClient } from '../venice/client';
import { isVeniceError } from '../venice/errors';
import type { HoldCause } from './hold-store';
import type { Holds } from './holds';
import type { RateLimiter } from './rate-limiter';
import type { QueueStore } from './store';
import type { PollPolicy } from './timing';

export type EngineEvent =
  | { type: 'row'; batchId: number; rowId: number; state: string; message: string }
  | { type: 'batch'; batchId: number; status: string; reason: string | null }
  | { type: 'balance'; balanceUsd: number }
  /** Work waits for a cause outside the queue (`active`), or carries on again; `message` says which, plainly. */
  | { type: 'hold'; active: boolean; cause: HoldCause; message: string; batchIds: number[] }
  | { type: 'notice'; level: 'info' | 'warning' | 'error'; message: string };

export type EngineClient = Pick<VeniceClient, 'queue' | 'retrieve' | 'complete' | 'downloadFromUrl' | 'quote'>;

/** How the engine reaches one Venice endpoint (the real API, or the Rehearsal simulator). */
export interface VeniceLink {
  client: EngineClient;
  apiKey: () => Promise<string | undefined>;
}

/**
 * Everything one unit of work needs. There is one context per API endpoint a batch was queued on, each with its
 * own client and rate limiter (limits are per key; Rehearsal must not eat the real key's budget).
 */
export interface EngineContext {
  store: QueueStore;
  baseUrl: string;
  client: EngineClient;
  limiter: RateLimiter;
  apiKey: () => Promise<string | undefined>;
  pollPolicy: PollPolicy;
  maxDownloadTries: number;
  /** Base of the full-jitter backoff after a transient failure (503 waits five times longer). */
  retryBaseMs: number;
  /** Consecutive transient failures per attempt, for backoff. In memory: a restart starting afresh is fine. */
  failureStreak: Map<number, number>;
  now: () => number;
  random: () => number;
  emit: (e: EngineEvent) => void;
  /** Base folder for relative image paths in rows (the sheet's folder). */
  baseDirOf: (batchId: number) => string | undefined;
  /** What waits for a cause outside the queue (a full disk, no network, a refused key...). */
  holds: Holds;
}

/** The part of the context every endpoint shares (the engine's own). */
export type SharedContext = Omit<EngineContext, 'baseUrl' | 'client' | 'limiter' | 'apiKey'>;

/**
 * Records the outcome of a request: the persistent log (limiter windows survive restarts), the error budget, and
 * what it says about the endpoint (no connection, a refused key, a 5xx storm: see holds.ts).
 */
export function noteRequest(ctx: EngineContext, route: string, ok: boolean, err?: unknown): void {
  ctx.store.logRequest(ctx.baseUrl, route, ok, ctx.now());
  if (!ok) ctx.limiter.recordError();
  if (ok) ctx.holds.noteAnswered(ctx.baseUrl, true);
  else if (isVeniceError(err)) ctx.holds.noteFailure(ctx.baseUrl, route, err);
}

/** Temp file for an attempt's clip, beside the final name so the last move is a same-disk rename. */
export function tempClipPath(outputDir: string, attemptId: number): string {
  return path.join(outputDir, `.venice-batch-${attemptId}.part.mp4`);
}
