/**
 * Lossless concat or conform? The concat demuxer with stream copy only makes a valid file when every clip has the
 * same codec, frame, pixel format, frame rate and time base, the same audio (present in all or none; same codec,
 * rate and layout), and nothing asks for new frames: no trim, no crossfade, no music. Anything else is re-encoded.
 * The reasons are returned in words so the log (and the editor) can see why an export was not lossless.
 */
import type { MediaInfo } from './probe';
import type { ExportTarget } from './presets';
import { hasCrossfades, isTrimmed, type Timeline } from './timeline';

export type ExportPathKind = 'lossless' | 'conform';

export interface CompatDecision {
  path: ExportPathKind;
  /** Why the clips had to be conformed; empty for lossless. */
  reasons: string[];
}

type Described = { label: string; info: MediaInfo };

function firstMismatch(clips: Described[], field: string, pick: (i: MediaInfo) => string): string | undefined {
  const first = clips[0];
  if (!first) return undefined;
  const want = pick(first.info);
  const odd = clips.find((c) => pick(c.info) !== want);
  return odd ? `${field} differs: ${odd.label} has ${pick(odd.info)}, ${first.label} has ${want}` : undefined;
}

const fpsKey = (i: MediaInfo) => (i.video?.fps === undefined ? 'unknown' : `${Number(i.video.fps.toFixed(3))} fps`);

export function decideExportPath(input: { timeline: Timeline; infos: readonly MediaInfo[]; target: ExportTarget; labels: readonly string[] }): CompatDecision {
  const { timeline, infos, target } = input;
  const clips: Described[] = infos.map((info, i) => ({ info, label: `clip ${i + 1} (${input.labels[i] ?? '?'})` }));
  const reasons: string[] = [];

  timeline.clips.forEach((c, i) => {
    const info = infos[i];
    const halfFrame = 0.5 / (info?.video?.fps ?? 30);
    if (info && isTrimmed(c, info.durationSec, halfFrame)) reasons.push(`${clips[i]?.label} is trimmed`);
  });
  if (hasCrossfades(timeline)) reasons.push('the timeline has crossfades');
  if (timeline.music) reasons.push('a music bed is mixed in');

  const checks: Array<[string, (i: MediaInfo) => string]> = [
    ['video codec', (i) => i.video?.codec ?? 'none'],
    ['frame size', (i) => (i.video ? `${i.video.width}x${i.video.height}` : 'none')],
    ['pixel format', (i) => i.video?.pixFmt ?? 'unknown'],
    ['frame rate', fpsKey],
    ['video time base', (i) => i.video?.timeBase ?? 'unknown'],
    ['audio', (i) => (i.audio ? 'an audio track' : 'no audio')],
  ];
  for (const [field, pick] of checks) {
    const m = firstMismatch(clips, field, pick);
    if (m) reasons.push(m);
  }
  if (infos.every((i) => i.audio) && infos.length > 0) {
    const audioChecks: Array<[string, (i: MediaInfo) => string]> = [
      ['audio codec', (i) => i.audio?.codec ?? 'none'],
      ['audio sample rate', (i) => `${i.audio?.sampleRate ?? 'unknown'} Hz`],
      ['audio channel layout', (i) => i.audio?.channelLayout ?? `${i.audio?.channels ?? 'unknown'} channels`],
    ];
    for (const [field, pick] of audioChecks) {
      const m = firstMismatch(clips, field, pick);
      if (m) reasons.push(m);
    }
  }

  // A fixed preset promises its frame and H.264: stream copy only keeps that promise when the clips already are.
  const first = infos[0]?.video;
  if (target.preset !== 'match' && first) {
    if (first.width !== target.width || first.height !== target.height) {
      reasons.push(`the ${target.preset} preset is ${target.width}x${target.height}, the clips are ${first.width}x${first.height}`);
    }
    if (first.codec !== 'h264' || first.pixFmt !== 'yuv420p') reasons.push(`the ${target.preset} preset is H.264 yuv420p`);
    const audio = infos[0]?.audio;
    if (audio && audio.codec !== 'aac') reasons.push(`the ${target.preset} preset has AAC audio`);
  }
  return { path: reasons.length ? 'conform' : 'lossless', reasons };
}
