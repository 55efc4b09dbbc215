/**
 * Bench: import + validate a 10,000-row sheet (the product: encoding and delimiter detection, Papa Parse, column
 * mapping, row building, validation of every row against the simulator's model rules) vs bare Papa Parse with
 * header:true on the same bytes. Both run interleaved in this process, round after round, and the medians are
 * compared; memory is measured once per variant in a fresh child process so each peak is that run's alone.
 * Done for a UTF-8 `,` sheet and for a Windows-1252 `;` sheet as European Excel saves it.
 */
import { fork } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ParseMemoryReport } from './sheet-parse-child';
import { makeSheetBytes, runPapa, runProduct, simCatalog, type SheetKind } from './sheet-parse-work';
import { median } from './prng';
import { fmt, type BenchRow } from './table';
import { detail, makeTempDir, removeTempDir } from './temp';

const here = path.dirname(fileURLToPath(import.meta.url));
const ROWS = 10_000;

function measureMemory(variant: 'papa' | 'product', kind: SheetKind, file: string): Promise<ParseMemoryReport> {
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

async function benchOne(kind: SheetKind, rounds: number, dir: string): Promise<BenchRow[]> {
  const bytes = makeSheetBytes(ROWS, kind);
  const file = path.join(dir, `sheet-${kind}.csv`);
  writeFileSync(file, bytes);
  const label = kind === 'utf8' ? 'UTF-8 ,' : 'Windows-1252 ;';
  const catalog = simCatalog();

  // One untimed pass each warms the JIT and proves both read every row.
  const papaRows = runPapa(bytes, kind).rows;
  const product = await runProduct(bytes, catalog);
  if (papaRows !== ROWS || product.rows !== ROWS) throw new Error(`${label}: Papa read ${papaRows} rows, the import ${product.rows}; expected ${ROWS}`);
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
  const memA = await measureMemory('papa', kind, file);
  const memB = await measureMemory('product', kind, file);
  detail(
    `${label} (${fmt.mb(bytes.length)}, ${ROWS} rows, ${product.invalid} invalid by design), median of ${rounds}: ` +
      `Papa ${fmt.ms(a)}, import+validate ${fmt.ms(b)}, ratio ${fmt.n(b / a)}`,
  );
  detail(
    `  peak RSS delta: Papa ${fmt.mb(memA.peakRssDeltaKb * 1024)}, import+validate ${fmt.mb(memB.peakRssDeltaKb * 1024)}; ` +
      `heap held by the result: Papa ${fmt.mb(memA.heapDeltaBytes)}, import+validate ${fmt.mb(memB.heapDeltaBytes)}`,
  );
  return [
    {
      name: `parse ${kind} time`,
      measured: fmt.ms(b),
      baseline: fmt.ms(a),
      ratio: b / a,
      note: `${label}: import+validate vs bare Papa Parse (header:true), median of ${rounds}`,
    },
    {
      name: `parse ${kind} peak RSS`,
      measured: fmt.mb(memB.peakRssDeltaKb * 1024),
      baseline: fmt.mb(memA.peakRssDeltaKb * 1024),
      ratio: memA.peakRssDeltaKb > 0 ? memB.peakRssDeltaKb / memA.peakRssDeltaKb : undefined,
      note: `${label}: peak RSS growth during one run, fresh process each`,
    },
  ];
}

export async function benchSheetParse(opts: { quick: boolean }): Promise<BenchRow[]> {
  const rounds = opts.quick ? 3 : 9;
  const dir = makeTempDir('parse');
  try {
    return [...(await benchOne('utf8', rounds, dir)), ...(await benchOne('cp1252', rounds, dir))];
  } finally {
    removeTempDir(dir);
  }
}
