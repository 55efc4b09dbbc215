/**
 * Exports run by the app: one at a time per batch, into `<batch outputDir>/exports/`, cancellable, announcing
 * progress as `export:progress` events (render ticks throttled to a few a second). The path chosen and the ffmpeg
 * command line go to a per-batch log file in the data folder, never to the renderer.
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { appendFile, mkdir, readdir, rm } from 'node:fs/promises';
import { makeFolder } from '../media/output-folder';
import path from 'node:path';
import { ClipUnreadableError, ExportCancelledError, ExportVerificationError, FfmpegError, OutputExistsError, TimelineError, type ExportProgress } from '../media/export';
import { HANDOFF_KINDS } from '../media/handoff';
import type { PresetName } from '../media/presets';
import type { Marker, Timeline } from '../media/timeline';
import { WORK_DIR_PREFIX } from '../media/work-dir';
import { sanitizeSegment } from '../queue/output-names';
import type { QueueStoreApi } from '../queue/store-api';
import { UserError } from './app-errors';
import { runExport, writeHandoff, type HandoffFile } from './export-run';
import type { TimelineService } from './timeline-service';

export interface ExportJobView {
  jobId: string;
  batchId: number;
  state: 'running' | 'done' | 'failed' | 'cancelled';
  phase: 'probe' | 'render' | 'verify' | 'done';
  fraction: number | null;
  seconds: number;
  totalSec: number;
  etaSec: number | null;
  preset: PresetName;
  fileName: string;
  output: string | null;
  path: 'lossless' | 'conform' | null;
  cached: boolean;
  reasons: string[];
  durationSec: number | null;
  message: string | null;
  startedAt: number;
  finishedAt: number | null;
}

export interface ExportJobsDeps {
  store: Pick<QueueStoreApi, 'getBatch' | 'listBatches' | 'clipProbe'>;
  timelines: TimelineService;
  mediaFile: (rowId: number) => Promise<string | undefined>;
  musicFile: (batchId: number) => Promise<string | undefined>;
  dataDir: string;
  emit: (job: ExportJobView) => void;
}

interface Running {
  view: ExportJobView;
  controller: AbortController;
  done: Promise<void>;
}

/** Render progress reaches the window at most this often; phase changes always do. */
const PROGRESS_EVERY_MS = 250;

export class ExportJobs {
  private readonly latest = new Map<number, ExportJobView>();
  private readonly running = new Map<string, Running>();

  constructor(private readonly deps: ExportJobsDeps) {}

  status(batchId: number): ExportJobView | null {
    return this.latest.get(batchId) ?? null;
  }

  async exportsDir(batchId: number): Promise<string> {
    const batch = await this.deps.store.getBatch(batchId);
    if (!batch) throw new UserError('not_found', 'There is no such batch.');
    return path.join(path.resolve(batch.outputDir), 'exports');
  }

  /**
   * The saved (or default) timeline as the exporter takes it: each row's file, checked to be inside the batch
   * folder, with the probe taken when it was verified at download (trusted while the file is unchanged), and the
   * timeline's markers. The app and the CLI both get a batch's timeline here: one take choice.
   */
  async mediaTimeline(batchId: number): Promise<Timeline> {
    const view = await this.deps.timelines.get(batchId);
    if (!view.clips.length) throw new UserError('invalid', 'The timeline has no clips yet: wait for a clip to finish, or add one from the bin.');
    const labels = new Map(view.bin.map((b) => [b.rowId, b.label]));
    const clips = [];
    for (const [i, c] of view.clips.entries()) {
      const file = await this.deps.mediaFile(c.rowId);
      if (!file) throw new UserError('invalid', `Clip ${i + 1} ("${labels.get(c.rowId) ?? c.rowId}") is missing from the batch folder.`);
      const knownProbe = await this.deps.store.clipProbe(file).catch(() => undefined);
      clips.push({
        id: `row-${c.rowId}`,
        file,
        label: labels.get(c.rowId),
        inSec: c.inSec,
        ...(c.outSec === null ? {} : { outSec: c.outSec }),
        transitionIn: c.transitionIn,
        ...(knownProbe ? { knownProbe } : {}),
      });
    }
    const musicFile = view.music ? await this.deps.musicFile(batchId) : undefined;
    const markers: Marker[] = 'markers' in view ? ((view as { markers?: Marker[] }).markers ?? []).map((m) => ({ id: m.id, at: m.at, note: m.note })) : [];
    return {
      version: 1,
      clips,
      markers,
      ...(view.music && musicFile ? { music: { file: musicFile, volume: view.music.volume, fadeOutSec: view.music.fadeOutSec } } : {}),
    };
  }

