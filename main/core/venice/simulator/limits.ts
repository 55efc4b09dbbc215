/**
 * Venice's per-key limits: sliding 60-second windows per route family (queue 40/min, retrieve 120/min, the rest a
 * generous shared one), and the error lockout (more than 20 non-2xx answers in 30 s block the key for 30 s). The
 * verdict carries what the answer's `x-ratelimit-*` headers must say, so every authenticated answer reports the
 * window the way Venice does: the reset is in UNIX SECONDS, the moment the window frees a slot.
 */
import type { SimLimits, SimRoute } from './types';

export const DEFAULT_LIMITS: SimLimits = {
  queuePerMinute: 40,
  retrievePerMinute: 120,
  errorThreshold: 20,
  errorWindowMs: 30_000,
  lockoutMs: 30_000,
};

/** models, quote and complete share one window; Venice does not publish it, so it is generous. */
export const OTHER_PER_MINUTE = 600;
const WINDOW_MS = 60_000;

type Bucket = 'queue' | 'retrieve' | 'other';

export interface LimitVerdict {
  allowed: boolean;
  /** Why a request was refused. */
  reason?: 'rate_limit' | 'lockout';
  limit: number;
  remaining: number;
  /** UNIX seconds. */
  resetAt: number;
}

interface KeyState {
  windows: Record<Bucket, number[]>;
  errors: number[];
  lockedUntil: number;
}

const toUnixSeconds = (ms: number) => Math.ceil(ms / 1000);

export class Limiter {
  private readonly keys = new Map<string, KeyState>();

  constructor(
    private readonly limits: SimLimits,
    private readonly now: () => number = Date.now,
  ) {}

  private state(key: string): KeyState {
    let s = this.keys.get(key);
    if (!s) {
      s = { windows: { queue: [], retrieve: [], other: [] }, errors: [], lockedUntil: 0 };
      this.keys.set(key, s);
    }
    return s;
  }

  private bucketOf(route: SimRoute): { bucket: Bucket; limit: number } {
    if (route === 'queue') return { bucket: 'queue', limit: this.limits.queuePerMinute };
    if (route === 'retrieve') return { bucket: 'retrieve', limit: this.limits.retrievePerMinute };
    return { bucket: 'other', limit: OTHER_PER_MINUTE };
  }

  /** Decides whether a request may proceed, and counts it in its window when it may. */
  admit(key: string, route: SimRoute): LimitVerdict {
    const now = this.now();
    const s = this.state(key);
    const { bucket, limit } = this.bucketOf(route);
    const windowMs = this.limits.windowMs ?? WINDOW_MS;
    const window = s.windows[bucket].filter((t) => t > now - windowMs);
    s.windows[bucket] = window;
    if (now < s.lockedUntil) {
      return { allowed: false, reason: 'lockout', limit, remaining: 0, resetAt: toUnixSeconds(s.lockedUntil) };
    }
    if (window.length >= limit) {
      return { allowed: false, reason: 'rate_limit', limit, remaining: 0, resetAt: toUnixSeconds((window[0] ?? now) + windowMs) };
    }
    window.push(now);
    return { allowed: true, limit, remaining: limit - window.length, resetAt: toUnixSeconds((window[0] ?? now) + windowMs) };
  }

  /**
   * Counts a non-2xx answer against the key. Returns true when this one tipped the key into a lockout. Answers
   * sent during a lockout do not count, or a client that keeps polling could never get out.
   */
  recordError(key: string): boolean {
    const now = this.now();
    const s = this.state(key);
    if (now < s.lockedUntil) return false;
    s.errors = s.errors.filter((t) => t > now - this.limits.errorWindowMs);
    s.errors.push(now);
    if (s.errors.length <= this.limits.errorThreshold) return false;
    s.lockedUntil = now + this.limits.lockoutMs;
    s.errors = [];
    return true;
  }
}
