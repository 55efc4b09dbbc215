/**
 * What the engine does first after any start, including after being killed: nothing paid for is re-sent, every
 * job Venice holds is re-attached by its queue_id, half-finished downloads are resumed, stray temp files go.
 */
import { existsSync } from 'node:fs';
import { readdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { tempClipPath, type EngineContext } from './engine-context';

const TEMP_PATTERN = /^\.venice-batch-(\d+)\.part\.mp4$/;
const PROBE_PATTERN = /^\.venice-batch-probe-\d+$/;

/** Recovery needs only the store and the clock. */
export async function recoverAfterStart(ctx: Pick<EngineContext, 'store' | 'now'>): Promise<{ inDoubt: number; reattached: number; resumed: number }> {
  const { store } = ctx;
  const at = ctx.now();
  let inDoubt = 0;
  let resumed = 0;

  // Committed as "about to send" but no answer recorded: the request may have left. The user decides.
  for (const row of store.rowsInStates(['submitting'])) {
    const message = 'Venice may have charged for this clip: the app stopped while it was being sent. Re-submit it or mark it lost.';
    store.tx(() => {
      if (row.currentAttemptId) store.patchAttempt(row.currentAttemptId, { state: 'in_doubt', errorKind: 'interrupted', errorMessage: message });
      store.transitionRow(row.id, 'submitting', 'in_doubt', { errorKind: 'in_doubt', errorMessage: message });
      store.addEvent(row.batchId, row.id, 'in_doubt', message);
    });
    inDoubt++;
  }

  // A download or verification cut short: the clip is still on Venice (complete is called only after the file is
  // safe), so poll again, unless a verified temp file or its final name survived.
  for (const row of store.rowsInStates(['downloading', 'verifying'])) {
    const attempt = row.currentAttemptId ? store.getAttempt(row.currentAttemptId) : undefined;
    const batch = store.getBatch(row.batchId);
    if (!attempt || !batch) continue;
    const temp = tempClipPath(batch.outputDir, attempt.id);
    // Moved by a rename fallback (no hard links) before the database heard of it: bring it back to verify it.
    if (row.state === 'verifying' && !existsSync(temp) && attempt.filePath && existsSync(attempt.filePath)) {
      await rename(attempt.filePath, temp);
    }
    if (row.state === 'verifying' && existsSync(temp)) {
      resumed++;
      continue; // the engine finishes verification from the temp file
    }
    await rm(temp, { force: true });
    store.tx(() => {
      store.transitionRow(row.id, row.state, 'processing', { nextActionAt: at });
      store.patchAttempt(attempt.id, { state: 'processing' });
      store.addEvent(row.batchId, row.id, 'resumed', 'Fetching the clip again after a restart');
    });
    resumed++;
  }

  // Jobs on Venice: poll now.
  const reattached = store.pollAllNow(at);

  // Temp files of attempts that are no longer being fetched (done, failed, or unknown) are leftovers.
  const activeTemps = new Set(
    store.rowsInStates(['queued', 'processing', 'downloading', 'verifying']).map((r) => r.currentAttemptId),
  );
  for (const batch of store.listBatches()) {
    let names: string[];
    try {
      names = await readdir(batch.outputDir);
    } catch {
      continue;
    }
    for (const name of names) {
      const m = TEMP_PATTERN.exec(name);
      // A folder check's test file (local-faults.ts) left by a kill is a leftover too.
      const leftover = m ? !activeTemps.has(Number(m[1])) : PROBE_PATTERN.test(name);
      if (leftover) await rm(path.join(batch.outputDir, name), { force: true });
    }
  }

  store.pruneRequestLog(at - 10 * 60_000);
  return { inDoubt, reattached, resumed };
}
