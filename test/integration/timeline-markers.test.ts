/* eslint-disable @typescript-eslint/no-explicit-any -- results are read back as a window would */
/**
 * Markers saved with the timeline through the contract, on a real finished Rehearsal batch: they come back in time
 * order after a restart, a save that leaves them out keeps them, shapes the contract refuses never reach the store,
 * and two markers with one id are refused with a message.
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { finishedBatch, openApp, tempRoot, type AppWithBatch } from '../support/app-batch';

let root: string;
let a: AppWithBatch;
let batchId: number;

beforeAll(async () => {
  root = tempRoot('vb-markers-');
  a = await openApp(root);
  batchId = await finishedBatch(a, ['Opening', 'Market']);
}, 120_000);

afterAll(async () => {
  await a?.app.close();
  rmSync(root, { recursive: true, force: true });
});

describe('timeline markers', () => {
  it('starts with none, saves them in time order, and keeps them across a restart and a save without markers', async () => {
    const t = (await a.call('timeline:get', { batchId })).value;
    expect(t.markers).toEqual([]);
    const markers = [
      { id: 'm2', at: 1.2, note: '  music hit  ' },
      { id: 'm1', at: 0.5, note: 'Check the horizon' },
    ];
    const saved = await a.call('timeline:save', { batchId, clips: t.clips, music: null, markers });
    expect(saved.ok).toBe(true);
    expect(saved.value.markers).toEqual([
      { id: 'm1', at: 0.5, note: 'Check the horizon' },
      { id: 'm2', at: 1.2, note: 'music hit' },
    ]);

    await a.app.close();
    a = await openApp(root);
    const kept = await a.call('timeline:save', { batchId, clips: t.clips, music: null });
    expect(kept.ok).toBe(true);
    expect(kept.value.markers.map((m: any) => m.id)).toEqual(['m1', 'm2']);
  }, 60_000);

  it('refuses two markers with one id, and shapes the contract does not allow', async () => {
    const t = (await a.call('timeline:get', { batchId })).value;
    const twice = await a.call('timeline:save', { batchId, clips: t.clips, music: null, markers: [{ id: 'x', at: 1, note: '' }, { id: 'x', at: 2, note: '' }] });
    expect(twice.ok).toBe(false);
    expect(twice.error?.message).toContain('Two markers share the id "x"');
    const negative = await a.call('timeline:save', { batchId, clips: t.clips, music: null, markers: [{ id: 'y', at: -1, note: '' }] });
    expect(negative.ok).toBe(false);
    const extra = await a.call('timeline:save', { batchId, clips: t.clips, music: null, markers: [{ id: 'z', at: 1, note: '', colour: 'red' }] });
    expect(extra.ok).toBe(false);
    // Nothing refused was stored.
    expect((await a.call('timeline:get', { batchId })).value.markers.map((m: any) => m.id)).toEqual(['m1', 'm2']);
  });
});
