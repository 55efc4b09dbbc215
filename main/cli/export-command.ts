/**
 * `venice-batch export <dir|batch-id> --out <file.mp4>`: stitches finished clips into one verified video, and on
 * request hands the same timeline to an editing suite (EDL, FCPXML, FCP 7 XML, OTIO) and prints a contact sheet. A
 * folder gives its .mp4 files sorted by name; a batch id gives the batch's timeline exactly as the app has it (the
 * saved one, else each sheet row's first finished take), through the same services as the app (export-run.ts).
 * It parses its own options (the shared parser is strict and knows none of these), so main() hands it argv as is.
 * Exit codes: 0 exported and verified, 1 the output failed verification, 2 could not run, 130 cancelled (Ctrl-C).
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { defaultDataDir } from '../core/paths';
import { studioQueueUrl } from '../core/queue/open-queue';
import { PgQueueStore } from '../core/queue/pg/pg-store';
import { SqliteQueueStore } from '../core/queue/sqlite-adapter/store';
import { QueueStore } from '../core/queue/store';
import type { QueueStoreApi } from '../core/queue/store-api';
import { writeContactSheet } from '../core/media/contact-sheet';
import { ClipUnreadableError, ExportCancelledError, ExportVerificationError, FfmpegError, OutputExistsError, TimelineError, planExport, probeTimeline, type ExportOptions, type ExportProgress } from '../core/media/export';
import { MediaToolsMissingError } from '../core/media/ffmpeg-binaries';
import { conformAll, handoffExt, handoffText, type HandoffKind } from '../core/media/handoff';
import { buildHandoffPlan } from '../core/media/handoff-plan';
import { outputTarget, prepareTarget, writeTextOutput } from '../core/media/place-output';
import { encoderSettings, isPresetName, PRESET_NAMES } from '../core/media/presets';
import { parseTransition, withTransitionEverywhere, type Timeline } from '../core/media/timeline';
import { timelineFromFolder } from '../core/media/timeline-from-folder';
import { UserError } from '../core/services/app-errors';
import { batchMediaFile, batchMusicFile } from '../core/services/batch-files';
import { ExportJobs } from '../core/services/export-jobs';
import { runExport } from '../core/services/export-run';
import { TimelineService } from '../core/services/timeline-service';
import { bar } from './format';

export const EXPORT_USAGE = `  venice-batch export <dir|batch-id> --out <file.mp4> [--preset ${PRESET_NAMES.join('|')}]
                   [--transition cut|crossfade=0.5] [--music bed.mp3] [--edl file.edl] [--fcpxml file.fcpxml]
                   [--xmeml file.xml] [--otio file.otio] [--conformed-media] [--contact-sheet file.png]
                   [--overwrite] [--json]
  --xmeml writes Final Cut 7 XML (Premiere imports it); --otio writes OpenTimelineIO (Resolve). --conformed-media
  makes the hand-off files reference copies of the clips conformed to the timeline's rate and frame (written once
  into "conformed media" beside --out), for clips a suite cannot cut exactly at their own rate (12 or 16 fps).`;

const OPTIONS = {
  out: { type: 'string', short: 'o' },
  preset: { type: 'string' },
  transition: { type: 'string' },
  music: { type: 'string' },
  edl: { type: 'string' },
  fcpxml: { type: 'string' },
  xmeml: { type: 'string' },
  otio: { type: 'string' },
  'conformed-media': { type: 'boolean' },
  'contact-sheet': { type: 'string' },
  overwrite: { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export interface ExportCommandIo {
  out: NodeJS.WritableStream;
  err: NodeJS.WritableStream & { isTTY?: boolean };
  env?: NodeJS.ProcessEnv;
  /** Cancels the export; without it, Ctrl-C (SIGINT) does. */
  signal?: AbortSignal;
}

class ExportUsageError extends Error {}

