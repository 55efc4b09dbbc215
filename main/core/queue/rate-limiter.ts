/**
 * One limiter per API key, shared by every batch: stays under Venice's per-key limits (queue 40/min, retrieve
 * 120/min) and well under the lockout rule (more than 20 non-2xx answers in 30 s blocks the key for 30 s), and
 * obeys the server's own reset time after a 429. Its windows are rebuilt from the store's request log after a
 * restart, so a crash-and-restart loop cannot burst past the limits.
 */
export type LimitedRoute = 'queue' | 'retrieve' | 'other';

export interface RateLimits {
  queuePerMinute: number;
  retrievePerMinute: number;
  otherPerMinute: number;
  /** Venice locks the key after more than this many non-2xx answers in `errorWindowMs`. */
  lockoutThreshold: number;
  errorWindowMs: number;
  /** We stop sending at this many recent errors, far from the lockout. */
  errorBudget: number;
}

export const VENICE_LIMITS: RateLimits = {
  queuePerMinute: 40,
  retrievePerMinute: 120,
  otherPerMinute: 60,
  lockoutThreshold: 20,
  errorWindowMs: 30_000,
  errorBudget: 10,
};

/** A little over a minute, so clock granularity on either side never lets a 41st request through. */
const WINDOW_MS = 61_000;

export function routeBucket(route: string): LimitedRoute {
  if (route === 'queue') return 'queue';
  // /video/complete is not documented separately; it shares the retrieve budget to stay safe.
  if (route === 'retrieve' || route === 'complete') return 'retrieve';
  return 'other';
}

export class RateLimiter {
  private readonly sent: Record<LimitedRoute, number[]> = { queue: [], retrieve: [], other: [] };
  private errors: number[] = [];
  private blockedUntil: Record<LimitedRoute, number> = { queue: 0, retrieve: 0, other: 0 };

  constructor(
    private readonly limits: RateLimits = VENICE_LIMITS,
    private readonly now: () => number = Date.now,
  ) {}

  /** Rebuilds the windows from requests made by an earlier run of the engine. */
  restore(log: Array<{ at: number; route: string; ok: boolean }>): void {
    for (const e of log) {
      this.sent[routeBucket(e.route)].push(e.at);
      if (!e.ok) this.errors.push(e.at);
    }
    for (const k of Object.keys(this.sent) as LimitedRoute[]) this.sent[k].sort((a, b) => a - b);
    this.errors.sort((a, b) => a - b);
  }

  private limitOf(bucket: LimitedRoute): number {
    return bucket === 'queue'
      ? this.limits.queuePerMinute
      : bucket === 'retrieve'
        ? this.limits.retrievePerMinute
        : this.limits.otherPerMinute;
  }

  private prune(at: number): void {
    for (const k of Object.keys(this.sent) as LimitedRoute[]) {
      const list = this.sent[k];
      while (list.length && (list[0] as number) <= at - WINDOW_MS) list.shift();
    }
    while (this.errors.length && (this.errors[0] as number) <= at - this.limits.errorWindowMs) this.errors.shift();
  }

  /** Milliseconds until a request on this route may be sent (0 = now). */
  waitMs(route: string): number {
    const at = this.now();
    this.prune(at);
    const bucket = routeBucket(route);
    let wait = Math.max(0, this.blockedUntil[bucket] - at);
    const list = this.sent[bucket];
    if (list.length >= this.limitOf(bucket)) {
      const oldest = list[list.length - this.limitOf(bucket)] as number;
      wait = Math.max(wait, oldest + WINDOW_MS - at);
    }
    if (this.errors.length >= this.limits.errorBudget) {
      const freeAt = (this.errors[this.errors.length - this.limits.errorBudget] as number) + this.limits.errorWindowMs;
      wait = Math.max(wait, freeAt - at);
    }
    return wait;
  }

  /** Takes a slot if one is free now. The caller sends the request only when this returns true. */
  tryAcquire(route: string): boolean {
    return this.take(route) !== null;
  }

  /** Takes a slot if one is free now and returns its instant (to `restamp` it), or null. */
  take(route: string): number | null {
    if (this.waitMs(route) > 0) return null;
    const at = this.now();
    this.sent[routeBucket(route)].push(at);
    return at;
  }

  /**
   * The request of the slot taken at `takenAt` leaves now: the slot moves to now (the list stays sorted, as now is
   * the latest instant). False when the slot has left the window meanwhile: the caller must take a new one.
   */
  restamp(bucket: LimitedRoute, takenAt: number): boolean {
    const now = this.now();
    const list = this.sent[bucket];
    const i = list.lastIndexOf(takenAt);
    if (i < 0 || takenAt <= now - WINDOW_MS) return false;
    list.splice(i, 1);
    list.push(Math.max(takenAt, now));
    return true;
  }

  /** Records a non-2xx answer (errors count toward Venice's lockout whatever their cause). */
  recordError(): void {
    this.errors.push(this.now());
  }

  /** Obeys a 429's reset time for this route. */
  blockUntil(route: string, at: number): void {
    const bucket = routeBucket(route);
    this.blockedUntil[bucket] = Math.max(this.blockedUntil[bucket], at);
  }

  /**
   * The wall clock was set back by `-deltaMs` (delta < 0): shift every remembered instant with it, or the windows
   * would look full until the clock caught up again (two hours of nothing after a two-hour correction).
   */
  shiftClock(deltaMs: number): void {
    for (const k of Object.keys(this.sent) as LimitedRoute[]) this.sent[k] = this.sent[k].map((t) => t + deltaMs);
    this.errors = this.errors.map((t) => t + deltaMs);
    for (const k of Object.keys(this.blockedUntil) as LimitedRoute[]) this.blockedUntil[k] += deltaMs;
  }

  snapshot(): { sent: Record<LimitedRoute, number>; recentErrors: number } {
    this.prune(this.now());
    return {
      sent: { queue: this.sent.queue.length, retrieve: this.sent.retrieve.length, other: this.sent.other.length },
      recentErrors: this.errors.length,
    };
  }
}
