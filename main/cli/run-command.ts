/**
 * `run <sheet> --out <dir>`: import (or resume) a batch, queue it, follow it to the end with a live progress line.
 * Running the same command again resumes the same batch; nothing already paid for is sent again.
 */
import path from 'node:path';
import { createInterface } from 'node:readline/promises';
import { checkOutputFolder, OutputFolderError } from '../core/media/output-folder';
import { cliEngine, queueLine } from './engine-options';
import { DEFAULT_NAME_TEMPLATE } from '../core/queue/output-names';
import type { BatchRecord } from '../core/queue/types';
import { prepareBatch } from '../core/services/prepare-batch';
import { QuoteCache } from '../core/services/quotes';
import { readSheetFile } from '../core/services/sheet-file';
import { REHEARSAL_BASE_URL } from '../core/services/venice-connection';
import { UsageError, intOption, moneyOption, type CliValues } from './args';
import { defaultsFrom } from './defaults';
import { readOptionsFrom } from './sheet-options';
import { sheetNotes } from './sheet-report';
import { usd } from './format';
import { etaMs, progressLine, snapshot } from './progress';
import { printRowProblems, printSummary } from './summary';
import type { CliSession } from './session';

export interface RunIo {
  out: NodeJS.WriteStream | NodeJS.WritableStream;
  err: NodeJS.WritableStream;
  interactive: boolean;
}

async function confirm(io: RunIo, question: string): Promise<boolean> {
  if (!io.interactive) return false;
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}

async function createBatch(session: CliSession, sheetPath: string, outDir: string, values: CliValues, io: RunIo): Promise<BatchRecord | number> {
  const baseUrl = values.rehearsal ? REHEARSAL_BASE_URL : session.links.baseUrlFor(false);
  const file = await readSheetFile(sheetPath, readOptionsFrom(values, session.dataDir));
  const existing = await session.queue.findBatchBySource(file.hash, outDir);
  if (existing) {
    io.out.write(`Resuming batch ${existing.id} (${existing.name}) into ${outDir}\n`);
    return existing;
  }
  // The same sheet into another folder (a typo, the share mounted elsewhere) is a new batch that pays for every clip
  // again: say which batch it already is before asking to spend.
  for (const b of (await session.queue.listBatches()).filter((x) => x.sourceHash === file.hash)) {
    io.err.write(`note: This sheet is already batch ${b.id} (${b.name}), saving to ${b.outputDir}: to resume it, run with --out ${b.outputDir}. A new batch pays for every clip again.\n`);
  }
  const catalog = await session.catalog(baseUrl);
  for (const n of sheetNotes(file, catalog.warning)) io.err.write(`note: ${n.row ? `row ${n.row}: ` : ''}${n.message}\n`);
  const link = await session.links.link(baseUrl);
  const prepared = await prepareBatch(file, catalog, defaultsFrom(values), new QuoteCache(link.client));
  if (prepared.invalid.length > 0) {
    printRowProblems(io.err, prepared.invalid);
    io.err.write(`${prepared.invalid.length} row(s) need fixing before this batch can run; nothing was queued.\n`);
    return 1;
  }
  if (prepared.rows.length === 0) {
    io.err.write('The sheet has no rows to generate.\n');
    return 1;
  }
  const budget = moneyOption(values.budget, 'budget');
  const concurrency = intOption(values.concurrency, 'concurrency', 1, 20) ?? 4;
  const costLine = `${prepared.rows.length} clip(s), about ${usd(prepared.totalUsd)}${budget ? ` (budget ${usd(budget)})` : ''}`;
  if (values.rehearsal) {
    io.out.write(`Rehearsal: ${costLine} on the built-in simulator. Nothing is charged.\n`);
  } else if (!values.yes) {
    const ok = await confirm(io, `This will spend real money: ${costLine}. Continue? [y/N] `);
    if (!ok) {
      io.err.write(`Not started. ${costLine}. Add --yes to confirm without a prompt.\n`);
      return 1;
    }
  }
  const batchId = await session.queue.createBatch(
    {
      name: path.basename(file.path),
      sourcePath: file.path,
      sourceHash: file.hash,
      settings: { ...defaultsFrom(values), concurrency },
      outputDir: outDir,
      nameTemplate: values.template ?? DEFAULT_NAME_TEMPLATE,
      budgetUsd: budget ?? null,
      baseUrl,
      rehearsal: Boolean(values.rehearsal),
    },
    prepared.rows,
  );
  io.out.write(`Batch ${batchId}: ${costLine}, saving to ${outDir}\n`);
  const batch = await session.queue.getBatch(batchId);
  if (!batch) throw new Error('The batch was not saved');
  return batch;
}

