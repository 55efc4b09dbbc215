/**
 * Runs the conform path: one ffmpeg pass over the work folder's linked inputs with the graph from conform-graph.ts.
 * A long graph (fifty clips) goes in a script file (see work-dir.ts); the graph text is returned either way so the
 * log holds the whole recipe.
 */
import { conformFilterGraph, conformOutputArgs, type ConformMusic } from './conform-graph';
import { runFfmpeg, type FfmpegProgress, type FfmpegRunResult } from './ffmpeg-run';
import { framesToSec } from './frame-rate';
import type { EncoderSettings, ExportTarget } from './presets';
import type { TimelineLayout } from './timeline-layout';
import { filterGraphArgs, type WorkDir } from './work-dir';

export interface ConformJob {
  work: WorkDir;
  /** Clip inputs already linked into the work folder, in timeline order. */
  inputs: readonly string[];
  hasAudio: readonly boolean[];
  music?: { input: string; durationSec: number; volume: number; fadeOutSec: number };
  layout: TimelineLayout;
  target: ExportTarget;
  encoder: EncoderSettings;
  outName: string;
  signal?: AbortSignal;
  onProgress?: (p: FfmpegProgress) => void;
  onSpawn?: (pid: number) => void;
  onCommand?: (commandLine: string) => void;
  /** The filter graph, before ffmpeg starts (the command line only names graph.txt when the graph is long). */
  onGraph?: (graph: string) => void;
}

export interface ConformResult extends FfmpegRunResult {
  filterGraph: string;
}

export async function runConform(job: ConformJob): Promise<ConformResult> {
  const music: ConformMusic | undefined = job.music
    ? { inputIndex: job.inputs.length, durationSec: job.music.durationSec, volume: job.music.volume, fadeOutSec: job.music.fadeOutSec }
    : undefined;
  const graph = conformFilterGraph({ layout: job.layout, target: job.target, hasAudio: job.hasAudio, music });
  // One decoder thread per input: the graph pulls the clips one after another, so fifty frame-threaded decoders only
  // add start-up, buffers and contention (measured: a third less CPU for the decode and filter side on 2 cores).
  const inputs = [...job.inputs, ...(job.music ? [job.music.input] : [])].flatMap((name) => ['-threads', '1', '-i', name]);
  const graphArgs = await filterGraphArgs(job.work, graph);
  if (graphArgs[0] !== '-filter_complex') job.onGraph?.(graph);
  const result = await runFfmpeg({
    args: [...inputs, ...graphArgs, ...conformOutputArgs(job.target, job.encoder, job.outName)],
    cwd: job.work.dir,
    totalSec: framesToSec(job.layout.totalFrames, job.layout.fps),
    signal: job.signal,
    onProgress: job.onProgress,
    onSpawn: job.onSpawn,
    onCommand: job.onCommand,
  });
  return { ...result, filterGraph: graph };
}