async function timelineFor(source: string, env: NodeJS.ProcessEnv): Promise<Timeline> {
  if (existsSync(source) && statSync(source).isDirectory()) {
    const t = await timelineFromFolder(source);
    if (!t) throw new ExportUsageError(`${source} holds no .mp4 clips.`);
    return t;
  }
  if (!/^\d+$/.test(source)) throw new ExportUsageError(`${source} is neither a folder of clips nor a batch number.`);
  const dataDir = defaultDataDir(env);
  const store = await openReadQueue(dataDir, env, source);
  try {
    const id = Number(source);
    if (!(await store.getBatch(id))) throw new ExportUsageError(`There is no batch ${source}.`);
    // The app's own services pick the clips: the saved timeline, else each sheet row's first finished take.
    const timelines = new TimelineService(store, (rowId) => batchMediaFile(store, rowId));
    const jobs = new ExportJobs({
      store,
      timelines,
      mediaFile: (rowId) => batchMediaFile(store, rowId),
      musicFile: (batchId) => batchMusicFile(store, store.timelines, batchId),
      dataDir,
      emit: () => undefined,
    });
    try {
      return await jobs.mediaTimeline(id);
    } catch (e) {
      if (e instanceof UserError) throw new ExportUsageError(e.code === 'invalid' && /no clips/.test(e.message) ? `Batch ${source} has no finished clips yet.` : e.message);
      throw e;
    }
  } finally {
    await store.close();
  }
}

/**
 * The queue a batch number refers to: the studio's (VENICE_BATCH_DB), else this machine's own, opened read-only:
 * exporting never writes to the queue, and may run while the engine works on another batch.
 */
async function openReadQueue(dataDir: string, env: NodeJS.ProcessEnv, source: string): Promise<QueueStoreApi> {
  const url = studioQueueUrl(env.VENICE_BATCH_DB);
  if (url) return PgQueueStore.open(url);
  const file = path.join(dataDir, 'queue.sqlite');
  if (!existsSync(file)) throw new ExportUsageError(`There is no batch ${source}: no queue in ${path.dirname(file)}.`);
  return new SqliteQueueStore(new QueueStore(file, Date.now, { readOnly: true }), file);
}

function progressPrinter(err: ExportCommandIo['err']): (p: ExportProgress, etaSec: number | null) => void {
  let lastStep = -1;
  let lastPhase = '';
  return (p, etaSec) => {
    const f = p.fraction ?? 0;
    const eta = etaSec === null || p.phase === 'done' ? '' : ` about ${Math.ceil(etaSec)} s left`;
    const line = `export ${bar(f)} ${String(Math.round(f * 100)).padStart(3)}% ${p.seconds.toFixed(1)}/${p.totalSec.toFixed(1)} s ${p.phase}${eta}`;
    if (err.isTTY) {
      err.write(`\r${line}${p.phase === 'done' ? '\n' : ''}`);
      return;
    }
    // In a log: a line per tenth and per phase, not one per ffmpeg progress tick.
    const step = Math.floor(f * 10);
    if (step !== lastStep || p.phase !== lastPhase) err.write(`${line}\n`);
    lastStep = step;
    lastPhase = p.phase;
  };
}

