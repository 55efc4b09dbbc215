/**
 * The export orchestrator: probe all -> choose the path -> run ffmpeg -> verify -> place the output, never
 * overwriting unless asked. Everything ffmpeg touches lives in a private work folder beside the output, so a
 * failure or a cancel leaves nothing behind but what was there before. Returns a report for the log and the UI:
 * the path taken and why, the exact command line, the durations checked.
 */
import { runConform } from './conform-export';
import { runLosslessConcat } from './concat-lossless';
import { rememberExport } from './export-cache';
import { exportCacheKey, reuseCachedExport, type CachedReport } from './export-reuse';
import { planExport, probeTimeline, type ExportPlan } from './export-plan';
import { throwIfCancelled, type FfmpegProgress } from './ffmpeg-run';
import { rateText } from './frame-rate';
import { placeOutput, prepareTarget } from './place-output';
import { encoderSettings, type EncoderSettings, type PresetName } from './presets';
import { parseTimeline, type Timeline, type TimelineInput } from './timeline';
import { ExportVerificationError, verifyExport } from './verify-export';
import { openWorkDir } from './work-dir';
import type { ExportReport } from './export-report';

export type { ExportReport } from './export-report';

export interface ExportProgress {
  phase: 'probe' | 'render' | 'verify' | 'done';
  /** 0..1 of the render, when known. */
  fraction: number | undefined;
  seconds: number;
  totalSec: number;
}

export interface ExportOptions {
  /** The output file (.mp4). Its folder is created if needed; its name is sanitized. */
  out: string;
  preset?: PresetName;
  /** Replace an existing file at `out`. Without it an existing file is an OutputExistsError, before any work. */
  overwrite?: boolean;
  signal?: AbortSignal;
  onProgress?: (p: ExportProgress) => void;
  /** Lines for the job log: the path chosen and why, the ffmpeg command line. */
  onLog?: (line: string) => void;
  /** Remember finished exports here so an unchanged timeline exports instantly; no caching without it. */
  cacheDir?: string;
  encoder?: Partial<EncoderSettings>;
  /** The ffmpeg child's pid once it runs (tests use it to prove a cancel stopped it). */
  onSpawn?: (pid: number) => void;
}


/** Probes and plans, then exports; an unchanged timeline is served from the cache before anything is probed. */
export async function exportTimeline(timeline: TimelineInput | Timeline, opts: ExportOptions): Promise<ExportReport> {
  const started = Date.now();
  throwIfCancelled(opts.signal);
  const parsed = parseTimeline(timeline);
  const preset = opts.preset ?? 'match';
  if (opts.cacheDir) {
    const key = await exportCacheKey(parsed, preset, encoderSettings(opts.encoder));
    const reused = await reuseCachedExport(opts.cacheDir, key, opts.out, opts.overwrite === true);
    if (reused) return reusedReport(reused, opts, started);
  }
  opts.onProgress?.({ phase: 'probe', fraction: 0, seconds: 0, totalSec: 0 });
  const probed = await probeTimeline(parsed, opts.signal);
  const counts = new Map<string, number>();
  for (const src of probed.infoSources ?? []) counts.set(src, (counts.get(src) ?? 0) + 1);
  opts.onLog?.(`export: clip info: ${[...counts].map(([k, n]) => `${n} ${k === 'header' ? 'read from the MP4 header' : k === 'stored' ? 'stored at download' : 'by ffprobe'}`).join(', ')}`);
  const plan = planExport(probed, preset);
  return exportPlan(plan, opts);
}

function reusedReport(reused: { report: CachedReport; target: string; from: string }, opts: ExportOptions, started: number): ExportReport {
  const total = reused.report.expectedDurationSec;
  opts.onLog?.(`export: unchanged timeline, reused ${reused.from}`);
  opts.onProgress?.({ phase: 'done', fraction: 1, seconds: total, totalSec: total });
  return { ...reused.report, output: reused.target, cached: true, elapsedMs: Date.now() - started };
}

