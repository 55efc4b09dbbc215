/**
 * A clip that could not be written because of this machine (full disk, vanished or read-only folder): the row goes
 * back to waiting for its paid job, the try is not counted against it, and its batch is held until the folder is
 * usable again (holds.ts). The clip is still on Venice: /video/complete is only ever called after a verified file.
 */
import { existsSync } from 'node:fs';
import { tempClipPath, type EngineContext } from './engine-context';
import type { JobState } from './job-states';
import { errnoOf, folderProblem, isFirstUse, prepareOutputFolder } from './local-faults';
import type { AttemptRecord, BatchRecord, RowRecord } from './types';

/**
 * Returns false when the error is not a problem of the folder (the caller handles it as before). `attempt` is the
 * attempt as it was BEFORE this try, so its download-try count is put back.
 */
export async function waitForFolder(
  ctx: EngineContext,
  batch: BatchRecord,
  row: RowRecord,
  attempt: AttemptRecord,
  error: unknown,
  state: () => JobState,
  move: (to: JobState, patch?: { nextActionAt?: number | null }) => void,
): Promise<boolean> {
  const cause = await folderProblem(batch.outputDir, error);
  if (!cause) return false;
  const at = ctx.now();
  const keepVerified = state() === 'verifying' && existsSync(tempClipPath(batch.outputDir, attempt.id));
  const message = `Waiting for the output folder: ${errnoOf(error) ?? (error as Error).message}`;
  ctx.store.tx(() => {
    ctx.store.patchAttempt(attempt.id, { state: keepVerified ? 'verifying' : 'processing', downloadTries: attempt.downloadTries });
    if (!keepVerified && state() !== 'processing' && state() !== 'queued') move('processing', { nextActionAt: at });
    ctx.store.addEvent(row.batchId, row.id, 'download_waiting', message, { cause });
  });
  ctx.holds.holdBatch(batch, cause);
  return true;
}

/**
 * The output folder before a submission: made on a batch's first use only (later, a missing folder is an unplugged
 * drive: see local-faults.ts); anything else that would keep a clip from being saved holds the batch instead.
 */
export class FolderGate {
  /** When each batch's folder was last found usable, so a submission does not stat it every time. */
  private readonly okAt = new Map<number, number>();

  constructor(private readonly ctx: Pick<EngineContext, 'store' | 'holds' | 'now'>) {}

  async ready(batch: BatchRecord): Promise<boolean> {
    const now = this.ctx.now();
    if ((this.okAt.get(batch.id) ?? -Infinity) > now - 2_000) return true;
    const r = await prepareOutputFolder(batch.outputDir, isFirstUse(this.ctx.store.countByState(batch.id)));
    if (r.ok) {
      this.okAt.set(batch.id, now);
      return true;
    }
    this.okAt.delete(batch.id);
    this.ctx.holds.holdBatch(batch, r.cause, r.detail);
    return false;
  }
}
