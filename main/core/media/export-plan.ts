/**
 * The part of an export that decides and costs nothing to undo: probe every clip (and the music), resolve the
 * preset to a frame, lay the clips out in frames from their real durations, and choose lossless or conform. The
 * EDL, FCPXML and contact sheet are written from the same plan, so the hand-off matches the render.
 */
import path from 'node:path';
import { decideExportPath, type CompatDecision } from './compat';
import { frameRateFrom, framesToSec } from './frame-rate';
import { mediaInfoFor, type InfoSource } from './media-info';
import { throwIfCancelled } from './ffmpeg-run';
import type { MediaInfo } from './probe';
import { resolveTarget, type ExportTarget, type PresetName } from './presets';
import { parseTimeline, type Timeline, type TimelineInput } from './timeline';
import { layoutTimeline, type SourceTiming, type TimelineLayout } from './timeline-layout';

export interface ProbedTimeline {
  timeline: Timeline;
  infos: MediaInfo[];
  music: MediaInfo | undefined;
  labels: string[];
  /** Where each clip's info came from (the stored probe, the MP4 header, ffprobe): for the log and the bench. */
  infoSources?: InfoSource[];
}

export interface ExportPlan extends ProbedTimeline {
  target: ExportTarget;
  decision: CompatDecision;
  layout: TimelineLayout;
  /** What verification will hold the output to. */
  expectedDurationSec: number;
  expectAudio: boolean;
}

export class ClipUnreadableError extends Error {
  override readonly name = 'ClipUnreadableError';
}

/** A header read is a few small reads; ffprobe (the fallback) is a process each: a few at a time either way. */
const PROBE_CONCURRENCY = 4;

async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (t: T, i: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

export const clipLabel = (c: Timeline['clips'][number]) => c.label ?? path.basename(c.file);

export async function probeTimeline(input: TimelineInput | Timeline, signal?: AbortSignal): Promise<ProbedTimeline> {
  const timeline = parseTimeline(input);
  const labels = timeline.clips.map(clipLabel);
  const sources: InfoSource[] = [];
  const infos = await mapLimited(timeline.clips, PROBE_CONCURRENCY, async (c, i) => {
    throwIfCancelled(signal);
    let info: MediaInfo;
    try {
      const found = await mediaInfoFor(c.file, c.knownProbe);
      info = found.info;
      sources[i] = found.source;
    } catch (e) {
      throw new ClipUnreadableError(`Clip ${i + 1} (${labels[i]}) cannot be read: ${(e as Error).message}`);
    }
    if (!info.video) throw new ClipUnreadableError(`Clip ${i + 1} (${labels[i]}) has no video stream.`);
    return info;
  });
  let music: MediaInfo | undefined;
  if (timeline.music) {
    try {
      music = (await mediaInfoFor(timeline.music.file)).info;
    } catch (e) {
      throw new ClipUnreadableError(`The music file cannot be read: ${(e as Error).message}`);
    }
    if (!music.audio) throw new ClipUnreadableError('The music file has no audio stream.');
  }
  return { timeline, infos, music, labels, infoSources: sources };
}

/** What the layout takes of a clip's probe: its video's own length, rate and frame count. */
export function sourceTiming(info: MediaInfo): SourceTiming {
  return { durationSec: info.video?.durationSec ?? info.durationSec, rate: info.video?.frameRate ?? frameRateFrom(info.video?.fps), frames: info.video?.frames };
}

export function planExport(probed: ProbedTimeline, preset: PresetName): ExportPlan {
  const videos = probed.infos.flatMap((i) => (i.video ? [i.video] : []));
  const target = resolveTarget(preset, videos);
  const decision = decideExportPath({ timeline: probed.timeline, infos: probed.infos, target, labels: probed.labels });
  const layout = layoutTimeline(
    probed.timeline,
    probed.infos.map(sourceTiming),
    target.fps,
    probed.labels,
  );
  // Lossless keeps every packet, so the output lasts the sum of the files; conform lasts the frame layout.
  const expectedDurationSec =
    decision.path === 'lossless' ? probed.infos.reduce((a, i) => a + i.durationSec, 0) : framesToSec(layout.totalFrames, target.fps);
  const expectAudio = decision.path === 'conform' || probed.infos.every((i) => i.audio);
  return { ...probed, target, decision, layout, expectedDurationSec, expectAudio };
}
