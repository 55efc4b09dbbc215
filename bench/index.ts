/**
 * `npm run bench [-- --quick] [-- <name>...]`: runs the benchmarks one after another (never in parallel: they
 * would measure each other on a 2-core machine) and prints one table of ratios measured side by side in this run.
 * Absolute numbers depend on the machine; the ratios are what to compare between runs. Never part of `npm test`.
 */
import os from 'node:os';
import { benchBatchWallTime } from './batch-wall-time';
import { benchDownloadMemory } from './download-memory';
import { benchGauntlet } from './gauntlet';
import { benchPollPolicy } from './poll-policy';
import { runExportBench } from './export-stitch';
import { benchStoreStartup } from './store-startup';
import { benchSheetParse } from './sheet-parse';
import { benchTableDom } from './table-dom';
import { benchTimelineDom } from './timeline-dom';
import { benchBatchRowsDom } from './batch-rows-dom';
import { benchImportThreads } from './import-threads';
import { benchStudio } from './studio';
import { failedRow, renderTable, type BenchRow } from './table';
import { removeAllTempDirs } from './temp';

interface Bench {
  name: string;
  title: string;
  run: (opts: { quick: boolean }) => Promise<BenchRow[]>;
}

const BENCHES: Bench[] = [
  { name: 'poll', title: 'Retrieve calls per job vs fixed pollers at equal detection lag (virtual time)', run: benchPollPolicy },
  { name: 'batch', title: 'Wall time of a simulated batch at Venice limits vs the ideal bound', run: benchBatchWallTime },
  { name: 'download', title: 'Peak memory downloading 1 GB vs 10 MB', run: benchDownloadMemory },
  { name: 'store', title: 'Store open + engine start with 10,000 rows vs an empty store', run: benchStoreStartup },
  {
    name: 'export',
    title: 'Export: same-spec clips vs bare ffmpeg concat; mixed clips conformed vs a naive re-encode; an unchanged timeline again',
    run: runExportBench,
  },
  { name: 'parse', title: 'Import + validate a 10,000-row sheet vs bare Papa Parse on the same bytes', run: benchSheetParse },
  {
    name: 'threads',
    title: 'Importing 100,000 and 200,000 rows through the page: longest block on the server and in the page (real Chromium, browser mode)',
    run: benchImportThreads,
  },
  { name: 'dom', title: 'Row elements in the DOM while the editor shows a 10,000-row sheet (real Chromium, browser mode)', run: benchTableDom },
  { name: 'timeline', title: '500 clips on the timeline: zoom, scroll and scrub frames vs idle, and press-to-frame when scrubbing (real Chromium, browser mode)', run: benchTimelineDom },
  {
    name: 'gauntlet',
    title: 'SIGKILLs at random moments over a Rehearsal batch amid every fault: double charges, lost clips, partial files, rows in doubt per kill',
    run: benchGauntlet,
  },
  {
    name: 'rows',
    title: "The running batch's table at 2,000 and 10,000 clips: DOM rows, scroll frames vs idle, a row's history opening (real Chromium)",
    run: benchBatchRowsDom,
  },
  {
    name: 'studio',
    title: 'Studio queue: a 500-row batch on one PostgreSQL with 1, 2 and 4 worker processes at the account limits, vs the account-limit bound (time-scaled)',
    run: benchStudio,
  },
];

function parseArgs(argv: string[]): { quick: boolean; selected: Bench[] } {
  const quick = argv.includes('--quick');
  const names = argv.filter((a) => !a.startsWith('--'));
  const unknownFlags = argv.filter((a) => a.startsWith('--') && a !== '--quick');
  const unknownNames = names.filter((n) => !BENCHES.some((b) => b.name === n));
  if (unknownFlags.length || unknownNames.length) {
    console.error(`Unknown ${[...unknownFlags, ...unknownNames].join(', ')}.`);
    console.error(`Usage: npm run bench [-- --quick] [-- ${BENCHES.map((b) => b.name).join('|')} ...]`);
    process.exit(2);
  }
  return { quick, selected: names.length ? BENCHES.filter((b) => names.includes(b.name)) : BENCHES };
}

async function main(): Promise<void> {
  const { quick, selected } = parseArgs(process.argv.slice(2));
  // Ctrl-C: remove temp folders (a 1 GB file, a big database) before leaving. Child processes exit on disconnect.
  process.once('SIGINT', () => {
    removeAllTempDirs();
    process.exit(130);
  });
  console.log(
    `venice-batch bench (${quick ? 'quick' : 'full'}): node ${process.version}, ${os.cpus().length} cpu(s), ` +
      `${os.platform()} ${os.arch()}, ${new Date().toISOString()}`,
  );
  const started = Date.now();
  const rows: BenchRow[] = [];
  for (const bench of selected) {
    console.log(`\n[${bench.name}] ${bench.title}`);
    const t0 = Date.now();
    try {
      rows.push(...(await bench.run({ quick })));
    } catch (e) {
      console.error(e);
      rows.push(failedRow(bench.name, e));
    } finally {
      removeAllTempDirs();
    }
    console.log(`  (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  }
  console.log(`\nResults (${quick ? 'quick' : 'full'} run, ${((Date.now() - started) / 1000).toFixed(0)} s):\n`);
  console.log(renderTable(rows));
  // Anything still holding the event loop (a keep-alive socket) must not keep a finished bench alive.
  process.exit(rows.some((r) => r.measured === 'FAILED') ? 1 : 0);
}

void main();
