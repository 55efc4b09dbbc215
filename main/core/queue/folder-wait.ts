/**
 * A clip that could not be written because of this machine (full disk, vanished or read-only folder): the row goes
 * back to waiting for its paid job, the try is not counted against it, and its batch is held until the folder is
 * usable again (holds.ts). The clip is still on Venice: /video/complete is only ever called after a verified file.
 */
import { existsSync } from 'node:fs';
import { type EngineContext, type Work } from './engine-context';
import type { JobState } from './job-states';
import { errnoOf, folderProblem, isFirstUse, prepareOutputFolder } from './local-faults';
import type { QueueTx, RowPatch } from './store-api';
import type { AttemptRecord, BatchRecord, RowRecord } from './types';

/**
 * A guarded state move of the row being worked on (poll-job.ts), in the caller's transaction `t` if given; it keeps
 * the row's current state in step. `release` gives the row back in the same write.
 */
export type RowMove = (to: JobState, patch?: RowPatch, opts?: { release?: boolean; t?: QueueTx }) => Promise<void>;

/**
 * Returns false when the error is not a problem of the folder (the caller handles it as before). `attempt` is the
 * attempt as it was BEFORE this try, so its download-try count is put back.
 */
export async function waitForFolder(
  ctx: EngineContext,
  batch: BatchRecord,
  row: RowRecord,
  attempt: AttemptRecord,
  work: Work,
  temp: string,
  error: unknown,
  state: () => JobState,
  move: RowMove,
): Promise<boolean> {
  const cause = await folderProblem(batch.outputDir, error);
  if (!cause) return false;
  const at = ctx.now();
  const keepVerified = state() === 'verifying' && existsSync(temp);
  const message = `Waiting for the output folder: ${errnoOf(error) ?? (error as Error).message}`;
  await ctx.store.tx(async (t) => {
    await t.patchAttempt(attempt.id, { state: keepVerified ? 'verifying' : 'processing', downloadTries: attempt.downloadTries }, { lease: work.lease });
    if (!keepVerified && state() !== 'processing' && state() !== 'queued') await move('processing', { nextActionAt: at }, { t });
    await t.addEvent(row.batchId, row.id, 'download_waiting', message, { cause });
  });
  await ctx.holds.holdBatch(batch, cause);
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
    const r = await prepareOutputFolder(batch.outputDir, isFirstUse(await this.ctx.store.countByState(batch.id)));
    if (r.ok) {
      this.okAt.set(batch.id, now);
      return true;
    }
    this.okAt.delete(batch.id);
    await this.ctx.holds.holdBatch(batch, r.cause, r.detail);
    return false;
  }
}