  async start(input: { batchId: number; preset: PresetName; fileName: string; overwrite?: boolean }): Promise<ExportJobView> {
    const { batchId } = input;
    const dir = await this.exportsDir(batchId);
    if ([...this.running.values()].some((r) => r.view.batchId === batchId)) throw new UserError('busy', 'This batch is already exporting: wait for it to finish, or cancel it.');
    const stem = sanitizeSegment(input.fileName.replace(/\.mp4$/i, '')) || 'export';
    const fileName = `${stem}.mp4`;
    const out = path.join(dir, fileName);
    const timeline = await this.mediaTimeline(batchId);
    const view: ExportJobView = {
      jobId: randomUUID(),
      batchId,
      state: 'running',
      phase: 'probe',
      fraction: 0,
      seconds: 0,
      totalSec: 0,
      etaSec: null,
      preset: input.preset,
      fileName,
      output: null,
      path: null,
      cached: false,
      reasons: [],
      durationSec: null,
      message: null,
      startedAt: Date.now(),
      finishedAt: null,
    };
    // Refused before any work; exportTimeline checks again (after its cache) in case the file appears meanwhile.
    if (!input.overwrite && existsSync(out)) throw new UserError('conflict', `${fileName} already exists in the batch's exports folder: choose another name, or choose "Replace it".`);
    const controller = new AbortController();
    const log = (line: string) => this.log(batchId, `[${view.jobId}] ${line}`);
    await log(`export to ${out} (preset ${input.preset})`);
    let lastEmit = 0;
    const onEta = (p: ExportProgress, etaSec: number | null) => {
      const now = Date.now();
      const phaseChanged = p.phase !== view.phase;
      Object.assign(view, { phase: p.phase, fraction: p.fraction ?? null, seconds: p.seconds, totalSec: p.totalSec, etaSec });
      if (!phaseChanged && now - lastEmit < PROGRESS_EVERY_MS) return;
      lastEmit = now;
      this.publish(view);
    };
    const done = (async () => {
      try {
        const report = await runExport(timeline, {
          out,
          preset: input.preset,
          overwrite: input.overwrite === true,
          signal: controller.signal,
          cacheDir: path.join(this.deps.dataDir, 'cache', 'exports'),
          onEta,
          onLog: (l) => void log(l),
        });
        Object.assign(view, { state: 'done', phase: 'done', fraction: 1, etaSec: 0, output: report.output, path: report.path, cached: report.cached, reasons: report.reasons, durationSec: report.durationSec });
        await log(`done: ${report.output} (${report.path}${report.cached ? ', reused' : ''}) ffmpeg: ${report.commandLine}`);
      } catch (e) {
        Object.assign(view, failure(e));
        await log(`${view.state}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}${e instanceof FfmpegError ? `\n  command: ${e.commandLine}` : ''}`);
      } finally {
        view.finishedAt = Date.now();
        this.running.delete(view.jobId);
        this.publish(view);
      }
    })();
    this.running.set(view.jobId, { view, controller, done });
    this.latest.set(batchId, view);
    this.publish(view);
    return { ...view };
  }

  async cancel(jobId: string): Promise<ExportJobView> {
    const r = this.running.get(jobId);
    if (!r) {
      const finished = [...this.latest.values()].find((v) => v.jobId === jobId);
      if (finished) return { ...finished };
      throw new UserError('not_found', 'There is no such export.');
    }
    r.controller.abort();
    await r.done;
    return { ...r.view };
  }

  /** Cancels every running export and waits for each to clean up (the app is closing). */
  async close(): Promise<void> {
    const all = [...this.running.values()];
    for (const r of all) r.controller.abort();
    await Promise.all(all.map((r) => r.done));
  }

  /**
   * EDL, FCPXML, FCP 7 XML, OTIO and a contact sheet of the saved (or default) timeline, under free names in
   * exports/; when a clip cannot be cut exactly at its own rate in a suite, also the same files referencing media
   * conformed to the timeline (cached in exports/conformed media/).
   */
  async handoff(batchId: number): Promise<{ files: HandoffFile[]; conformReasons: string[] }> {
    const dir = await this.exportsDir(batchId);
    const timeline = await this.mediaTimeline(batchId);
    await makeFolder(dir, { maxNewLevels: 1 }); // exports/ inside the batch folder, never a recursive mkdir
    const batch = await this.deps.store.getBatch(batchId);
    const stem = sanitizeSegment(batch?.name ?? '') || `batch-${batchId}`;
    return writeHandoff(timeline, {
      dir,
      stem,
      title: batch?.name || stem,
      kinds: HANDOFF_KINDS,
      contactSheet: true,
      conformed: 'auto',
      onLog: (l) => void this.log(batchId, `[handoff] ${l}`),
    });
  }

  /** Removes the work folders an export killed mid-way left behind, in every batch folder and its exports/. */
  async sweep(): Promise<string[]> {
    const removed: string[] = [];
    const dirs = new Set<string>();
    for (const b of await this.deps.store.listBatches()) {
      dirs.add(path.resolve(b.outputDir));
      dirs.add(path.join(path.resolve(b.outputDir), 'exports'));
    }
    for (const dir of dirs) {
      const names = await readdir(dir).catch(() => [] as string[]);
      for (const n of names) {
        if (!n.startsWith(WORK_DIR_PREFIX)) continue;
        const full = path.join(dir, n);
        await rm(full, { recursive: true, force: true }).catch(() => undefined);
        removed.push(full);
      }
    }
    return removed;
  }

  private publish(view: ExportJobView): void {
    this.deps.emit({ ...view, reasons: [...view.reasons] });
  }

  private async log(batchId: number, line: string): Promise<void> {
    const dir = path.join(this.deps.dataDir, 'logs');
    await mkdir(dir, { recursive: true }).catch(() => undefined);
    await appendFile(path.join(dir, `export-batch-${batchId}.log`), `${new Date().toISOString()} ${line}\n`).catch(() => undefined);
  }
}

function failure(e: unknown): Partial<ExportJobView> {
  if (e instanceof ExportCancelledError) return { state: 'cancelled', message: 'Export cancelled; nothing was written.' };
  if (e instanceof OutputExistsError) return { state: 'failed', message: `${path.basename(e.target)} already exists: choose another name, or replace it.` };
  if (e instanceof ExportVerificationError) return { state: 'failed', message: 'The exported video did not pass its check (length or format), so it was not kept. The details are in the export log.' };
  if (e instanceof TimelineError) return { state: 'failed', message: e.message };
  if (e instanceof ClipUnreadableError) return { state: 'failed', message: 'A clip on the timeline could not be read. The details are in the export log.' };
  if (e instanceof UserError) return { state: 'failed', message: e.message };
  return { state: 'failed', message: 'The export failed. The details are in the export log in the data folder.' };
}
