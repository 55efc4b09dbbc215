/**
 * The default timeline for a batch: one clip per row that finished, in row order, using the row's latest finished
 * take (a retried row has several attempts but one clip on the timeline; the bin offers the others). Pure: the caller
 * lists the rows from the store.
 */
import path from 'node:path';
import type { RowRecord } from '../queue/types';
import type { Timeline } from './timeline';

export function timelineFromRows(rows: readonly RowRecord[]): Timeline | undefined {
  const byRow = new Map<number, RowRecord>();
  for (const r of rows) {
    if (r.state !== 'done' || !r.filePath) continue;
    const seen = byRow.get(r.rowIndex);
    if (!seen || r.take > seen.take) byRow.set(r.rowIndex, r);
  }
  const picked = [...byRow.values()].sort((a, b) => a.rowIndex - b.rowIndex || a.take - b.take);
  if (!picked.length) return undefined;
  return {
    version: 1,
    clips: picked.map((r) => ({
      id: `row-${r.id}`,
      file: r.filePath as string,
      label: r.name?.trim() || path.basename(r.filePath as string),
      inSec: 0,
      transitionIn: { kind: 'cut' },
    })),
  };
}
