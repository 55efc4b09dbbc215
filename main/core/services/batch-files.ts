/**
 * Where a batch's media is, for the app and the CLI alike: a done row's clip and the batch's music bed, each only
 * when it is inside the batch's output folder (a row whose path was moved elsewhere is not followed).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { QueueOps, TimelineStoreApi } from '../queue/store-api';

function inside(root: string, file: string): string | undefined {
  const r = path.resolve(root) + path.sep;
  const f = path.resolve(file);
  return f.startsWith(r) && existsSync(f) ? f : undefined;
}

export async function batchMediaFile(store: Pick<QueueOps, 'getRow' | 'getBatch'>, rowId: number): Promise<string | undefined> {
  const row = await store.getRow(rowId);
  const batch = row && (await store.getBatch(row.batchId));
  if (!row?.filePath || !batch) return undefined;
  return inside(batch.outputDir, row.filePath);
}

export async function batchMusicFile(store: Pick<QueueOps, 'getBatch'>, timelines: TimelineStoreApi, batchId: number): Promise<string | undefined> {
  const batch = await store.getBatch(batchId);
  const music = batch && (await timelines.getMusic(batchId));
  if (!batch || !music) return undefined;
  return inside(batch.outputDir, music.filePath);
}
