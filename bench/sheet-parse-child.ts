/**
 * Child process for the parse bench: runs one variant once on a sheet file and reports how far it pushed this
 * process's peak RSS, how much heap its result holds, and the longest time it held the thread at once. One process
 * per measurement, so a peak is that run's alone.
 */
import { readFileSync } from 'node:fs';
import { longestBlock, runPapa, runProduct, simCatalog, type SheetKind } from './sheet-parse-work';

export interface ParseMemoryReport {
  rows: number;
  /** Peak RSS growth during the run, over the peak reached while loading (process.resourceUsage().maxRSS, kB). */
  peakRssDeltaKb: number;
  /** Heap still used after the run while its result is held, over the heap before it (both after a full GC). */
  heapDeltaBytes: number;
  /** The longest stretch the run held the event loop (a 1 ms timer's longest gap). */
  longestBlockMs: number;
  wallMs: number;
}

const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);

async function main(): Promise<void> {
  const [variant, kind, file] = process.argv.slice(2) as ['papa' | 'product', SheetKind | 'xlsx', string];
  const bytes = new Uint8Array(readFileSync(file));
  const catalog = simCatalog();
  gc();
  const heap0 = process.memoryUsage().heapUsed;
  const rss0 = process.resourceUsage().maxRSS;
  const t0 = performance.now();
  // The result stays referenced until the heap is read, so the delta is what the parsed sheet holds.
  const { result, longestMs } = await longestBlock(async () =>
    variant === 'papa' ? runPapa(bytes, kind === 'xlsx' ? 'utf8' : kind) : runProduct(bytes, catalog, kind === 'xlsx' ? 'sheet.xlsx' : 'sheet.csv'),
  );
  const wallMs = performance.now() - t0;
  const rss1 = process.resourceUsage().maxRSS;
  gc();
  const report: ParseMemoryReport = {
    rows: result.rows,
    peakRssDeltaKb: rss1 - rss0,
    heapDeltaBytes: process.memoryUsage().heapUsed - heap0,
    longestBlockMs: longestMs,
    wallMs,
  };
  if (result.held === undefined) throw new Error('nothing was parsed');
  process.send?.(report, () => process.exit(0));
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
