/**
 * Venice's limits belong to the account (the API key), not to a machine: 40 queue and 120 retrieve calls a minute,
 * and a lockout after more than 20 non-2xx answers in 30 s. One interface, two implementations:
 *
 * - local (this file): today's in-process RateLimiter, for one machine on the local queue;
 * - studio (pg/pg-limiter.ts): the same windows in the shared PostgreSQL, so N machines together never send more
 *   than one would.
 *
 * The contract: `acquire` takes a slot BEFORE the request is sent (a machine that dies mid-request has still used
 * it) or says how long to wait; `recordError` counts a non-2xx answer toward the error budget; `blockUntil` obeys a
 * 429's reset time for every machine; `usage` tells the poll policy how much of the budget is left.
 */
import { createHash } from 'node:crypto';
import { routeBucket, VENICE_LIMITS, type LimitedRoute, type RateLimiter, type RateLimits } from './rate-limiter';

export type { LimitedRoute } from './rate-limiter';

/** The place a request holds in its route's window, so that it can be moved to the instant the request leaves. */
export interface SlotRef {
  readonly bucket: LimitedRoute;
  /** The studio limiter's row id, the local limiter's instant. */
  readonly id: number;
}

export type Acquired = { ok: true; slot: SlotRef } | { ok: false; waitMs: number };

export interface RouteUsage {
  used: number;
  limit: number;
}

export interface AccountUsage {
  windowMs: number;
  queue: RouteUsage;
  retrieve: RouteUsage;
  other: RouteUsage;
  recentErrors: number;
  errorBudget: number;
}

export interface AccountLimiter {
  /** Takes a slot for one request on `route` if the account's window, error budget and any 429 block allow. */
  acquire(route: string): Promise<Acquired>;
  /**
   * The request of this slot leaves now: its place in the window moves from when it was taken to now, so a machine
   * slowed between the two (a starved CPU, a busy database) cannot send later than its window counts it. Moving a
   * slot later inside the window never lets a window hold more than the limit (every slot taken meanwhile counted
   * it), and it costs no second slot. False when the slot has left the window meanwhile: take a new one.
   */
  restamp(slot: SlotRef): Promise<boolean>;
  /** How long until `acquire(route)` would give a slot (0: now), without taking one. */
  freeInMs(route: string): Promise<number>;
  /** Counts a non-2xx answer (Venice counts them all toward its lockout, whatever the cause). */
  recordError(route: string): Promise<void>;
  /** Obeys a 429's reset time (store-clock ms) on this route, for every machine of the account. */
  blockUntil(route: string, at: number): Promise<void>;
  /** The account's use of each route's window right now, all machines together. */
  usage(): Promise<AccountUsage>;
  /** Every answer, good or bad (the local limiter logs it so its windows survive a restart). */
  noteAnswer?(route: string, ok: boolean): Promise<void>;
  /** The wall clock was set back: remembered instants move with it (the local limiter's; the database keeps its own). */
  shiftClock?(deltaMs: number): void;
}

/** Sliding windows are a little over a minute, so clock granularity and latency never let a 41st request through. */
export const ACCOUNT_WINDOW_MS = 61_000;

export function limitOf(limits: RateLimits, bucket: LimitedRoute): number {
  return bucket === 'queue' ? limits.queuePerMinute : bucket === 'retrieve' ? limits.retrievePerMinute : limits.otherPerMinute;
}

/**
 * The name of an account in the shared tables: a one-way digest of endpoint and key. Machines using the same key
 * share limits; the key itself never reaches the database (a truncated SHA-256 of a long random key cannot be
 * turned back into it).
 */
export function accountIdFor(baseUrl: string, apiKey: string): string {
  return createHash('sha256').update(`venice-batch account v1\0${baseUrl}\0${apiKey}`).digest('hex').slice(0, 32);
}

/** The local queue's limiter: today's RateLimiter (windows rebuilt from the request log after a restart). */
export class LocalAccountLimiter implements AccountLimiter {
  constructor(
    readonly limiter: RateLimiter,
    private readonly limits: RateLimits = VENICE_LIMITS,
    /** Writes one answer to the local request log (the queue file), from which `limiter` is rebuilt after a restart. */
    private readonly log?: (route: string, ok: boolean) => void,
  ) {}

  async noteAnswer(route: string, ok: boolean): Promise<void> {
    this.log?.(route, ok);
  }

  shiftClock(deltaMs: number): void {
    this.limiter.shiftClock(deltaMs);
  }

  async acquire(route: string): Promise<Acquired> {
    const at = this.limiter.take(route);
    if (at !== null) return { ok: true, slot: { bucket: routeBucket(route), id: at } };
    return { ok: false, waitMs: Math.max(1, this.limiter.waitMs(route)) };
  }

  async freeInMs(route: string): Promise<number> {
    return this.limiter.waitMs(route);
  }

  async restamp(slot: SlotRef): Promise<boolean> {
    return this.limiter.restamp(slot.bucket, slot.id);
  }

  async recordError(_route: string): Promise<void> {
    this.limiter.recordError();
  }

  async blockUntil(route: string, at: number): Promise<void> {
    this.limiter.blockUntil(route, at);
  }

  async usage(): Promise<AccountUsage> {
    const s = this.limiter.snapshot();
    const route = (b: LimitedRoute): RouteUsage => ({ used: s.sent[b], limit: limitOf(this.limits, b) });
    return {
      windowMs: ACCOUNT_WINDOW_MS,
      queue: route('queue'),
      retrieve: route('retrieve'),
      other: route('other'),
      recentErrors: s.recentErrors,
      errorBudget: this.limits.errorBudget,
    };
  }
}

