/**
 * Faults the simulator can inflict, either injected for the next matching request(s) or rolled per request from
 * `faultRates` with the seeded PRNG. Handlers ask `take(kind, where)` at the exact point a fault would bite (a
 * truncated download can only happen once there is a file to send), so an injected fault is never wasted on a
 * request it cannot affect.
 */
import { z } from 'zod';
import type { Rng } from './random';
import { FAULT_KINDS, SIM_ROUTES, type FaultKind, type FaultSpec, type FiredFault, type SimRoute } from './types';

const ALL: readonly SimRoute[] = SIM_ROUTES;

/** Where each fault makes sense. */
export const FAULT_ROUTES: Readonly<Record<FaultKind, readonly SimRoute[]>> = {
  rate_limit_429: ALL,
  server_500: ALL,
  unavailable_503: ALL,
  hang: ALL,
  truncated_download: ['retrieve', 'download'],
  malformed_json: ['models', 'quote', 'queue', 'retrieve', 'complete'],
  expired_404: ['retrieve', 'download'],
  content_policy_422: ['queue', 'retrieve'],
  charge_then_drop: ['queue'],
  placeholder_clip: ['queue'],
  // A pre-signed link needs no key, so a revoked key cannot spoil it.
  unauthorized_401: ['models', 'quote', 'queue', 'retrieve', 'complete'],
  network_down: ALL,
};

/** Faults that strike the whole server rather than one request: injected with a window, never rolled per request. */
export const SERVER_FAULTS: ReadonlySet<FaultKind> = new Set(['network_down']);

/** The most fired faults kept in the journal. */
const MAX_FIRED = 100_000;

export const FaultSpecSchema = z.strictObject({
  kind: z.enum(FAULT_KINDS as [FaultKind, ...FaultKind[]]),
  route: z.enum(SIM_ROUTES as [SimRoute, ...SimRoute[]]).optional(),
  count: z.number().int().positive().optional(),
  queueId: z.string().min(1).optional(),
  forMs: z.number().int().positive().max(24 * 60 * 60 * 1000).optional(),
});

interface PendingFault {
  kind: FaultKind;
  route: SimRoute | undefined;
  queueId: string | undefined;
  remaining: number;
  /** A window fault: strikes every matching request until this instant. */
  until: number | undefined;
}

export interface FaultSite {
  route: SimRoute;
  /** The job the request is about, when it names one. */
  queueId?: string;
}

export class FaultBook {
  private readonly pending: PendingFault[] = [];
  private readonly fired: FiredFault[] = [];

  constructor(
    private readonly rates: Partial<Record<FaultKind, number>>,
    private readonly rng: Rng,
    private readonly now: () => number = Date.now,
  ) {}

  /** Checks a spec; for server faults the caller acts on it (see SimCore.inject). */
  static check(spec: FaultSpec): FaultSpec {
    const s = FaultSpecSchema.parse(spec);
    const routes = FAULT_ROUTES[s.kind];
    if (s.route && !routes.includes(s.route)) throw new Error(`${s.kind} cannot happen on ${s.route} (only ${routes.join(', ')})`);
    if (s.queueId && routes.every((r) => r === 'queue')) throw new Error(`${s.kind} happens before a job exists: it cannot target a queueId`);
    if (SERVER_FAULTS.has(s.kind) && (s.forMs === undefined || s.route || s.queueId || s.count)) {
      throw new Error(`${s.kind} strikes the whole server: give it forMs (and no route, queueId or count)`);
    }
    if (s.forMs !== undefined && s.count !== undefined) throw new Error('A fault takes either count or forMs, not both');
    return s;
  }

  inject(spec: FaultSpec): void {
    const s = FaultBook.check(spec);
    if (SERVER_FAULTS.has(s.kind)) throw new Error(`${s.kind} is not a per-request fault`);
    this.pending.push({
      kind: s.kind,
      route: s.route,
      queueId: s.queueId,
      remaining: s.count ?? 1,
      until: s.forMs === undefined ? undefined : this.now() + s.forMs,
    });
  }

  /** True when the fault strikes this request; an injected fault is consumed, otherwise the rate is rolled. */
  take(kind: FaultKind, site: FaultSite): boolean {
    if (!FAULT_ROUTES[kind].includes(site.route) || SERVER_FAULTS.has(kind)) return false;
    const now = this.now();
    for (let j = this.pending.length - 1; j >= 0; j--) {
      const f = this.pending[j] as PendingFault;
      if (f.until !== undefined && now >= f.until) this.pending.splice(j, 1);
    }
    const i = this.pending.findIndex(
      (f) => f.kind === kind && (f.route === undefined || f.route === site.route) && (f.queueId === undefined || f.queueId === site.queueId),
    );
    const hit = this.pending[i];
    if (hit) {
      if (hit.until === undefined) {
        hit.remaining -= 1;
        if (hit.remaining <= 0) this.pending.splice(i, 1);
      }
      this.record(kind, site.route, site.queueId);
      return true;
    }
    const rate = this.rates[kind] ?? 0;
    const struck = rate > 0 && this.rng() < rate;
    if (struck) this.record(kind, site.route, site.queueId);
    return struck;
  }

  /** Writes a fault that struck into the journal. */
  record(kind: FaultKind, route: FiredFault['route'], queueId?: string): void {
    if (this.fired.length >= MAX_FIRED) this.fired.shift();
    this.fired.push({ at: this.now(), kind, route, ...(queueId ? { queueId } : {}) });
  }

  /** Every fault that struck, oldest first. */
  firedFaults(): FiredFault[] {
    return this.fired.map((f) => ({ ...f }));
  }

  /** Injected faults still waiting for a request. */
  waiting(): FaultSpec[] {
    const now = this.now();
    return this.pending
      .filter((f) => f.until === undefined || now < f.until)
      .map((f) => ({
        kind: f.kind,
        ...(f.until === undefined ? { count: f.remaining } : { forMs: f.until - now }),
        ...(f.route ? { route: f.route } : {}),
        ...(f.queueId ? { queueId: f.queueId } : {}),
      }));
  }
}
