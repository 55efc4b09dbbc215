/**
 * Faults the simulator can inflict, either injected for the next matching request(s) or rolled per request from
 * `faultRates` with the seeded PRNG. Handlers ask `take(kind, where)` at the exact point a fault would bite (a
 * truncated download can only happen once there is a file to send), so an injected fault is never wasted on a
 * request it cannot affect.
 */
import { z } from 'zod';
import type { Rng } from './random';
import { FAULT_KINDS, SIM_ROUTES, type FaultKind, type FaultSpec, type SimRoute } from './types';

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
};

export const FaultSpecSchema = z.strictObject({
  kind: z.enum(FAULT_KINDS as [FaultKind, ...FaultKind[]]),
  route: z.enum(SIM_ROUTES as [SimRoute, ...SimRoute[]]).optional(),
  count: z.number().int().positive().optional(),
  queueId: z.string().min(1).optional(),
});

interface PendingFault {
  kind: FaultKind;
  route: SimRoute | undefined;
  queueId: string | undefined;
  remaining: number;
}

export interface FaultSite {
  route: SimRoute;
  /** The job the request is about, when it names one. */
  queueId?: string;
}

export class FaultBook {
  private readonly pending: PendingFault[] = [];

  constructor(
    private readonly rates: Partial<Record<FaultKind, number>>,
    private readonly rng: Rng,
  ) {}

  inject(spec: FaultSpec): void {
    const s = FaultSpecSchema.parse(spec);
    const routes = FAULT_ROUTES[s.kind];
    if (s.route && !routes.includes(s.route)) throw new Error(`${s.kind} cannot happen on ${s.route} (only ${routes.join(', ')})`);
    if (s.queueId && routes.every((r) => r === 'queue')) throw new Error(`${s.kind} happens before a job exists: it cannot target a queueId`);
    this.pending.push({ kind: s.kind, route: s.route, queueId: s.queueId, remaining: s.count ?? 1 });
  }

  /** True when the fault strikes this request; an injected fault is consumed, otherwise the rate is rolled. */
  take(kind: FaultKind, site: FaultSite): boolean {
    if (!FAULT_ROUTES[kind].includes(site.route)) return false;
    const i = this.pending.findIndex(
      (f) => f.kind === kind && (f.route === undefined || f.route === site.route) && (f.queueId === undefined || f.queueId === site.queueId),
    );
    const hit = this.pending[i];
    if (hit) {
      hit.remaining -= 1;
      if (hit.remaining <= 0) this.pending.splice(i, 1);
      return true;
    }
    const rate = this.rates[kind] ?? 0;
    return rate > 0 && this.rng() < rate;
  }

  /** Injected faults still waiting for a request. */
  waiting(): FaultSpec[] {
    return this.pending.map((f) => ({
      kind: f.kind,
      count: f.remaining,
      ...(f.route ? { route: f.route } : {}),
      ...(f.queueId ? { queueId: f.queueId } : {}),
    }));
  }
}
