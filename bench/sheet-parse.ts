/**
 * Bench: the sheet import against bare Papa Parse (header:true) on the same bytes.
 * - Time, 10,000 rows: the product (encoding and delimiter detection, parsing, column mapping, row building,
 *   validation of every row against the simulator's model rules) vs Papa, interleaved round after round in this
 *   process, medians compared. For a UTF-8 `,` sheet and a Windows-1252 `;` sheet as European Excel saves it.
 * - Memory, 100,000 rows: peak RSS growth of one run, each variant in a fresh child process.
 * - Thread held, 100,000 and 200,000 rows (CSV) and 100,000 rows (XLSX): the longest gap of a 1 ms timer during the
 *   import, in a fresh child. The app runs this code on the window's thread and in Electron's main process; the
 *   budget is 2 s at any moment.
 */
import { fork } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ParseMemoryReport } from './sheet-parse-child';
import { makeSheetBytes, makeXlsxBytes, runPapa, runProduct, simCatalog, type SheetKind } from './sheet-parse-work';
import { median } from './prng';
import { fmt, type BenchRow } from './table';
import { detail, makeTempDir, removeTempDir } from './temp';

const here = path.dirname(fileURLToPath(import.meta.url));
const TIME_ROWS = 10_000;
const MEMORY_ROWS = 100_000;
const LIMIT_ROWS = 200_000;
const THREAD_BUDGET_MS = 2000;

