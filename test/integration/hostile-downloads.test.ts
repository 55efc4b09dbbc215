/**
 * Answers that must not fool the engine: a whoever-answers-at-VENICE_BASE_URL stand-in (test/helpers/hostile-venice.ts)
 * hands back an HLS playlist pointing at a local file, an endless body, a body trickling one byte at a time, an
 * unreadable file again and again. Each is a damaged download: bounded in bytes, time and tries, the row fails with
 * the reason, the paid job is kept, and "Retry" fetches the same job again without paying twice.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { verifyClip } from '../../main/core/media/verify-clip';
import { clipSizeCap } from '../../main/core/media/verify-clip';
import { sendEndless, sendTrickle, sendVideo } from '../helpers/hostile-venice';
import { startHostileRig, type HostileRig } from '../helpers/hostile-rig';

let rig: HostileRig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

function hlsPlaylist(segment: string): Buffer {
  return Buffer.from(`#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:1\n#EXTINF:1.0,\n${segment}\n#EXT-X-ENDLIST\n`);
}

/** The row failed as a damaged download, its paid job kept for "try the download again". */
function expectKeptForRefetch(r: HostileRig, batchId: number): void {
  const row = r.row(batchId);
  expect(row.state).toBe('failed');
  expect(row.errorKind).toBe('download_failed');
  const attempt = r.store.getAttempt(row.currentAttemptId ?? -1);
  expect(attempt?.queueId).toBe('q-1');
  expect(attempt?.remoteDeleted).toBe(false);
  expect(r.venice.charges).toBe(1);
  expect(r.venice.hits.complete ?? 0).toBe(0);
  // No clip, no temp file, no partial left in the output folder.
  expect(r.files().filter((f) => !f.startsWith('.venice-batch' + path.sep))).toEqual([]);
}

describe('a clip is accepted only as an MP4', () => {
  it('refuses an HLS playlist whose segment is a local file, however it is named', async () => {
    rig = await startHostileRig();
    const playlist = path.join(rig.dir, 'playlist.mp4');
    writeFileSync(playlist, hlsPlaylist(rig.venice.clipPath));
    const verdict = await verifyClip(playlist, { durationSec: 1 });
    expect(verdict.ok).toBe(false);
    expect(!verdict.ok && verdict.reason).toBe('unreadable');
    expect(!verdict.ok && verdict.message).toMatch(/not an MP4/);
    // The real clip still passes.
    expect((await verifyClip(rig.venice.clipPath, { durationSec: 1 })).ok).toBe(true);
  });

  it('fails the row after maxDownloadTries when Venice sends a playlist, and Retry fetches the same paid job', async () => {
    const r = (rig = await startHostileRig());
    r.venice.on.retrieve = ({ res }) => sendVideo(res, hlsPlaylist(r.venice.clipPath));
    const batchId = r.addBatch();
    await r.engine.start();
    const failed = await r.waitFor(batchId, ['failed', 'done']);
    expect(failed.state).toBe('failed');
    expect(failed.errorMessage).toMatch(/not an MP4/);
    expect(failed.errorMessage).toMatch(/Retry/);
    expect(r.venice.hits.retrieve).toBe(3);
    expectKeptForRefetch(r, batchId);

    // The cause is gone: "try the download again" fetches the same job, never queues (pays) again.
    r.venice.on.retrieve = undefined;
    expect(await r.engine.retryRows([failed.id])).toEqual({ refetch: 1, resubmit: 0 });
    const done = await r.waitFor(batchId, ['done', 'failed']);
    expect(done.state).toBe('done');
    expect(r.venice.charges).toBe(1);
    expect(r.venice.hits.queue).toBe(1);
  });
});

describe('every download is bounded', () => {
  it('caps the bytes from what the row asked for and stops reading an endless body', async () => {
    const r = (rig = await startHostileRig());
    const cap = clipSizeCap({ durationSec: 1, resolution: '480p' });
    expect(cap).toBeGreaterThan(r.venice.clip.length * 20);
    expect(cap).toBeLessThan(64 * 1024 * 1024);
    r.venice.on.retrieve = ({ res, server }) => sendEndless(server, res, { total: 2 * 1024 * 1024 * 1024 });
    const batchId = r.addBatch();
    await r.engine.start();
    const failed = await r.waitFor(batchId, ['failed', 'done']);
    expect(failed.errorMessage).toMatch(/larger than/);
    expect(r.venice.hits.retrieve).toBe(3);
    // Three tries at the cap plus what sat in socket buffers: nowhere near the 6 GB offered.
    expect(r.venice.bytesStreamed).toBeLessThan(3 * cap + 48 * 1024 * 1024);
    expectKeptForRefetch(r, batchId);
  });

  it('refuses a Content-Length above the cap before reading the body', async () => {
    const r = (rig = await startHostileRig());
    const huge = 1.5 * 1024 * 1024 * 1024;
    r.venice.on.retrieve = ({ res, server }) => sendEndless(server, res, { contentLength: huge, total: huge });
    const batchId = r.addBatch();
    await r.engine.start();
    const failed = await r.waitFor(batchId, ['failed', 'done']);
    expect(failed.errorMessage).toMatch(/larger than/);
    expect(r.venice.bytesStreamed).toBeLessThan(3 * 16 * 1024 * 1024);
    expectKeptForRefetch(r, batchId);
  });

  it('gives up on a body trickling below the minimum rate', async () => {
    const r = (rig = await startHostileRig({ timeouts: { minBytesPerSec: 2_000, rateWindowMs: 400, downloadDeadlineMs: 20_000 } }));
    r.venice.on.retrieve = ({ res, server }) => sendTrickle(server, res, server.clip, 100);
    const batchId = r.addBatch();
    await r.engine.start();
    const failed = await r.waitFor(batchId, ['failed', 'done']);
    expect(failed.errorMessage).toMatch(/too slowly/);
    expect(r.venice.hits.retrieve).toBe(3);
    expectKeptForRefetch(r, batchId);
  });

  it('gives up on a download that outlives its overall deadline even at a steady rate', async () => {
    const r = (rig = await startHostileRig({ timeouts: { minBytesPerSec: 10, rateWindowMs: 200, downloadDeadlineMs: 1_000 } }));
    r.venice.on.retrieve = ({ res, server }) => sendTrickle(server, res, server.clip, 5);
    const batchId = r.addBatch();
    await r.engine.start();
    const failed = await r.waitFor(batchId, ['failed', 'done']);
    expect(failed.errorMessage).toMatch(/did not finish within/);
    expectKeptForRefetch(r, batchId);
  });

  it('stops re-downloading an unreadable clip after maxDownloadTries', async () => {
    const r = (rig = await startHostileRig());
    const junk = Buffer.alloc(200_000, 7);
    r.venice.on.retrieve = ({ res }) => sendVideo(res, junk);
    const batchId = r.addBatch();
    await r.engine.start();
    const failed = await r.waitFor(batchId, ['failed', 'done']);
    expect(failed.errorMessage).toMatch(/not an MP4/);
    // Give a looping engine the chance to show itself.
    await new Promise((res) => setTimeout(res, 500));
    expect(r.venice.hits.retrieve).toBe(3);
    expectKeptForRefetch(r, batchId);
    const events = r.store.rowEvents(failed.id).map((e) => e.kind);
    expect(events.filter((k) => k === 'download_damaged')).toHaveLength(3);
  });
});