export async function exportPlan(plan: ExportPlan, opts: ExportOptions): Promise<ExportReport> {
  const started = Date.now();
  const overwrite = opts.overwrite === true;
  const encoder = encoderSettings(opts.encoder);
  const log = opts.onLog ?? (() => undefined);
  throwIfCancelled(opts.signal);
  const totalSec = plan.expectedDurationSec;

  const key = opts.cacheDir ? await exportCacheKey(plan.timeline, plan.target.preset, encoder) : undefined;
  if (opts.cacheDir && key) {
    const reused = await reuseCachedExport(opts.cacheDir, key, opts.out, overwrite);
    if (reused) return reusedReport(reused, opts, started);
  }
  const { dir, target } = await prepareTarget(opts.out, '.mp4', overwrite);

  log(
    plan.decision.path === 'lossless'
      ? `export: lossless concat of ${plan.infos.length} clips (stream copy)`
      : `export: conform ${plan.infos.length} clips to ${plan.target.width}x${plan.target.height} @ ${rateText(plan.target.fps)} fps because ${plan.decision.reasons.join('; ')}`,
  );
  const work = await openWorkDir(dir);
  try {
    const inputs: string[] = [];
    for (const c of plan.timeline.clips) inputs.push(await work.addInput(c.file));
    const onProgress = (p: FfmpegProgress) => opts.onProgress?.({ phase: 'render', fraction: p.fraction, seconds: p.seconds, totalSec });
    const outName = 'out.mp4';
    const onCommand = (c: string) => log(`ffmpeg (in ${work.dir}): ${c}`);
    const common = { work, inputs, outName, signal: opts.signal, onProgress, onSpawn: opts.onSpawn, onCommand };
    let commandLine: string;
    let filterGraph: string | undefined;
    if (plan.decision.path === 'lossless') {
      ({ commandLine } = await runLosslessConcat({ ...common, withAudio: plan.expectAudio, totalSec }));
    } else {
      const music =
        plan.timeline.music && plan.music
          ? { input: await work.addInput(plan.timeline.music.file, 'music'), durationSec: plan.music.durationSec, volume: plan.timeline.music.volume, fadeOutSec: plan.timeline.music.fadeOutSec }
          : undefined;
      const onGraph = (g: string) => log(`filter graph (graph.txt): ${g}`);
      const r = await runConform({ ...common, onGraph, hasAudio: plan.infos.map((i) => i.audio !== undefined), music, layout: plan.layout, target: plan.target, encoder });
      commandLine = r.commandLine;
      filterGraph = r.filterGraph;
    }

    throwIfCancelled(opts.signal);
    opts.onProgress?.({ phase: 'verify', fraction: 1, seconds: totalSec, totalSec });
    // Lossless keeps the clips' own frame and codec; conform promises the preset's frame, constant fps, 48 kHz stereo.
    const first = plan.infos[0]?.video;
    const verification = await verifyExport(work.file(outName), {
      durationSec: totalSec,
      audio: plan.expectAudio,
      ...(plan.decision.path === 'conform'
        ? { width: plan.target.width, height: plan.target.height, videoCodec: 'h264', constantFps: plan.target.fps, audioFormat: { sampleRate: 48000, channels: 2 } }
        : { width: first?.width, height: first?.height, videoCodec: first?.codec }),
    });
    if (!verification.ok) throw new ExportVerificationError(verification);
    throwIfCancelled(opts.signal);
    await placeOutput(work.file(outName), target, overwrite);

    const report: CachedReport = {
      path: plan.decision.path,
      reasons: plan.decision.reasons,
      commandLine,
      filterGraph,
      target: { preset: plan.target.preset, width: plan.target.width, height: plan.target.height, fps: rateText(plan.target.fps) },
      clipCount: plan.infos.length,
      expectedDurationSec: totalSec,
      durationSec: verification.durationSec,
      verification,
    };
    if (opts.cacheDir && key) await rememberExport(opts.cacheDir, key, target, report).catch((e: Error) => log(`export cache not updated: ${e.message}`));
    opts.onProgress?.({ phase: 'done', fraction: 1, seconds: totalSec, totalSec });
    log(`export: verified ${verification.durationSec.toFixed(3)} s (expected ${totalSec.toFixed(3)} s) -> ${target}`);
    return { ...report, output: target, cached: false, elapsedMs: Date.now() - started };
  } finally {
    await work.remove();
  }
}

export { OutputExistsError } from './place-output';
export { ExportCancelledError, FfmpegError } from './ffmpeg-run';
export { ExportVerificationError } from './verify-export';
export { TimelineError } from './timeline-layout';
export { ClipUnreadableError, planExport, probeTimeline, type ExportPlan } from './export-plan';
export type { PresetName } from './presets';