function measureChild(variant: 'papa' | 'product', kind: SheetKind | 'xlsx', file: string): Promise<ParseMemoryReport> {
  const child = fork(path.join(here, 'sheet-parse-child.ts'), [variant, kind, file], {
    execArgv: [...process.execArgv, '--expose-gc'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    let report: ParseMemoryReport | undefined;
    child.once('message', (m) => (report = m as ParseMemoryReport));
    child.once('exit', (code) => (report ? resolve(report) : reject(new Error(`the ${variant} child exited with ${code} and no report`))));
  });
}

const labelOf = (kind: SheetKind) => (kind === 'utf8' ? 'UTF-8 ,' : 'Windows-1252 ;');

async function benchTime(kind: SheetKind, rounds: number): Promise<BenchRow> {
  const bytes = makeSheetBytes(TIME_ROWS, kind);
  const label = labelOf(kind);
  const catalog = simCatalog();
  // Untimed passes warm the JIT for both (the product has more code to compile) and prove both read every row.
  const papaRows = runPapa(bytes, kind).rows;
  const product = await runProduct(bytes, catalog);
  for (let w = 0; w < 3; w++) {
    runPapa(bytes, kind);
    await runProduct(bytes, catalog);
  }
  if (papaRows !== TIME_ROWS || product.rows !== TIME_ROWS) throw new Error(`${label}: Papa read ${papaRows} rows, the import ${product.rows}; expected ${TIME_ROWS}`);
  const expected = kind === 'utf8' ? 'utf-8 ,' : 'windows-1252 ;';
  if (product.detected !== expected) throw new Error(`${label}: the import detected "${product.detected}", expected "${expected}"`);
  const papaMs: number[] = [];
  const productMs: number[] = [];
  for (let r = 0; r < rounds; r++) {
    // Alternate which goes first, so neither always runs on a heap the other just filled.
    const order = r % 2 === 0 ? (['papa', 'product'] as const) : (['product', 'papa'] as const);
    for (const which of order) {
      const t0 = performance.now();
      if (which === 'papa') runPapa(bytes, kind);
      else await runProduct(bytes, catalog);
      (which === 'papa' ? papaMs : productMs).push(performance.now() - t0);
    }
  }
  const a = median(papaMs);
  const b = median(productMs);
  // The fastest run of each is the one least disturbed by whatever else the machine is doing: shown beside the medians.
  const bestRatio = Math.min(...productMs) / Math.min(...papaMs);
  detail(
    `${label} (${fmt.mb(bytes.length)}, ${TIME_ROWS} rows, ${product.invalid} invalid by design), median of ${rounds}: Papa ${fmt.ms(a)}, ` +
      `import+validate ${fmt.ms(b)}, ratio ${fmt.n(b / a)}; best runs ${fmt.ms(Math.min(...papaMs))} and ${fmt.ms(Math.min(...productMs))}, ratio ${fmt.n(bestRatio)}`,
  );
  return {
    name: `parse ${kind} time`,
    measured: fmt.ms(b),
    baseline: fmt.ms(a),
    ratio: b / a,
    note: `${label}, ${TIME_ROWS} rows: import+validate vs bare Papa Parse (header:true), median of ${rounds} (best-run ratio ${fmt.n(bestRatio)})`,
  };
}

async function benchMemory(dir: string): Promise<BenchRow[]> {
  const bytes = makeSheetBytes(MEMORY_ROWS, 'utf8');
  const file = path.join(dir, 'memory.csv');
  writeFileSync(file, bytes);
  const papa = await measureChild('papa', 'utf8', file);
  const product = await measureChild('product', 'utf8', file);
  if (product.rows !== MEMORY_ROWS) throw new Error(`the import read ${product.rows} rows of ${MEMORY_ROWS}`);
  detail(
    `UTF-8 , (${fmt.mb(bytes.length)}, ${MEMORY_ROWS} rows): peak RSS delta Papa ${fmt.mb(papa.peakRssDeltaKb * 1024)}, import+validate ${fmt.mb(product.peakRssDeltaKb * 1024)}; ` +
      `heap held by the result: Papa ${fmt.mb(papa.heapDeltaBytes)}, import+validate ${fmt.mb(product.heapDeltaBytes)}; ` +
      `wall: Papa ${fmt.ms(papa.wallMs)}, import+validate ${fmt.ms(product.wallMs)}; longest hold: Papa ${fmt.ms(papa.longestBlockMs)}, import+validate ${fmt.ms(product.longestBlockMs)}`,
  );
  return [
    {
      name: 'parse 100k peak RSS',
      measured: fmt.mb(product.peakRssDeltaKb * 1024),
      baseline: fmt.mb(papa.peakRssDeltaKb * 1024),
      ratio: papa.peakRssDeltaKb > 0 ? product.peakRssDeltaKb / papa.peakRssDeltaKb : undefined,
      note: `UTF-8 , ${MEMORY_ROWS} rows: peak RSS growth of one run, fresh process each`,
    },
    {
      name: 'parse 100k thread held',
      measured: fmt.ms(product.longestBlockMs),
      baseline: fmt.ms(THREAD_BUDGET_MS),
      ratio: product.longestBlockMs / THREAD_BUDGET_MS,
      note: `longest stretch without an event-loop turn while importing ${MEMORY_ROWS} rows (budget 2 s; bare Papa holds it ${fmt.ms(papa.longestBlockMs)})`,
    },
  ];
}

async function benchLimits(dir: string, quick: boolean): Promise<BenchRow[]> {
  const out: BenchRow[] = [];
  const csv = path.join(dir, 'limit.csv');
  const csvBytes = makeSheetBytes(LIMIT_ROWS, 'utf8');
  writeFileSync(csv, csvBytes);
  const r = await measureChild('product', 'utf8', csv);
  if (r.rows !== LIMIT_ROWS) throw new Error(`the import read ${r.rows} rows of ${LIMIT_ROWS}`);
  detail(`CSV at the row limit (${fmt.mb(csvBytes.length)}, ${LIMIT_ROWS} rows): read in ${fmt.ms(r.wallMs)}, longest hold ${fmt.ms(r.longestBlockMs)}, peak RSS delta ${fmt.mb(r.peakRssDeltaKb * 1024)}`);
  out.push({
    name: 'parse 200k thread held',
    measured: fmt.ms(r.longestBlockMs),
    baseline: fmt.ms(THREAD_BUDGET_MS),
    ratio: r.longestBlockMs / THREAD_BUDGET_MS,
    note: `CSV at the ${LIMIT_ROWS}-row limit read in ${fmt.s(r.wallMs)}; longest stretch without an event-loop turn (budget 2 s)`,
  });
  const xlsxRows = quick ? 20_000 : MEMORY_ROWS;
  const xlsx = path.join(dir, 'sheet.xlsx');
  const xlsxBytes = await makeXlsxBytes(xlsxRows);
  writeFileSync(xlsx, xlsxBytes);
  const x = await measureChild('product', 'xlsx', xlsx);
  if (x.rows !== xlsxRows) throw new Error(`the XLSX import read ${x.rows} rows of ${xlsxRows}`);
  detail(`XLSX (${fmt.mb(xlsxBytes.length)}, ${xlsxRows} rows, written by exceljs): read in ${fmt.ms(x.wallMs)}, longest hold ${fmt.ms(x.longestBlockMs)}, peak RSS delta ${fmt.mb(x.peakRssDeltaKb * 1024)}`);
  out.push({
    name: `parse xlsx ${xlsxRows / 1000}k thread held`,
    measured: fmt.ms(x.longestBlockMs),
    baseline: fmt.ms(THREAD_BUDGET_MS),
    ratio: x.longestBlockMs / THREAD_BUDGET_MS,
    note: `XLSX of ${xlsxRows} rows read in ${fmt.s(x.wallMs)}; longest stretch without an event-loop turn (budget 2 s)`,
  });
  return out;
}

export async function benchSheetParse(opts: { quick: boolean }): Promise<BenchRow[]> {
  const rounds = opts.quick ? 9 : 21;
  const dir = makeTempDir('parse');
  try {
    return [
      await benchTime('utf8', rounds),
      await benchTime('cp1252', rounds),
      ...(await benchMemory(dir)),
      ...(await benchLimits(dir, opts.quick)),
    ];
  } finally {
    removeTempDir(dir);
  }
}
