/**
 * Where every clip lands on the export, from the clips' REAL probed lengths and rates. Two frame grids meet here:
 * the record side counts frames of the timeline's rate, the source side counts each clip's OWN frames (a 12 fps
 * clip's frame 7 is frame 7, whatever the timeline's rate), because that is how an editing suite addresses the
 * media it relinks to. Trims clamp to the source, each crossfade overlaps the tail of the outgoing clip with the
 * head of the incoming one, so the sequence lasts the sum of the trimmed clips minus the overlaps.
 *
 * Where the two rates are commensurate with a small step (12 in 24: 1 clip frame = 2 timeline frames; 16 in 24:
 * 2 = 3; 25 in 30: 5 = 6), every edit is snapped to where both grids meet, so a clip's source range lasts exactly as
 * long as its record range and every suite cuts the same frames. Where they are not (29.97 in 30, 23.976 in 24),
 * no such step exists: the span is marked inexact and the hand-off offers media conformed to the timeline's rate.
 * The render always takes timeline frame `confIn + k` of the clip resampled to the timeline's rate from its start,
 * which is exactly what conformed hand-off media holds, so every suite can see the cut the export renders.
 * The conform graph, the verifier, the hand-off files and the contact sheet all read this one layout.
 */
import { framesToSec, toFrames, type FrameRate } from './frame-rate';
import type { Timeline } from './timeline';

export interface ClipSpan {
  index: number;
  id: string;
  file: string;
  label: string;
  /** The clip's own frame rate (the timeline's when the clip's is unknown). */
  rate: FrameRate;
  /** Frames of the clip's video, at its own rate. */
  srcFrames: number;
  /** Source in/out, frames of the clip's OWN rate from its first frame. */
  srcIn: number;
  srcOut: number;
  /** First frame used of the clip resampled to the timeline's rate (what the render and conformed media hold). */
  confIn: number;
  /** Frames on the record side (timeline rate): where the clip starts and ends in the export, the overlap included. */
  recIn: number;
  recOut: number;
  /** Crossfade frames leading into this clip (0 = cut), timeline rate. */
  fadeIn: number;
  /** Source and record durations agree exactly at every edit of this clip. */
  exact: boolean;
  /** Timeline frames (rec) per clip frames (src) where both grids meet: 2:1 for 12 in 24, 1:1 at the same rate. */
  step: { rec: number; src: number };
}

export interface TimelineLayout {
  fps: FrameRate;
  spans: ClipSpan[];
  totalFrames: number;
  overlapFrames: number;
}

/** What the layout needs to know of a source: its length, and when known its own rate and frame count. */
export interface SourceTiming {
  durationSec: number;
  rate?: FrameRate;
  frames?: number;
}

export class TimelineError extends Error {
  override readonly name = 'TimelineError';
}

/** Record frames a clip covers. */
export const spanFrames = (s: ClipSpan) => s.recOut - s.recIn;

/** A grid step longer than this many clip frames would move an editor's trims too far: the span stays inexact. */
const MAX_STEP_FRAMES = 5;

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}
const lcm = (a: number, b: number) => (a / gcd(a, b)) * b;

/** tl/rate as p/q in lowest terms: q clip frames last exactly p timeline frames. */
export function gridStep(tl: FrameRate, rate: FrameRate): { rec: number; src: number } {
  const a = tl.num * rate.den;
  const b = tl.den * rate.num;
  const g = gcd(a, b);
  return { rec: a / g, src: b / g };
}

const validRate = (r: FrameRate | undefined): r is FrameRate => !!r && r.num > 0 && r.den > 0 && r.num / r.den <= 240;

