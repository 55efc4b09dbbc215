/**
 * What the engine does first after any start, including after being killed: nothing paid for is re-sent, every
 * job Venice holds is polled again by its queue_id, half-finished downloads are picked up again (claimResumes, in
 * the scheduler), stray temp files go. On the studio queue other machines are working meanwhile: recovery touches
 * only rows nobody holds, and the temp files of attempts no machine is fetching.
 */
import { existsSync } from 'node:fs';
import { readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { TEMP_CLIP_PATTERN, tempClipPath, type EngineContext, type Work } from './engine-context';
import type { ClaimedRow, QueueStoreApi } from './store-api';
import type { AttemptRecord, BatchRecord } from './types';

const PROBE_PATTERN = /^\.venice-batch-probe-\d+$/;

const INTERRUPTED_MESSAGE = 'Venice may have charged for this clip: the app stopped while it was being sent. Re-submit it or mark it lost.';

export interface Recovered {
  inDoubt: number;
  reattached: number;
  resumed: number;
}

/** Recovery needs only the store and the clock. `leaseMs`: how old an unclaimed temp file must be to be swept. */
export async function recoverAfterStart(ctx: Pick<EngineContext, 'store' | 'now'>, opts: { leaseMs: number }): Promise<Recovered> {
  const { store } = ctx;
  // The studio queue first applies the expiry rules to leases that ran out (a dead machine's rows).
  if (store.kind === 'postgres') await store.expireLeases();
  const held = new Set((await store.listLeases()).map((l) => l.rowId));
  let inDoubt = 0;

  // Committed as "about to send" but no answer recorded, and nobody sending it: the request may have left. The
  // user decides.
  for (const row of await store.rowsInStates(['submitting'])) {
    if (held.has(row.id)) continue;
    try {
      await store.tx(async (t) => {
        if (row.currentAttemptId) await t.patchAttempt(row.currentAttemptId, { state: 'in_doubt', errorKind: 'interrupted', errorMessage: INTERRUPTED_MESSAGE });
        await t.transitionRow(row.id, 'submitting', 'in_doubt', { errorKind: 'in_doubt', errorMessage: INTERRUPTED_MESSAGE });
        await t.addEvent(row.batchId, row.id, 'in_doubt', INTERRUPTED_MESSAGE);
      });
      inDoubt++;
    } catch (e) {
      // Moved on meanwhile (its late answer was written): nothing to decide any more.
      if ((e as Error).name !== 'RowStateError') throw e;
    }
  }

  // Downloads and verifications cut short: counted here, picked up by the scheduler (claimResumes).
  const resumed = (await store.rowsInStates(['downloading', 'verifying'])).filter((r) => !held.has(r.id)).length;

  // Jobs on Venice: poll now. On the local queue every one (its only worker just started); on the studio queue the
  // rows nobody holds are due by their own times, and expiry made a dead machine's rows due at once.
  const reattached = store.kind === 'sqlite' ? await store.pollAllNow() : (await store.rowsInStates(['queued', 'processing'])).filter((r) => !held.has(r.id)).length;

  await sweepTempFiles(store, { minAgeMs: store.kind === 'sqlite' ? 0 : opts.leaseMs, now: Date.now() });
  return { inDoubt, reattached, resumed };
}

/**
 * Temp files of attempts no longer being fetched (done, failed, or unknown) are leftovers. On a shared folder a file
 * may be another machine's download in progress: only files older than a lease are taken (a live writer renews its
 * lease and keeps writing, so its file is younger), and never one of an attempt still being fetched.
 */
export async function sweepTempFiles(store: QueueStoreApi, opts: { minAgeMs: number; now: number }): Promise<number> {
  const activeAttempts = new Set((await store.rowsInStates(['queued', 'processing', 'downloading', 'verifying'])).map((r) => r.currentAttemptId));
  let removed = 0;
  const folders = new Set((await store.listBatches()).map((b) => b.outputDir));
  for (const dir of folders) {
    let names: string[];
    try {
      names = await readdir(dir);
    } catch {
      continue;
    }
    for (const name of names) {
      const m = TEMP_CLIP_PATTERN.exec(name);
      // A folder check's test file (local-faults.ts) left by a kill is a leftover too.
      const leftover = m ? !activeAttempts.has(Number(m[1])) : PROBE_PATTERN.test(name);
      if (!leftover) continue;
      const file = path.join(dir, name);
      if (opts.minAgeMs > 0) {
        const st = await stat(file).catch(() => undefined);
        if (!st || opts.now - st.mtimeMs < opts.minAgeMs) continue;
      }
      await rm(file, { force: true });
      removed++;
    }
  }
  return removed;
}

/** Temp files of one attempt, whoever's lease named them. */
async function tempsOf(outputDir: string, attemptId: number): Promise<string[]> {
  try {
    return (await readdir(outputDir))
      .filter((n) => Number(TEMP_CLIP_PATTERN.exec(n)?.[1]) === attemptId)
      .map((n) => path.join(outputDir, n));
  } catch {
    return [];
  }
}

/**
 * A download or verification that its machine did not finish (it stopped, or its lease ran out), now claimed by
 * this one. A `verifying` row whose file survived is verified from it (moved to this lease's own temp name first,
 * so the previous holder, should it still be alive, can no longer touch it); anything else is fetched again from
 * Venice (the clip stays there until /video/complete, which only follows a verified file). Returns 'verify' with the
 * temp path to verify, or 'refetch' once the row is back to polling.
 */
export async function takeOverDownload(
  ctx: Pick<EngineContext, 'store' | 'now'>,
  batch: BatchRecord,
  claimed: ClaimedRow,
  attempt: AttemptRecord,
  work: Work,
): Promise<{ kind: 'verify'; temp: string } | { kind: 'refetch' }> {
  const row = claimed.row;
  const own = tempClipPath(batch.outputDir, attempt.id, work.tempTag);
  const temps = await tempsOf(batch.outputDir, attempt.id);
  if (row.state === 'verifying') {
    // Moved by a rename fallback (no hard links) before the store heard of it: bring it back to verify it.
    if (temps.length === 0 && attempt.filePath && existsSync(attempt.filePath)) {
      await rename(attempt.filePath, own);
      return { kind: 'verify', temp: own };
    }
    const newest = await newestOf(temps);
    if (newest) {
      if (newest !== own) await rename(newest, own);
      for (const t of temps) if (t !== newest) await rm(t, { force: true });
      return { kind: 'verify', temp: own };
    }
  }
  for (const t of temps) await rm(t, { force: true });
  await ctx.store.tx(async (t) => {
    await t.transitionRow(row.id, row.state, 'processing', { nextActionAt: ctx.now() }, { lease: work.lease, release: true });
    await t.patchAttempt(attempt.id, { state: 'processing' });
    await t.addEvent(row.batchId, row.id, 'resumed', 'Fetching the clip again after a restart');
  });
  work.released = true;
  return { kind: 'refetch' };
}

async function newestOf(files: string[]): Promise<string | undefined> {
  let best: { file: string; at: number } | undefined;
  for (const file of files) {
    const st = await stat(file).catch(() => undefined);
    if (st && (!best || st.mtimeMs > best.at)) best = { file, at: st.mtimeMs };
  }
  return best?.file;
}
