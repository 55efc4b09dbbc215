/** Notices: the same one twice is one (counted), the oldest go past four, and batch notices go with their cause. */
import { beforeEach, describe, expect, it } from 'vitest';
import { stillTrue, useAppStore } from '../../renderer/src/state/app';
import { withModelNames } from '../../renderer/src/format';

const paused = { level: 'warning' as const, kind: 'batch-paused-balance' as const, batchId: 7, message: 'Batch "b" paused: Budget reached: $1.00 of $1.00 spent.' };

describe('notices', () => {
  beforeEach(() => useAppStore.setState({ notices: [] }));

  it('merges an identical notice into one, counted, and keeps four at most', () => {
    const { addNotice } = useAppStore.getState();
    addNotice(paused);
    addNotice(paused);
    expect(useAppStore.getState().notices).toMatchObject([{ message: paused.message, count: 2 }]);
    for (const n of [1, 2, 3, 4]) addNotice({ level: 'error', kind: 'general', batchId: null, message: `problem ${n}` });
    expect(useAppStore.getState().notices.map((n) => n.message)).toEqual(['problem 1', 'problem 2', 'problem 3', 'problem 4']);
  });

  it('drops a batch notice once its cause is gone, and keeps the others', () => {
    const { addNotice, pruneNotices } = useAppStore.getState();
    addNotice(paused);
    addNotice({ level: 'error', kind: 'general', batchId: null, message: 'The file could not be read.' });
    const batch = { id: 7, status: 'paused', phase: 'paused', pauseReason: 'Budget reached: $1.00 of $1.00 spent.' };
    pruneNotices([batch]);
    expect(useAppStore.getState().notices).toHaveLength(2);
    // Another reason now (the cap was raised): the budget notice is over.
    pruneNotices([{ ...batch, pauseReason: 'Stopped at the spend cap; the cap is now $2.00. Resume to continue.' }]);
    expect(useAppStore.getState().notices.map((n) => n.message)).toEqual(['The file could not be read.']);
    const attention = { level: 'warning' as const, kind: 'batch-needs-attention' as const, batchId: 7, message: 'stopped with 1 failed', id: 1, count: 1 };
    expect(stillTrue(attention, [{ ...batch, status: 'active', phase: 'needs-attention' }])).toBe(true);
    expect(stillTrue(attention, [{ ...batch, status: 'active', phase: 'running' }])).toBe(false);
  });
});

describe('model names in messages', () => {
  const models = [
    { id: 'sim-fast-text-to-video', name: 'Sim Fast' },
    { id: 'wan-2.5', name: 'Wan 2.5' },
  ];
  it('names bare ids by their display names and leaves quoted ones (what the user typed) alone', () => {
    expect(withModelNames('Duration "9s" is not offered by sim-fast-text-to-video: use 1s.', models)).toBe('Duration "9s" is not offered by Sim Fast: use 1s.');
    expect(withModelNames('Unknown model "wan-25": did you mean "wan-2.5"?', models)).toBe('Unknown model "wan-25": did you mean "wan-2.5"?');
    expect(withModelNames('Model wan-2.5: retiring soon', models)).toBe('Model Wan 2.5: retiring soon');
  });
});
