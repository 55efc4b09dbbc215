/**
 * The polls this machine placed, remembered so that they can be brought forward when a retrieve call gets cheaper.
 *
 * Why: a poll is placed at the price of its moment (poll-budget.ts). While 40 new jobs a minute arrive the price is
 * high and a job's next poll may lie minutes out; once the batch's tail frees the budget, that poll would still wait
 * out a gap priced for a full window (the studio bench: 1.6x today's lag in the tail with four machines). When the
 * price falls, each remembered poll is re-placed from the moment it was placed, at the new price.
 *
 * Each machine moves only the polls it wrote, and the store moves a row only while it still waits for exactly that
 * time and nobody holds it (`advancePolls`): a backoff after an error, a poll another machine placed since, or a row
 * being worked is never overridden. Polls are only ever moved earlier; the limiter keeps the account in its window.
 */
import { pollDelayMs, type BudgetedPollPolicy, type PollInputs } from './poll-budget';
import type { PollMove } from './store-api';

export interface PlacedPoll {
  rowId: number;
  /** What the poll's wait was computed from (pollDelayMs's arguments). */
  job: PollInputs;
  /** When the wait was computed from, and the due time written to the row. */
  placedAt: number;
  dueAt: number;
  /** The price of a retrieve call it was placed at. */
  priceMs: number;
}

/**
 * A fall of the price smaller than this is noise, not freed budget. Why not also wait for the window to have room:
 * in the virtual bench (`npm run bench -- poll`) such a gate saved 0.06 calls a job, but in the studio bench the
 * window stays nearly full through a batch's tail, filled by the very polls placed too far out, and the gate kept
 * them there (tail lag 1.5-2x today's policy with it).
 */
const CHEAPER_BY = 0.7;
/** Moves smaller than this are not worth a write. */
const MIN_GAIN_MS = 1_000;

export class PollSchedule {
  private readonly placed = new Map<number, PlacedPoll>();

  note(p: PlacedPoll): void {
    this.placed.set(p.rowId, p);
  }

  /**
   * The polls that come sooner at `priceMs` than where they were placed, with their new due times (never before
   * `now`). Polls already due are forgotten: they were taken or are about to be, and re-noted when placed again.
   */
  cheaper(priceMs: number, now: number, policy: BudgetedPollPolicy): PollMove[] {
    const moves: PollMove[] = [];
    for (const [rowId, p] of this.placed) {
      if (p.dueAt <= now) {
        this.placed.delete(rowId);
        continue;
      }
      if (priceMs > p.priceMs * CHEAPER_BY) continue;
      const to = Math.max(now, p.placedAt + pollDelayMs(p.job, { priceMs: () => priceMs }, policy));
      if (to < p.dueAt - MIN_GAIN_MS) moves.push({ rowId, from: p.dueAt, to });
    }
    return moves;
  }

  /**
   * Takes in what the store did with `moves` (from `cheaper`): the rows in `movedIds` wait for their new time, at
   * the new price; the others no longer wait for the poll this machine placed, which is forgotten.
   */
  settle(moves: readonly PollMove[], movedIds: readonly number[], priceMs: number): void {
    const moved = new Set(movedIds);
    for (const m of moves) {
      const p = this.placed.get(m.rowId);
      if (!p || p.dueAt !== m.from) continue;
      if (moved.has(m.rowId)) this.placed.set(m.rowId, { ...p, dueAt: m.to, priceMs });
      else this.placed.delete(m.rowId);
    }
  }

  get size(): number {
    return this.placed.size;
  }
}
