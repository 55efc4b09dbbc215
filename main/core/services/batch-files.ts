/**
 * Where a batch's media is, for the app and the CLI alike: a done row's clip and the batch's music bed, each only
 * when it is inside the batch's output folder (a row whose path was moved elsewhere is not followed).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { QueueStore } from '../queue/store';
import type { TimelineStore } from '../queue/timeline-store';

function inside(root: string, file: string): string | undefined {
  const r = path.resolve(root) + path.sep;
  const f = path.resolve(file);
  return f.startsWith(r) && existsSync(f) ? f : undefined;
}

export function batchMediaFile(store: QueueStore, rowId: number): string | undefined {
  const row = store.getRow(rowId);
  const batch = row && store.getBatch(row.batchId);
  if (!row?.filePath || !batch) return undefined;
  return inside(batch.outputDir, row.filePath);
}

export function batchMusicFile(store: QueueStore, timelines: TimelineStore, batchId: number): string | undefined {
  const batch = store.getBatch(batchId);
  const music = batch && timelines.getMusic(batchId);
  if (!batch || !music) return undefined;
  return inside(batch.outputDir, music.filePath);
}
