/**
 * The morning report from a queue as a night leaves it: done, failed and in-doubt rows, charges and quotes, and
 * holds that overlap (asleep two hours, the network down ten minutes inside it, a full disk later). Time lost is
 * counted once where pauses overlap; each decision says why and what to do; a seen report is not shown again.
 */
import { describe, expect, it } from 'vitest';
import { SqliteQueueStore } from '../../main/core/queue/sqlite-adapter/store';
import { QueueStore } from '../../main/core/queue/store';
import { actionFor, morningReport, reportText, unseenReport } from '../../main/core/services/morning-report';

const H = 60 * 60_000;
const T0 = Date.UTC(2026, 10, 27, 22, 0);

function night() {
  let now = T0;
  const store = new QueueStore(':memory:', () => now);
  const batchId = store.createBatch(
    { name: 'harbour.csv', settings: { concurrency: 2 }, outputDir: '/clips', nameTemplate: '{row}', baseUrl: 'https://api.venice.ai/api/v1' },
    [1, 2, 3, 4].map((i) => ({ rowIndex: i, params: { model: 'm', prompt: `shot ${i}`, duration: '5s' }, quoteUsd: 0.5, name: `Shot ${i}` })),
  );
  const [r1, r2, r3, r4] = store.listRows(batchId);
  // Row 1 and 2 done, row 3 refused by policy with a suggestion, row 4 in doubt.
  for (const r of [r1!, r2!]) {
    const a = store.beginSubmit(r.id, 'm', '{}', 0.5);
    store.patchAttempt(a, { state: 'done', charged: true, queueId: `q${r.id}` });
    store.transitionRow(r.id, 'submitting', 'queued');
    store.transitionRow(r.id, 'queued', 'verifying');
    store.transitionRow(r.id, 'verifying', 'done', { filePath: `/clips/${r.rowIndex}.mp4` });
  }
  const a3 = store.beginSubmit(r3!.id, 'm', '{}', 0.5);
  store.patchAttempt(a3, { state: 'failed' });
  store.transitionRow(r3!.id, 'submitting', 'failed', { errorKind: 'content_policy', errorMessage: 'Venice refused the clip under its content policy.', suggestedPrompt: 'A calm scene' });
  const a4 = store.beginSubmit(r4!.id, 'm', '{}', 0.5);
  store.patchAttempt(a4, { state: 'in_doubt' });
  store.transitionRow(r4!.id, 'submitting', 'in_doubt', { errorKind: 'in_doubt', errorMessage: 'Venice may have charged for this clip (the answer was lost).' });
  // The night: asleep 23:00-01:00; the network down 00:30-00:40 (inside the sleep); the disk full 02:00-02:20.
  store.holds.record({ scope: 'engine', cause: 'sleep', message: 'asleep', auto: true, from: T0 + 1 * H, to: T0 + 3 * H });
  const off = store.holds.open({ scope: 'endpoint', baseUrl: 'https://api.venice.ai/api/v1', cause: 'offline', message: 'no network', auto: true, at: T0 + 2.5 * H });
  store.holds.close(off, T0 + 2.5 * H + 10 * 60_000);
  const disk = store.holds.open({ scope: 'batch', batchId, cause: 'disk_full', message: 'disk full', auto: true, at: T0 + 4 * H });
  store.holds.close(disk, T0 + 4 * H + 20 * 60_000);
  // Another endpoint's outage is not this batch's.
  store.holds.record({ scope: 'endpoint', baseUrl: 'rehearsal', cause: 'offline', message: 'x', auto: true, from: T0 + 4 * H, to: T0 + 5 * H });
  // The last row settled at 04:00.
  now = T0 + 6 * H;
  store.patchRow(r4!.id, { nextActionAt: null });
  // The report reads through the store interface, as it does on the studio queue.
  return { store, api: new SqliteQueueStore(store, ':memory:'), batchId, setNow: (t: number) => (now = t) };
}

describe('morning report', () => {
  it('adds up a night: clips, spend against quote, decisions with what to do, time lost by cause', async () => {
    const { store, api, batchId } = night();
    const r = await morningReport(api, store.getBatch(batchId)!, T0 + 7 * H);
    expect(r.phase).toBe('needs-attention');
    expect(r.clips).toEqual({ total: 4, done: 2, failed: 1, inDoubt: 1, notSent: 0, cancelled: 0, working: 0 });
    expect(r.spend).toEqual({ quotedUsd: 2, chargedUsd: 1, inDoubtUsd: 0.5 });
    expect(r.decisions.map((d) => [d.row, d.state])).toEqual([
      [3, 'failed'],
      [4, 'in_doubt'],
    ]);
    expect(r.decisions[0]?.action).toMatch(/reworded prompt/);
    expect(r.decisions[1]?.action).toMatch(/check your Venice account/);
    expect(r.pauses.map((p) => [p.cause, p.totalMs])).toEqual([
      ['sleep', 2 * H],
      ['disk_full', 20 * 60_000],
      ['offline', 10 * 60_000],
    ]);
    // The outage inside the sleep is not counted twice.
    expect(r.lostMs).toBe(2 * H + 20 * 60_000);
    expect(r.summary).toBe(
      'Batch "harbour.csv": 2 of 4 clips done; $1.00 spent of $2.00 quoted (+ up to $0.50 in doubt); 2 rows need a decision; ' +
        '2 h 20 min lost to pauses (computer asleep 2 h, disk full 20 min, no network 10 min).',
    );
    const text = reportText(r);
    expect(text).toMatch(/row 4 in doubt: Venice may have charged/);
    expect(text).toMatch(/waited 2 h: computer asleep/);
  });

  it('shows a finished batch once: unseen until the user has read it', async () => {
    const { store, api, batchId } = night();
    expect((await unseenReport(api))?.batchId).toBe(batchId);
    store.markReportSeen(batchId, T0 + 8 * H);
    expect(await unseenReport(api)).toBeNull();
    expect((await morningReport(api, store.getBatch(batchId)!)).seen).toBe(true);
  });

  it('counts a pause still in force up to now, and says what each failure needs', async () => {
    const { store, api, batchId } = night();
    store.holds.open({ scope: 'batch', batchId, cause: 'folder_missing', message: 'gone', auto: true, at: T0 + 5 * H });
    const r = await morningReport(api, store.getBatch(batchId)!, T0 + 7 * H);
    const gone = r.pauses.find((p) => p.cause === 'folder_missing');
    expect(gone).toMatchObject({ ongoing: true, label: 'output folder gone (drive unplugged?)' });
    expect(actionFor({ state: 'failed', errorKind: 'download_failed', suggestedPrompt: null })).toMatch(/no new charge/);
    expect(actionFor({ state: 'failed', errorKind: 'input:image', suggestedPrompt: null })).toBe('Fix the image cell, then retry.');
  });

  it('records who paused a batch and for how long', () => {
    const { store, batchId, setNow } = night();
    setNow(T0 + 6 * H);
    store.setBatchStatus(batchId, 'paused', 'Paused by you');
    setNow(T0 + 6.5 * H);
    store.setBatchStatus(batchId, 'active');
    const user = store.holds.touching(batchId, 'x', T0, T0 + 7 * H).filter((h) => h.cause === 'user');
    expect(user.map((h) => [h.auto, (h.endedAt ?? 0) - h.startedAt])).toEqual([[false, 0.5 * H]]);
  });
});
