/**
 * The running batch's header numbers (renderer/src/state/progress.ts) and the batch store's merge of a fetched
 * row list with rows already updated by events (renderer/src/state/batches.ts). Plain Node: no DOM, no bridge.
 */
import { describe, expect, it } from 'vitest';
import type { BatchView, RowView } from '../../renderer/src/state/batches';
import { batchProgress, duration, newerOf } from '../../renderer/src/state/progress';

const batch = (over: Partial<BatchView> = {}): BatchView => ({
  id: 1,
  name: 'shots',
  status: 'active',
  phase: 'running',
  pauseReason: null,
  rehearsal: true,
  outputDir: '/tmp/shots',
  nameTemplate: '{row}-{name}-{take}',
  concurrency: 2,
  budgetUsd: null,
  createdAt: 0,
  updatedAt: 0,
  total: 6,
  counts: {},
  quotedUsd: 0.06,
  spentUsd: 0,
  inDoubtUsd: 0,
  waitingReason: null,
  ...over,
});

const row = (id: number, over: Partial<RowView> = {}): RowView => ({
  id,
  batchId: 1,
  row: id,
  position: id,
  take: 1,
  name: null,
  prompt: `Shot ${id}`,
  model: 'fast',
  duration: '5s',
  resolution: null,
  aspectRatio: null,
  audio: null,
  image: null,
  state: 'ready',
  quoteUsd: 0.01,
  errorKind: null,
  errorMessage: null,
  suggestedPrompt: null,
  fileName: null,
  filePath: null,
  attempts: 0,
  estimateMs: null,
  runMs: null,
  updatedAt: 0,
  ...over,
});

describe('batch progress', () => {
  it('counts rows per plain state and the share done', () => {
    const p = batchProgress(batch({ counts: { done: 3, processing: 1, ready: 1, failed: 1 } }), [], 60_000);
    expect(p).toMatchObject({ total: 6, done: 3, working: 1, waiting: 1, failed: 1, inDoubt: 0, percent: 50 });
  });

  it("prefers Venice's estimates: what is left of the jobs in flight, then the waiting rows `concurrency` at a time", () => {
    const rows = [
      row(1, { state: 'processing', estimateMs: 120_000, runMs: 30_000 }),
      row(2, { state: 'processing', estimateMs: 120_000, runMs: 60_000 }),
      row(3),
      row(4),
      row(5),
    ];
    const p = batchProgress(batch({ counts: { processing: 2, ready: 3, done: 1 } }), rows, 1_000);
    // 90 s left on the slowest in flight, then ceil(3 / 2) = 2 rounds of 120 s.
    expect(p.etaFrom).toBe('venice');
    expect(p.etaMs).toBe(90_000 + 240_000);
  });

  it('falls back to the pace so far, and gives no ETA before anything is known or once nothing runs', () => {
    const b = batch({ createdAt: 0, counts: { done: 2, ready: 4 } });
    expect(batchProgress(b, [row(1)], 120_000)).toMatchObject({ etaFrom: 'pace', etaMs: 240_000 });
    expect(batchProgress(batch({ counts: { ready: 6 } }), [row(1)], 120_000).etaMs).toBeNull();
    expect(batchProgress(batch({ phase: 'paused', counts: { done: 2, ready: 4 } }), [], 120_000).etaMs).toBeNull();
  });

  it('says durations in plain words', () => {
    expect(duration(20_000)).toBe('under a minute');
    expect(duration(5 * 60_000)).toBe('about 5 min');
    expect(duration(80 * 60_000)).toBe('about 1 h 20 min');
    expect(duration(120 * 60_000)).toBe('about 2 h');
  });
});

describe('rows fetched while events arrive', () => {
  it('keeps the newer copy of each row, so a slow answer cannot undo an event', () => {
    const fetched = [row(1, { state: 'submitting', updatedAt: 10 }), row(2, { state: 'done', updatedAt: 20 })];
    const held = [row(1, { state: 'in_doubt', updatedAt: 15 }), row(2, { state: 'processing', updatedAt: 5 }), row(9, { updatedAt: 99 })];
    const merged = newerOf(fetched, held);
    expect(merged.map((r) => [r.id, r.state])).toEqual([
      [1, 'in_doubt'],
      [2, 'done'],
    ]);
  });
});

describe('a late answer about a batch', () => {
  it('never puts back an older state than the one an event brought', () => {
    const paused = batch({ status: 'paused', phase: 'paused', pauseReason: 'Spend cap reached', updatedAt: 2_000 });
    const staleActive = batch({ status: 'active', phase: 'running', updatedAt: 1_000 });
    expect(newerOf([staleActive], [paused])).toEqual([paused]);
    // A newer answer (or one as new) is taken.
    const resumed = batch({ status: 'active', phase: 'running', updatedAt: 3_000 });
    expect(newerOf([resumed], [paused])).toEqual([resumed]);
    expect(newerOf([{ ...paused, spentUsd: 0.02 }], [paused])[0]!.spentUsd).toBe(0.02);
  });
});