/** `sources[i]` describes `timeline.clips[i].file`; a bare number is a duration at the timeline's rate. */
export function layoutTimeline(timeline: Timeline, sources: readonly (number | SourceTiming)[], fps: FrameRate, labels?: readonly string[]): TimelineLayout {
  const spans: ClipSpan[] = [];
  let cursor = 0;
  let overlap = 0;
  timeline.clips.forEach((clip, i) => {
    const name = labels?.[i] ?? clip.label ?? clip.file;
    const src = sources[i];
    const timing: SourceTiming = typeof src === 'number' ? { durationSec: src } : (src ?? { durationSec: 0 });
    const rate = validRate(timing.rate) ? timing.rate : fps;
    const srcFrames = timing.frames !== undefined && timing.frames > 0 ? timing.frames : toFrames(timing.durationSec, rate);
    const step = gridStep(fps, rate);
    const exact = step.src <= MAX_STEP_FRAMES && step.rec <= MAX_STEP_FRAMES * 4;
    const q = exact ? step.src : 1;
    // A trim past the end of the source is clamped rather than refused: the UI trims against the probed
    // duration, which can differ from the file's by a frame.
    const wantedOut = Math.min(srcFrames, clip.outSec === undefined ? srcFrames : toFrames(clip.outSec, rate));
    const srcIn = Math.round(toFrames(clip.inSec, rate) / q) * q;
    let srcOut: number;
    let confIn: number;
    let length: number;
    if (exact) {
      srcOut = srcIn + Math.floor((wantedOut - srcIn) / q) * q;
      confIn = (srcIn / step.src) * step.rec;
      length = ((srcOut - srcIn) / step.src) * step.rec;
    } else {
      srcOut = wantedOut;
      confIn = Math.round((srcIn * step.rec) / step.src);
      // The clip resampled to the timeline's rate holds this many frames; the render cannot take more.
      const confFrames = Math.floor((srcFrames * step.rec) / step.src);
      length = Math.min(Math.round(((srcOut - srcIn) * step.rec) / step.src), confFrames - confIn);
    }
    if (srcOut - srcIn < 1 || length < 1) {
      throw new TimelineError(`Clip ${i + 1} (${name}) has nothing left between its in and out points.`);
    }
    const prev = spans[i - 1];
    let wanted = i > 0 && clip.transitionIn.kind === 'crossfade' ? Math.max(1, toFrames(clip.transitionIn.durationSec, fps)) : 0;
    if (wanted > 0 && prev?.exact && exact) {
      // A dissolve both clips can cut on their own frames: a whole number of both grid steps.
      const l = lcm(prev.step.rec, step.rec);
      wanted = Math.max(l, Math.round(wanted / l) * l);
    }
    const recIn = cursor - wanted;
    spans.push({ index: i, id: clip.id, file: clip.file, label: name, rate, srcFrames, srcIn, srcOut, confIn, recIn, recOut: recIn + length, fadeIn: wanted, exact, step: exact ? step : { rec: 1, src: 1 } });
    cursor = recIn + length;
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

/**
 * The clip's own source frame shown at record frame `rec` (which may be fractional for an inexact span; rounded to
 * the nearest frame then). For an exact span at a grid point it is a whole number by construction.
 */
export function sourceFrameAt(s: ClipSpan, rec: number, fps: FrameRate): number {
  const g = gridStep(fps, s.rate);
  const v = s.srcIn + ((rec - s.recIn) * g.src) / g.rec;
  return Math.abs(v - Math.round(v)) < 1e-9 ? Math.round(v) : s.exact ? v : Math.round(v);
}

/** The source time (seconds) at the middle of a clip's trimmed span: where its contact-sheet thumbnail comes from. */
export function spanMidSec(s: ClipSpan, fps: FrameRate): number {
  return framesToSec(s.confIn + spanFrames(s) / 2, fps);
}

/** The source seconds a span shows: from its first rendered frame, for as long as it lasts on the record side. */
export function spanSourceSec(s: ClipSpan, fps: FrameRate): { start: number; duration: number } {
  return { start: framesToSec(s.confIn, fps), duration: framesToSec(spanFrames(s), fps) };
}
