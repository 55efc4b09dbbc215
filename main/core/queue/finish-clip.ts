/**
 * From a downloaded temp file to a done row: verify it, give it its final name (never overwriting), record it, and
 * only then tell Venice it may delete its copy. Placeholders and wrong-length clips are paid for, so they are kept
 * in a `rejected` folder, never deleted.
 *
 * Placement is ordered so a crash at any instant is recoverable without a duplicate or a lost clip:
 *   1. the chosen final path is committed on the attempt;  2. the temp file is hard-linked to it;
 *   3. the row is committed done;  4. the temp name is removed.
 */
import { existsSync } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { makeFolder } from '../media/output-folder';
import { durationSeconds } from '../venice/model-rules';
import { redact } from '../venice/redact';
import { verifyClip } from '../media/verify-clip';
import { knownProbeOf } from '../media/media-info';
import type { MediaInfo } from '../media/probe';
import { noteRequest, type EngineContext, type Work } from './engine-context';
import { freeTarget, linkNoClobber, placeWithoutOverwrite, renderName } from './output-names';
import type { AttemptRecord, BatchRecord, RowRecord } from './types';

export const REJECTED_DIR = path.join('.venice-batch', 'rejected');

/** `failed`: the download was damaged once too often; the row failed, its paid job kept for Retry. */
export type FinishOutcome = 'done' | 'rejected' | 'redownload' | 'failed';

async function stemFor(ctx: EngineContext, batch: BatchRecord, row: RowRecord): Promise<string> {
  return renderName(batch.nameTemplate, {
    row: row.rowIndex,
    rowCount: await ctx.store.countRows(batch.id),
    name: row.name,
    prompt: row.params.prompt,
    take: row.take,
    model: row.params.model,
    extras: row.extras,
  });
}

/** True when both paths name the same file (the hard link of step 2 was made before a crash). */
async function sameFile(a: string, b: string): Promise<boolean> {
  try {
    const [sa, sb] = await Promise.all([stat(a), stat(b)]);
    return sa.ino === sb.ino && sa.dev === sb.dev;
  } catch {
    return false;
  }
}

function emitRow(ctx: EngineContext, row: RowRecord, state: string, message: string): void {
  ctx.emit({ type: 'row', batchId: row.batchId, rowId: row.id, state, message });
}

export async function finishClip(
  ctx: EngineContext,
  batch: BatchRecord,
  row: RowRecord,
  attempt: AttemptRecord,
  tempPath: string,
  expectedBytes: number | undefined,
  work: Work,
): Promise<FinishOutcome> {
  const guard = { lease: work.lease };
  const checked = await verifyClip(tempPath, { durationSec: durationSeconds(row.params.duration), expectedBytes });
  // ffprobe's words about a file from Venice are Venice's words too: scrubbed before they are stored or shown.
  const verdict = checked.ok ? checked : { ...checked, message: redact(checked.message) };

  if (!verdict.ok && (verdict.reason === 'unreadable' || verdict.reason === 'size_mismatch' || verdict.reason === 'no_video')) {
    // A damaged download of a clip Venice still holds: fetch it again, a bounded number of times. Each fetch
    // counted one download try; once they are used up the row fails and the paid job waits for Retry.
    await rm(tempPath, { force: true });
    await ctx.store.addEvent(row.batchId, row.id, 'download_damaged', verdict.message);
    const tries = (await ctx.store.getAttempt(attempt.id))?.downloadTries ?? attempt.downloadTries;
    if (tries >= ctx.maxDownloadTries) {
      await failDamagedDownload(ctx, row, attempt, work, `${verdict.message} Downloaded ${tries} times, damaged each time. The clip is still on Venice: use Retry to fetch it again.`);
      return 'failed';
    }
    return 'redownload';
  }

  const stem = await stemFor(ctx, batch, row);
  if (!verdict.ok) {
    const rejectedDir = path.join(batch.outputDir, REJECTED_DIR);
    await makeFolder(rejectedDir, { maxNewLevels: 2 });
    const kept = await placeWithoutOverwrite(tempPath, rejectedDir, `${stem}.${verdict.reason}`);
    await ctx.store.tx(async (t) => {
      await t.patchAttempt(
        attempt.id,
        {
          state: 'failed',
          errorKind: verdict.reason,
          errorMessage: verdict.message,
          filePath: kept,
          finishedAt: ctx.now(),
          bytes: verdict.info?.sizeBytes ?? null,
        },
        guard,
      );
      await t.transitionRow(row.id, 'verifying', 'failed', { errorKind: verdict.reason, errorMessage: verdict.message, filePath: kept }, guard);
      await t.addEvent(row.batchId, row.id, 'failed', verdict.message, { keptAt: kept });
    });
    emitRow(ctx, row, 'failed', verdict.message);
    await completeRemote(ctx, attempt);
    return 'rejected';
  }

  // The clip was just downloaded into this folder, so it exists unless its drive went away meanwhile: never make it
  // again here (an unplugged drive's empty mount point would collect the clips; holds.ts waits for the drive).
  await makeFolder(batch.outputDir, { maxNewLevels: 0 });
  let finalPath = attempt.filePath;
  for (let tries = 0; ; tries++) {
    if (!finalPath || (existsSync(finalPath) && !(await sameFile(finalPath, tempPath)))) {
      finalPath = freeTarget(batch.outputDir, stem);
      await ctx.store.patchAttempt(attempt.id, { filePath: finalPath }, guard); // step 1
    }
    if ((await sameFile(finalPath, tempPath)) || (await linkNoClobber(tempPath, finalPath))) break; // step 2
    if (tries > 20) throw new Error(`Could not name the clip for row ${row.rowIndex}`);
    finalPath = null;
  }
  const placed = finalPath;
  await ctx.store.tx(async (t) => {
    // step 3
    await t.patchAttempt(attempt.id, { state: 'done', filePath: placed, bytes: verdict.info.sizeBytes, finishedAt: ctx.now() }, guard);
    await t.transitionRow(row.id, 'verifying', 'done', { filePath: placed, errorKind: null, errorMessage: null, nextActionAt: null }, guard);
    await t.addEvent(row.batchId, row.id, 'done', `Saved ${path.basename(placed)}`, {
      bytes: verdict.info.sizeBytes,
      durationSec: verdict.info.durationSec,
    });
  });
  await rm(tempPath, { force: true }); // step 4
  await rememberProbe(ctx, placed, verdict.info);
  emitRow(ctx, row, 'done', `Saved ${path.basename(placed)}`);
  await completeRemote(ctx, attempt);
  return 'done';
}

