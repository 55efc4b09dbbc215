/**
 * Leases of the local queue, kept in memory. One process owns a local queue (the engine lock), so its leases die
 * with it, and what a restart does (recover.ts) is exactly what expiry would do: there is nothing to gain from
 * writing them to the file, and every claim stays a pure read. Leases still carry tokens and times, so the engine
 * runs the same code, and the contract suite the same tests, on both stores.
 */
import { randomUUID } from 'node:crypto';
import type { Lease } from '../store-api';

interface Held {
  owner: string;
  token: string;
  until: number;
}

export class LeaseBook {
  private readonly held = new Map<number, Held>();

  constructor(
    private readonly now: () => number,
    private readonly leaseMs: number,
  ) {}

  isHeld(rowId: number): boolean {
    return this.held.has(rowId);
  }

  take(rowId: number, owner: string): { lease: Lease; until: number } {
    const h: Held = { owner, token: randomUUID(), until: this.now() + this.leaseMs };
    this.held.set(rowId, h);
    return { lease: { rowId, owner, token: h.token }, until: h.until };
  }

  matches(lease: Lease): boolean {
    const h = this.held.get(lease.rowId);
    return h !== undefined && h.owner === lease.owner && h.token === lease.token;
  }

  drop(rowId: number): void {
    this.held.delete(rowId);
  }

  renew(owner: string): Lease[] {
    const until = this.now() + this.leaseMs;
    const out: Lease[] = [];
    for (const [rowId, h] of this.held) {
      if (h.owner !== owner) continue;
      h.until = until;
      out.push({ rowId, owner, token: h.token });
    }
    return out;
  }

  /** Leases that ran out (or all of one owner's), removed from the book. */
  takeExpired(scope: { expired: true } | { owner: string }): number[] {
    const now = this.now();
    const out: number[] = [];
    for (const [rowId, h] of this.held) {
      if ('owner' in scope ? h.owner === scope.owner : h.until < now) out.push(rowId);
    }
    for (const id of out) this.held.delete(id);
    return out;
  }

  entries(): Array<{ rowId: number; owner: string; until: number }> {
    return [...this.held].map(([rowId, h]) => ({ rowId, owner: h.owner, until: h.until }));
  }
}
