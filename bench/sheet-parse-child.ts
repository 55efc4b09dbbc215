/**
 * Child process for the parse bench: runs one variant once on a sheet file and reports how far it pushed this
 * process's peak RSS and how much heap its result holds. One process per measurement, so a peak is that run's alone.
 */
import { readFileSync } from 'node:fs';
import { runPapa, runProduct, simCatalog, type SheetKind } from './sheet-parse-work';

export interface ParseMemoryReport {
  rows: number;
  /** Peak RSS growth during the run, over the peak reached while loading (process.resourceUsage().maxRSS, kB). */
  peakRssDeltaKb: number;
  /** Heap still used after the run while its result is held, over the heap before it (both after a full GC). */
  heapDeltaBytes: number;
}

const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);

async function main(): Promise<void> {
  const [variant, kind, file] = process.argv.slice(2) as ['papa' | 'product', SheetKind, string];
  const bytes = new Uint8Array(readFileSync(file));
  const catalog = simCatalog();
  gc();
  const heap0 = process.memoryUsage().heapUsed;
  const rss0 = process.resourceUsage().maxRSS;
  // The result stays referenced until the heap is read, so the delta is what the parsed sheet holds.
  const result = variant === 'papa' ? runPapa(bytes, kind) : await runProduct(bytes, catalog);
  const rss1 = process.resourceUsage().maxRSS;
  gc();
  const report: ParseMemoryReport = { rows: result.rows, peakRssDeltaKb: rss1 - rss0, heapDeltaBytes: process.memoryUsage().heapUsed - heap0 };
  if (result.held === undefined) throw new Error('nothing was parsed');
  process.send?.(report, () => process.exit(0));
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