/** The row (verifying) fails as a download failure: `retryRows` then fetches the same paid job, never a new one. */
async function failDamagedDownload(ctx: EngineContext, row: RowRecord, attempt: AttemptRecord, work: Work, message: string): Promise<void> {
  const guard = { lease: work.lease };
  await ctx.store.tx(async (t) => {
    await t.patchAttempt(attempt.id, { state: 'failed', errorKind: 'download_failed', errorMessage: message, finishedAt: ctx.now() }, guard);
    await t.transitionRow(row.id, 'verifying', 'failed', { errorKind: 'download_failed', errorMessage: message, nextActionAt: null }, { ...guard, release: true });
    await t.addEvent(row.batchId, row.id, 'failed', message);
  });
  work.released = true;
  ctx.failureStreak.delete(attempt.id);
  emitRow(ctx, row, 'failed', message);
}

/** The probe verification just took, kept with the clip so exports need not probe it again (clip-probes.ts). */
async function rememberProbe(ctx: EngineContext, file: string, info: MediaInfo): Promise<void> {
  try {
    await ctx.store.saveClipProbe(file, await knownProbeOf(file, info));
  } catch {
    // Best effort: without it the export reads the clip's header itself.
  }
}

/** /video/complete, best effort: the clip is safe locally; a failure only means Venice keeps its copy longer. */
export async function completeRemote(ctx: EngineContext, attempt: AttemptRecord, slotTaken = false): Promise<void> {
  if (!attempt.queueId) return;
  // While polling needs the account's retrieve budget (its price is above the floor), a complete waits: it shares
  // the retrieve window, and at 40 new jobs a minute completes sent at once would take a third of it from the polls
  // of paid jobs. The pass offers it again when the window has room (claimCompletes).
  if (!slotTaken && ctx.pollBudget.priceMs() > ctx.pollPolicy.minPriceMs) return;
  try {
    if (!slotTaken && !(await ctx.limiter.acquire('complete')).ok) return;
  } catch (e) {
    ctx.storeTrouble(e);
    return;
  }
  try {
    await ctx.client.complete({ model: attempt.model, queue_id: attempt.queueId });
    await noteRequest(ctx, 'complete', true);
    await ctx.store.patchAttempt(attempt.id, { remoteDeleted: true });
  } catch (e) {
    await noteRequest(ctx, 'complete', false);
    // 404: already gone (completed before a crash, or expired). Nothing left to delete.
    if ((e as { kind?: string }).kind === 'not_found') await ctx.store.patchAttempt(attempt.id, { remoteDeleted: true });
  }
}
