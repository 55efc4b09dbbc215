/**
 * An OpenTimelineIO `.otio` file (JSON, `Timeline.1`), which DaVinci Resolve and the OTIO tools read: a Stack with
 * a video track and an audio track of `Clip.1` items whose `ExternalReference.1` points at the media by file URL.
 * Times are `RationalTime.1` values at the rate they are counted in: a clip's `source_range.start_time` and its
 * media's `available_range` count the clip's own frames from its own timecode; durations are written at the clip's
 * rate when whole there, else at the timeline's. A crossfade is a `Transition.1` (SMPTE_Dissolve) between two clips,
 * its `in_offset`/`out_offset` the overlap before and after the cut (handoff-plan.ts). Markers are `Marker.2` on the
 * stack, at timeline frames from the sequence's start.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ExportPlan } from './export-plan';
import { fpsValue, type FrameRate } from './frame-rate';
import { buildHandoffPlan, type HandoffClip, type HandoffOptions, type HandoffPlan } from './handoff-plan';
import { gridStep } from './timeline-layout';
import { writeTextOutput } from './place-output';

const rt = (value: number, rate: FrameRate) => ({ OTIO_SCHEMA: 'RationalTime.1', rate: fpsValue(rate), value });
const range = (start: ReturnType<typeof rt>, duration: ReturnType<typeof rt>) => ({ OTIO_SCHEMA: 'TimeRange.1', duration, start_time: start });

/** `frames` of the timeline as a duration at the clip's rate when that is a whole number of its frames. */
function durationAt(frames: number, clipRate: FrameRate, tl: FrameRate) {
  const g = gridStep(tl, clipRate);
  return (frames * g.src) % g.rec === 0 ? rt((frames * g.src) / g.rec, clipRate) : rt(frames, tl);
}

export function buildOtio(h: HandoffPlan): string {
  const fps = h.fps;
  const clipOf = (c: HandoffClip, i: number, kind: 'video' | 'audio') => {
    const next = h.clips[i + 1];
    const start = c.edit;
    const end = next ? next.edit : c.span.recOut;
    const m = c.media;
    return {
      OTIO_SCHEMA: 'Clip.1',
      metadata: { venice_batch: { clip_id: c.span.id, kind } },
      name: c.label,
      source_range: range(rt(m.tcStart + c.srcAt(start), m.rate), durationAt(end - start, m.rate, fps)),
      effects: [],
      markers: [],
      enabled: true,
      media_reference: {
        OTIO_SCHEMA: 'ExternalReference.1',
        metadata: {},
        name: path.basename(m.file),
        available_range: range(rt(m.tcStart, m.rate), rt(m.frames, m.rate)),
        available_image_bounds: null,
        target_url: pathToFileURL(m.file).href,
      },
    };
  };
  const transitionOf = (c: HandoffClip) => ({
    OTIO_SCHEMA: 'Transition.1',
    metadata: {},
    name: 'Cross Dissolve',
    transition_type: 'SMPTE_Dissolve',
    in_offset: rt(c.edit - c.span.recIn, fps),
    out_offset: rt(c.span.recIn + c.span.fadeIn - c.edit, fps),
  });
  const gap = (frames: number) => ({ OTIO_SCHEMA: 'Gap.1', metadata: {}, name: '', source_range: range(rt(0, fps), rt(frames, fps)), effects: [], markers: [], enabled: true });

  const video: unknown[] = [];
  const audio: unknown[] = [];
  h.clips.forEach((c, i) => {
    const prev = h.clips[i - 1];
    const next = h.clips[i + 1];
    if (c.span.fadeIn > 0) video.push(transitionOf(c));
    video.push(clipOf(c, i, 'video'));
    if (c.media.hasAudio) {
      if (c.span.fadeIn > 0 && prev?.media.hasAudio) audio.push(transitionOf(c));
      audio.push(clipOf(c, i, 'audio'));
    } else audio.push(gap((next ? next.edit : c.span.recOut) - c.edit));
  });
  const track = (name: string, kind: 'Video' | 'Audio', children: unknown[]) => ({
    OTIO_SCHEMA: 'Track.1',
    metadata: {},
    name,
    source_range: null,
    effects: [],
    markers: [],
    enabled: true,
    children,
    kind,
  });
  const markers = h.markers.map((m) => ({
    OTIO_SCHEMA: 'Marker.2',
    metadata: { venice_batch: { marker_id: m.id } },
    name: m.note || 'Marker',
    color: 'RED',
    comment: m.note,
    marked_range: range(rt(m.frame, fps), rt(0, fps)),
  }));
  const timeline = {
    OTIO_SCHEMA: 'Timeline.1',
    metadata: { venice_batch: { media: h.mode } },
    name: h.title,
    global_start_time: rt(h.recordStart, fps),
    tracks: {
      OTIO_SCHEMA: 'Stack.1',
      metadata: {},
      name: 'tracks',
      source_range: null,
      effects: [],
      markers,
      enabled: true,
      children: [track('V1', 'Video', video), track('A1', 'Audio', audio)],
    },
  };
  return `${JSON.stringify(timeline, null, 2)}\n`;
}

export function otioFromPlan(plan: Pick<ExportPlan, 'layout' | 'infos' | 'target' | 'timeline' | 'music'>, opts: HandoffOptions): string {
  return buildOtio(buildHandoffPlan(plan, opts));
}

export async function writeOtio(plan: ExportPlan, out: string, opts: { overwrite?: boolean; title?: string } & Partial<HandoffOptions> = {}): Promise<string> {
  const title = opts.title ?? path.basename(out, path.extname(out));
  return writeTextOutput(out, '.otio', otioFromPlan(plan, { ...opts, title }), opts.overwrite === true);
}
