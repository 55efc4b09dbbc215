/**
 * A hostile night for the machine rather than for Venice: the disk fills up mid-download, the output folder
 * vanishes (an unplugged drive), the laptop sleeps for two hours or its clock is set back, the network is down, the
 * key is revoked mid-batch, Venice answers 503 for minutes. Each time the batch waits with the reason shown, loses
 * no paid clip, pays nothing twice, and carries on by itself once the cause is gone.
 *
 * Real means throughout: the kernel's own ENOSPC (writes to /dev/full, which is what a full disk answers), a folder
 * really renamed away and back, the simulator refusing connections and answering 401/503 over real HTTP, and the
 * engine's wall clock moved while its monotonic clock runs on (what a suspend looks like). Durations are shrunk
 * (seconds instead of minutes): the engine's hold timings are options, the behaviour is the same.
 */
import { existsSync, lstatSync, readdirSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterEach, describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../main/core/queue/engine-context';
import { tempClipPath } from '../../main/core/queue/engine-context';
import type { HoldCause } from '../../main/core/queue/hold-store';
import { startHarness, until, type Harness } from '../support/engine-harness';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const HOLD_TIMINGS = { probeMs: 200, capacityMs: 300, capacityMaxMs: 1_000, offlineAfter: 3 };

async function harness(extra: Parameters<typeof startHarness>[0] = {}): Promise<{ h: Harness; events: EngineEvent[] }> {
  const hh = await startHarness({
    ...extra,
    engine: { holdTimings: HOLD_TIMINGS, maxDownloadTries: 2, ...extra.engine },
    clientTimeouts: { connectMs: 500, responseMs: 1_500, queueResponseMs: 1_500, idleMs: 1_500, ...extra.clientTimeouts },
  });
  h = hh;
  const events: EngineEvent[] = [];
  hh.engine.subscribe((e) => events.push(e));
  return { h: hh, events };
}

function chargesPerPrompt(hh: Harness): Map<string, number> {
  const m = new Map<string, number>();
  for (const e of hh.sim.ledger()) if (e.kind === 'charge') m.set(e.prompt, (m.get(e.prompt) ?? 0) + 1);
  return m;
}

function holdsOf(hh: Harness, cause: HoldCause) {
  return hh.store.db
    .prepare('SELECT * FROM holds WHERE cause = ? ORDER BY id')
    .all(cause)
    .map((r) => r as { started_at: number; ended_at: number | null; message: string; batch_id: number | null });
}

/** Every row done, each paid exactly once, one verified file per row and nothing partial in the folder. */
function expectAllDone(hh: Harness, batchId: number): void {
  const rows = hh.store.listRows(batchId);
  for (const r of rows) expect(r.state, `row ${r.rowIndex}: ${r.errorMessage}`).toBe('done');
  for (const n of chargesPerPrompt(hh).values()) expect(n).toBe(1);
  const names = readdirSync(hh.outDir).filter((n) => n !== '.venice-batch');
  const hidden = names.filter((n) => n.startsWith('.'));
  if (hidden.length) {
    for (const n of hidden) console.log('left over:', n, lstatSync(path.join(hh.outDir, n)).isSymbolicLink() ? 'symlink' : 'file', lstatSync(path.join(hh.outDir, n)).size);
    for (const r of rows) console.log(r.rowIndex, r.currentAttemptId, hh.store.rowEvents(r.id).map((e) => `${e.kind}:${e.message.slice(0, 60)}`).join(' | '));
  }
  expect(hidden).toEqual([]);
  expect(names.sort()).toEqual(rows.map((r) => path.basename(r.filePath ?? '')).sort());
}

describe('the machine misbehaves mid-batch', () => {
  it('disk full mid-download: waits with the reason, spends no download try, carries on once there is room', async () => {
    const { h, events } = await harness();
    const batchId = h.addBatch([{}, {}, {}], { concurrency: 3 });
    await h.engine.start();
    await until(() => existsSync(h.outDir), 'the output folder');
    // Every write of a clip fails the way a full disk fails it: /dev/full answers ENOSPC. The engine removes the
    // temp name after each failure, so the disk stays "full" while this keeps putting it back.
    let full = true;
    const fill = () => {
      for (let id = 1; id <= 3; id++) {
        const temp = tempClipPath(h.outDir, id);
        if (!existsSync(temp)) symlinkSync('/dev/full', temp);
      }
    };
    const filler = (async () => {
      while (full) {
        try {
          fill();
        } catch {
          /* the engine removed it at the same instant: next round */
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    await until(() => holdsOf(h, 'disk_full').length > 0, 'the batch to wait for disk space');
    expect(h.engine.waitingReason(h.store.getBatch(batchId)!)).toMatch(/is full.*carry on by themselves/);
    expect(events.some((e) => e.type === 'hold' && e.active && e.cause === 'disk_full')).toBe(true);
    // Far more failed writes than maxDownloadTries (2): still no row failed, nothing lost.
    await new Promise((r) => setTimeout(r, 2_000));
    expect(h.store.listRows(batchId).filter((r) => r.state === 'failed')).toEqual([]);
    expect(h.store.listRows(batchId).filter((r) => r.state === 'done')).toEqual([]);
    full = false;
    await filler;
    for (let id = 1; id <= 3; id++) rmSync(tempClipPath(h.outDir, id), { force: true });
    await h.engine.waitUntilSettled(batchId);
    expectAllDone(h, batchId);
    expect(holdsOf(h, 'disk_full').every((x) => x.ended_at !== null)).toBe(true);
    expect(events.some((e) => e.type === 'hold' && !e.active && e.cause === 'disk_full')).toBe(true);
  });

  it('the output folder vanishes (an unplugged drive): never re-created elsewhere, carries on when it is back', async () => {
    const { h } = await harness({ sim: { processingMs: 1_500 } });
    const batchId = h.addBatch([{}, {}, {}, {}], { concurrency: 4 });
    await h.engine.start();
    await until(() => h.store.rowsInStates(['queued', 'processing'], batchId).length >= 2, 'paid jobs on Venice');
    const away = `${h.outDir}-unplugged`;
    renameSync(h.outDir, away);
    await until(() => holdsOf(h, 'folder_missing').length > 0, 'the batch to wait for its folder', 15_000);
    expect(h.engine.waitingReason(h.store.getBatch(batchId)!)).toMatch(/is gone.*unplugged/);
    await new Promise((r) => setTimeout(r, 1_000));
    // Writing into a fresh folder at the old path would scatter clips onto whatever disk holds the mount point.
    expect(existsSync(h.outDir)).toBe(false);
    expect(h.store.listRows(batchId).filter((r) => r.state === 'failed' || r.state === 'in_doubt')).toEqual([]);
    renameSync(away, h.outDir);
    await h.engine.waitUntilSettled(batchId);
    expectAllDone(h, batchId);
    expect(holdsOf(h, 'folder_missing').every((x) => x.ended_at !== null)).toBe(true);
  });

  it('the laptop sleeps two hours mid-batch: the gap is recorded and every job is checked again', async () => {
    let offset = 0;
    const { h, events } = await harness({ engine: { now: () => Date.now() + offset, monotonic: () => performance.now() } });
    const batchId = h.addBatch([{}, {}, {}, {}], { concurrency: 2 });
    await h.engine.start();
    await until(() => h.store.rowsInStates(['queued', 'processing'], batchId).length >= 1, 'a paid job');
    offset += 2 * 60 * 60 * 1000;
    await h.engine.waitUntilSettled(batchId);
    expectAllDone(h, batchId);
    const sleeps = holdsOf(h, 'sleep');
    expect(sleeps).toHaveLength(1);
    expect((sleeps[0]!.ended_at ?? 0) - sleeps[0]!.started_at).toBeGreaterThanOrEqual(2 * 60 * 60 * 1000);
    expect(events.some((e) => e.type === 'notice' && /asleep for 2 h/.test(e.message))).toBe(true);
  });

  it('the clock is set back two hours mid-batch: nothing waits for the old time to come round again', async () => {
    let offset = 0;
    const { h, events } = await harness({ engine: { now: () => Date.now() + offset, monotonic: () => performance.now() } });
    const batchId = h.addBatch([{}, {}, {}, {}], { concurrency: 2 });
    await h.engine.start();
    await until(() => h.store.rowsInStates(['queued', 'processing'], batchId).length >= 1, 'a paid job');
    offset -= 2 * 60 * 60 * 1000;
    await h.engine.waitUntilSettled(batchId);
    expectAllDone(h, batchId);
    expect(events.some((e) => e.type === 'notice' && /clock went back by 2 h/.test(e.message))).toBe(true);
  });

  it('the network is down: waits with the reason, then carries on by itself', async () => {
    const { h } = await harness({ sim: { processingMs: 1_200 } });
    const batchId = h.addBatch(Array.from({ length: 6 }, () => ({})), { concurrency: 3 });
    await h.engine.start();
    await until(() => h.store.rowsInStates(['queued', 'processing'], batchId).length >= 2, 'paid jobs on Venice');
    h.sim.injectFault({ kind: 'network_down', forMs: 3_000 });
    await until(() => holdsOf(h, 'offline').length > 0, 'the engine to notice the network is down');
    expect(h.engine.waitingReason(h.store.getBatch(batchId)!)).toMatch(/No connection to Venice.*carries on by itself/);
    await h.engine.waitUntilSettled(batchId);
    const rows = h.store.listRows(batchId);
    // A queue request cut by the outage may have been charged (one at most: one is in flight at a time).
    const doubt = rows.filter((r) => r.state === 'in_doubt');
    expect(doubt.length).toBeLessThanOrEqual(1);
    expect(rows.filter((r) => r.state !== 'done' && r.state !== 'in_doubt')).toEqual([]);
    for (const n of chargesPerPrompt(h).values()) expect(n).toBe(1);
    expect(holdsOf(h, 'offline').every((x) => x.ended_at !== null)).toBe(true);
    expect(h.sim.firedFaults().map((f) => f.kind)).toContain('network_down');
  });

  it('the key is revoked mid-batch: nothing is sent while Venice refuses it, and the batch goes on once it accepts it', async () => {
    const { h } = await harness({ sim: { processingMs: 1_000 } });
    const batchId = h.addBatch(Array.from({ length: 5 }, () => ({})), { concurrency: 2 });
    await h.engine.start();
    await until(() => h.store.rowsInStates(['queued', 'processing'], batchId).length >= 1, 'a paid job');
    h.sim.injectFault({ kind: 'unauthorized_401', forMs: 2_000 });
    await until(() => holdsOf(h, 'key').length > 0, 'the batch to wait for a key');
    expect(h.engine.waitingReason(h.store.getBatch(batchId)!)).toMatch(/refused the API key/);
    expect(h.store.getBatch(batchId)?.status).toBe('active');
    await h.engine.waitUntilSettled(batchId);
    expectAllDone(h, batchId);
    expect(holdsOf(h, 'key').every((x) => x.ended_at !== null)).toBe(true);
    // While the key was refused, only free requests went out: no 401 came from /video/queue after the first.
    const queue401 = h.sim.exchanges().filter((x) => x.route === 'queue' && x.status === 401);
    expect(queue401.length).toBeLessThanOrEqual(1);
  });

  it('a 503 storm: at most one row in doubt, polls back off, submissions wait it out and carry on', async () => {
    const { h } = await harness({ sim: { processingMs: 1_000 } });
    const batchId = h.addBatch(Array.from({ length: 6 }, () => ({})), { concurrency: 3 });
    await h.engine.start();
    await until(() => h.store.rowsInStates(['queued', 'processing'], batchId).length >= 1, 'a paid job');
    h.sim.injectFault({ kind: 'unavailable_503', forMs: 3_000 });
    await until(() => holdsOf(h, 'capacity').length > 0, 'submissions to wait for Venice', 15_000);
    expect(h.engine.waitingReason(h.store.getBatch(batchId)!)).toMatch(/overloaded/);
    await h.engine.waitUntilSettled(batchId);
    const rows = h.store.listRows(batchId);
    expect(rows.filter((r) => r.state === 'in_doubt').length).toBeLessThanOrEqual(1);
    expect(rows.filter((r) => r.state !== 'done' && r.state !== 'in_doubt')).toEqual([]);
    for (const n of chargesPerPrompt(h).values()) expect(n).toBe(1);
    expect(h.sim.firedFaults().filter((f) => f.kind === 'unavailable_503').length).toBeGreaterThan(0);
    expect(h.sim.stats().lockouts).toBe(0);
  });
});