export async function runCommand(session: CliSession, sheetPath: string, values: CliValues, io: RunIo): Promise<number> {
  if (!values.out) throw new UsageError('run needs --out <folder> for the clips');
  const outDir = path.resolve(values.out);
  // Before anything is created or sent: a folder that cannot hold clips (under /proc, read-only, below a file).
  try {
    await checkOutputFolder(outDir);
  } catch (e) {
    if (!(e instanceof OutputFolderError)) throw e;
    io.err.write(`${e.message}\n`);
    return 2;
  }
  // The studio queue is shared by every machine: say which one this batch goes to before anything is added.
  if (session.queue.kind === 'postgres') io.out.write(`${queueLine(session)}\n`);
  const created = await createBatch(session, sheetPath, outDir, values, io);
  if (typeof created === 'number') return created;
  const batch = created;
  if (batch.status === 'paused' && values.yes) await session.queue.setBatchStatus(batch.id, 'active', null);

  const engine = cliEngine(session, 'venice-batch run');
  const tty = 'isTTY' in io.out && io.out.isTTY === true;
  let lastLine = '';
  let lastPrintAt = 0;
  engine.subscribe((e) => {
    if (e.type === 'notice') io.err.write(`${tty ? '\n' : ''}${e.level}: ${e.message}\n`);
    if (e.type === 'batch' && e.status === 'paused' && e.reason) io.err.write(`${tty ? '\n' : ''}Paused: ${e.reason}\n`);
    // Waiting by itself (a full disk, no network, a refused key...): say why, and say so again when it goes on.
    if (e.type === 'hold') io.err.write(`${tty ? '\n' : ''}${e.active ? 'Waiting' : 'Carrying on'}: ${e.message}\n`);
  });

  const recovered = await engine.start();
  if (recovered.reattached || recovered.resumed) {
    io.out.write(`Re-attached ${recovered.reattached} job(s) on Venice, resumed ${recovered.resumed} download(s).\n`);
  }
  if (batch.status === 'paused') {
    io.err.write(`Batch ${batch.id} is paused: ${batch.pauseReason ?? 'by you'}. Add --yes to resume it; downloads of paid clips continue.\n`);
  }

  let stopping = false;
  const onSignal = () => {
    if (stopping) return;
    stopping = true;
    io.err.write('\nStopping: waiting for requests under way. Paid jobs keep running on Venice; run the same command to resume.\n');
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const started = Date.now();
  const startSnap = await snapshot(session.queue, batch.id);
  const finishedAtStart = (startSnap.counts.done ?? 0) + (startSnap.counts.failed ?? 0);
  let lastDiagnosis = Date.now();
  // Settled means every row of the batch, whichever machine of a studio worked on it (or took it over).
  while (!stopping && !(await engine.isSettled(batch.id))) {
    await new Promise((r) => setTimeout(r, 500));
    // VENICE_BATCH_DEBUG: the scheduler's own view every 20 s, for a batch that does not seem to move.
    if (process.env.VENICE_BATCH_DEBUG && Date.now() - lastDiagnosis > 20_000) {
      lastDiagnosis = Date.now();
      io.err.write(`debug: ${JSON.stringify(await engine.diagnose())}\n`);
    }
    const s = await snapshot(session.queue, batch.id);
    const line = progressLine(s, etaMs(s, Date.now() - started, finishedAtStart), batch.rehearsal);
    if (tty) io.out.write(`\r\x1b[2K${line}`);
    else if (line !== lastLine && Date.now() - lastPrintAt > 2_000) {
      io.out.write(`${line}\n`);
      lastPrintAt = Date.now();
    }
    lastLine = line;
  }
  await engine.stop();
  process.removeListener('SIGINT', onSignal);
  process.removeListener('SIGTERM', onSignal);
  if (tty) io.out.write('\n');
  if (stopping) return 130;
  return printSummary(io.out, session.queue, batch.id);
}