export async function exportCommand(argv: string[], io: ExportCommandIo): Promise<number> {
  const env = io.env ?? process.env;
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    io.err.write(`${(e as Error).message}\n\nUsage:\n${EXPORT_USAGE}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.out.write(`Usage:\n${EXPORT_USAGE}\n`);
    return 0;
  }
  const source = positionals[0];
  const usage = (msg: string) => {
    io.err.write(`${msg}\n\nUsage:\n${EXPORT_USAGE}\n`);
    return 2;
  };
  if (!source || positionals.length > 1) return usage('export takes one folder or batch number');
  if (!values.out) return usage('export needs --out <file.mp4>');
  const preset = values.preset ?? 'match';
  if (!isPresetName(preset)) return usage(`--preset is one of ${PRESET_NAMES.join(', ')}`);
  const transition = values.transition === undefined ? undefined : parseTransition(values.transition);
  if (values.transition !== undefined && !transition) return usage('--transition takes cut or crossfade=SECONDS (for example crossfade=0.5)');

  const controller = new AbortController();
  const onSigint = () => controller.abort();
  if (io.signal?.aborted) controller.abort();
  else if (io.signal) io.signal.addEventListener('abort', onSigint, { once: true });
  else process.once('SIGINT', onSigint);
  const overwrite = values.overwrite === true;
  try {
    let timeline = await timelineFor(source, env);
    // An export written into the clip folder is not a clip: without this, the next export would stitch it in too.
    const target = outputTarget(values.out, '.mp4').target;
    const clips = timeline.clips.filter((c) => path.resolve(c.file) !== target);
    if (!clips.length) throw new ExportUsageError(`${source} holds no clips besides ${target}.`);
    timeline = { ...timeline, clips };
    if (transition) timeline = withTransitionEverywhere(timeline, transition);
    if (values.music) timeline = { ...timeline, music: { file: path.resolve(values.music), volume: 0.5, fadeOutSec: 3 } };
    // Refuse taken names before an export that may take minutes, not after (exportPlan checks --out itself, after
    // asking its cache: re-exporting an unchanged timeline onto its own earlier output is not an overwrite).
    const handoffs = (['edl', 'fcpxml', 'xmeml', 'otio'] as const).flatMap((k): Array<[HandoffKind, string]> => (values[k] ? [[k, values[k] as string]] : []));
    for (const [kind, file] of handoffs) await prepareTarget(file, handoffExt(kind), overwrite);
    if (values['contact-sheet']) await prepareTarget(values['contact-sheet'], '.png', overwrite);

    const log: string[] = [];
    const printer = values.json ? undefined : progressPrinter(io.err);
    const options: ExportOptions & { onEta?: (p: ExportProgress, eta: number | null) => void } = {
      out: values.out,
      preset,
      overwrite,
      signal: controller.signal,
      cacheDir: path.join(defaultDataDir(env), 'cache', 'exports'),
      onEta: printer,
      onLog: (l) => log.push(l),
    };
    const report = await runExport(timeline, options);
    const extras: Record<string, string> = {};
    if (handoffs.length || values['contact-sheet']) {
      // The hand-off is written from the same plan the render used (the clips' headers are read again: cheap).
      const plan = planExport(await probeTimeline(timeline, controller.signal), preset);
      const title = path.basename(report.output, path.extname(report.output));
      const conformed = values['conformed-media']
        ? await conformAll(plan, path.dirname(report.output), encoderSettings(), controller.signal, (c) => log.push(`ffmpeg: ${c}`))
        : undefined;
      const h = buildHandoffPlan(plan, { title, mode: conformed ? 'conformed' : 'native', conformed: conformed?.media });
      for (const [kind, file] of handoffs) extras[kind] = await writeTextOutput(file, handoffExt(kind), handoffText(kind, h), overwrite);
      if (conformed) extras.conformedMedia = conformed.dir;
      if (values['contact-sheet']) {
        const sheet = await writeContactSheet(plan, values['contact-sheet'], { overwrite, signal: controller.signal });
        extras.contactSheet = sheet.output;
        extras.contactSheetSize = `${sheet.width}x${sheet.height}`;
      }
    }
    if (values.json) {
      io.out.write(`${JSON.stringify({ ...report, ...extras, log })}\n`);
    } else {
      const how = report.cached ? `${report.path}, reused unchanged export` : report.path === 'lossless' ? 'lossless, stream copy' : `conformed: ${report.reasons.join('; ')}`;
      io.out.write(`Exported ${report.clipCount} clips (${how}) -> ${report.output}\n`);
      io.out.write(
        `  ${report.durationSec.toFixed(3)} s verified (expected ${report.expectedDurationSec.toFixed(3)} s), ` +
          `${report.verification.width}x${report.verification.height} @ ${report.target.fps} fps, in ${(report.elapsedMs / 1000).toFixed(1)} s\n`,
      );
      io.out.write(`  ffmpeg: ${report.commandLine}\n`);
      if (extras.edl) io.out.write(`EDL: ${extras.edl}\n`);
      if (extras.fcpxml) io.out.write(`FCPXML: ${extras.fcpxml}\n`);
      if (extras.xmeml) io.out.write(`Final Cut 7 XML (Premiere): ${extras.xmeml}\n`);
      if (extras.otio) io.out.write(`OpenTimelineIO (Resolve): ${extras.otio}\n`);
      if (extras.conformedMedia) io.out.write(`Conformed media: ${extras.conformedMedia}\n`);
      if (extras.contactSheet) io.out.write(`Contact sheet: ${extras.contactSheet} (${extras.contactSheetSize})\n`);
    }
    return 0;
  } catch (e) {
    if (e instanceof ExportCancelledError) {
      io.err.write('\nExport cancelled; nothing was written.\n');
      return 130;
    }
    if (e instanceof ExportVerificationError) {
      io.err.write(`\n${e.message}\n`);
      return 1;
    }
    if (e instanceof OutputExistsError) {
      io.err.write(`${e.message} (--overwrite replaces it)\n`);
      return 2;
    }
    if (e instanceof ExportUsageError || e instanceof TimelineError || e instanceof ClipUnreadableError || e instanceof MediaToolsMissingError) {
      io.err.write(`${e.message}\n`);
      return 2;
    }
    if (e instanceof FfmpegError) {
      io.err.write(`\n${e.message}\n  command: ${e.commandLine}\n`);
      return 2;
    }
    throw e;
  } finally {
    if (io.signal) io.signal.removeEventListener('abort', onSigint);
    else process.removeListener('SIGINT', onSigint);
  }
}
