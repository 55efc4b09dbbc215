/**
 * The simulated account: a balance and an append-only list of charges and refunds. It is what tests assert on to
 * prove the product never pays twice, so every movement of money goes through here and nowhere else.
 */
import { roundUsd } from './pricing';
import type { LedgerEntry } from './types';

export interface LedgerSnapshot {
  balanceUsd: number;
  entries: LedgerEntry[];
}

export class Ledger {
  private balanceUsd: number;
  private readonly entries: LedgerEntry[];

  constructor(snapshot: LedgerSnapshot) {
    this.balanceUsd = roundUsd(snapshot.balanceUsd);
    this.entries = snapshot.entries.map((e) => ({ ...e }));
  }

  balance(): number {
    return this.balanceUsd;
  }

  setBalance(usd: number): void {
    if (!Number.isFinite(usd)) throw new Error('balance must be a finite number');
    this.balanceUsd = roundUsd(usd);
  }

  canAfford(usd: number): boolean {
    return this.balanceUsd + 1e-9 >= usd;
  }

  charge(entry: Omit<LedgerEntry, 'kind' | 'at'>): void {
    this.balanceUsd = roundUsd(this.balanceUsd - entry.amountUsd);
    this.entries.push({ ...entry, at: Date.now(), kind: 'charge' });
  }

  refund(entry: Omit<LedgerEntry, 'kind' | 'at'>): void {
    this.balanceUsd = roundUsd(this.balanceUsd + entry.amountUsd);
    this.entries.push({ ...entry, at: Date.now(), kind: 'refund' });
  }

  list(): LedgerEntry[] {
    return this.entries.map((e) => ({ ...e }));
  }

  snapshot(): LedgerSnapshot {
    return { balanceUsd: this.balanceUsd, entries: this.list() };
  }
}
