/**
 * Where every clip lands on the export, in whole frames of the export's rate, from the clips' REAL probed
 * durations: trims clamp to the source, each crossfade overlaps the tail of the outgoing clip with the head of the
 * incoming one, so the sequence lasts the sum of the trimmed clips minus the overlaps. The conform graph, the
 * verifier, the EDL, the FCPXML and the contact sheet all read this one layout, so they cannot disagree.
 */
import { framesToSec, toFrames, type FrameRate } from './frame-rate';
import type { Timeline } from './timeline';

export interface ClipSpan {
  index: number;
  id: string;
  file: string;
  label: string;
  /** Source in/out (frames of the layout's rate from the start of the source). */
  srcIn: number;
  srcOut: number;
  /** Frames on the record side: where the clip starts and ends in the export (the overlap included). */
  recIn: number;
  recOut: number;
  /** Crossfade frames leading into this clip (0 = cut). */
  fadeIn: number;
}

export interface TimelineLayout {
  fps: FrameRate;
  spans: ClipSpan[];
  totalFrames: number;
  overlapFrames: number;
}

export class TimelineError extends Error {
  override readonly name = 'TimelineError';
}

export const spanFrames = (s: ClipSpan) => s.srcOut - s.srcIn;

/** `sourceDurationsSec[i]` is the probed duration of `timeline.clips[i].file`. */
export function layoutTimeline(timeline: Timeline, sourceDurationsSec: readonly number[], fps: FrameRate, labels?: readonly string[]): TimelineLayout {
  const spans: ClipSpan[] = [];
  let cursor = 0;
  let overlap = 0;
  timeline.clips.forEach((clip, i) => {
    const name = labels?.[i] ?? clip.label ?? clip.file;
    const sourceFrames = toFrames(sourceDurationsSec[i] ?? 0, fps);
    const srcIn = toFrames(clip.inSec, fps);
    // A trim past the end of the source is clamped rather than refused: the UI trims against the probed
    // duration, which can differ from the file's by a frame.
    const srcOut = Math.min(sourceFrames, clip.outSec === undefined ? sourceFrames : toFrames(clip.outSec, fps));
    if (srcOut - srcIn < 1) {
      throw new TimelineError(`Clip ${i + 1} (${name}) has nothing left between its in and out points.`);
    }
    const wanted = i > 0 && clip.transitionIn.kind === 'crossfade' ? Math.max(1, toFrames(clip.transitionIn.durationSec, fps)) : 0;
    const recIn = cursor - wanted;
    spans.push({ index: i, id: clip.id, file: clip.file, label: name, srcIn, srcOut, recIn, recOut: recIn + (srcOut - srcIn), fadeIn: wanted });
    cursor = recIn + (srcOut - srcIn);
    overlap += wanted;
  });
  // Each clip must hold both of its crossfades without them overlapping each other (they may touch).
  spans.forEach((s, i) => {
    const fadeOut = spans[i + 1]?.fadeIn ?? 0;
    if (s.fadeIn + fadeOut > spanFrames(s)) {
      const sec = (f: number) => `${framesToSec(f, fps).toFixed(2)} s`;
      throw new TimelineError(
        `Clip ${i + 1} (${s.label}) lasts ${sec(spanFrames(s))}, too short for its crossfades (${sec(s.fadeIn)} in, ${sec(fadeOut)} out): ` +
          'shorten the crossfades or use a cut.',
      );
    }
  });
  return { fps, spans, totalFrames: cursor, overlapFrames: overlap };
}

export function layoutDurationSec(layout: TimelineLayout): number {
  return framesToSec(layout.totalFrames, layout.fps);
}

/** The source time (seconds) at the middle of a clip's trimmed span: where its contact-sheet thumbnail comes from. */
export function spanMidSec(s: ClipSpan, fps: FrameRate): number {
  return framesToSec(s.srcIn + spanFrames(s) / 2, fps);
}
