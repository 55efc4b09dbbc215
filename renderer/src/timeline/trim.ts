/**
 * Edits made with the mouse and the keys, in whole frames of the timeline's rate: ripple trims of a clip's head or
 * tail (the clips after it follow, since positions come from order and trims), a roll of an edit (the outgoing
 * clip's out and the incoming clip's in move together, the sequence keeps its length), a crossfade's length, and
 * in/out at the playhead. Each returns a new clip list and never an impossible one: a drag is clamped to what the
 * source and the crossfades allow, so the same function serves the live preview and the final commit.
 */
import { normalize } from './edit';
import { layout, toFrames, type Layout, type Rate, type Span } from './frames';
import { MAX_CROSSFADE_SEC, MIN_CLIP_SEC, type BinClip, type TimelineClip } from './types';

/** Frames to stored seconds: exact enough that toFrames() gives the same frame back at any rate up to 1000 fps. */
export const frameSec = (frames: number, rate: Rate) => Math.round(((frames * rate.den) / rate.num) * 1e6) / 1e6;

/** Room a clip needs: the shortest cut, and both of its crossfades with a little of the clip left between them. */
export function minFrames(span: Span, rate: Rate): number {
  const margin = toFrames(MIN_CLIP_SEC / 2, rate) + 1;
  return Math.max(toFrames(MIN_CLIP_SEC, rate), 1, span.fadeIn + span.fadeOut, Math.max(span.fadeIn, span.fadeOut) + margin);
}

/** Writes source frames back into a clip; an out point at the end of the source is stored as "to the end". */
function withFrames(clip: TimelineClip, span: Span, srcIn: number, srcOut: number, rate: Rate): TimelineClip {
  const atEnd = span.sourceFrames !== null && srcOut >= span.sourceFrames;
  return { ...clip, inSec: frameSec(srcIn, rate), outSec: atEnd ? null : frameSec(srcOut, rate) };
}

const clamp = (n: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, n));

export interface FrameEdit {
  clips: TimelineClip[];
  /** The delta actually applied after clamping (frames), for the caller to show where the edge really is. */
  applied: number;
}

/** Ripple trim: moves a clip's head (in point) or tail (out point) by `delta` frames. */
export function rippleTrim(clips: readonly TimelineClip[], bin: readonly BinClip[], rate: Rate, index: number, edge: 'head' | 'tail', delta: number, lay: Layout = layout(clips, bin, rate)): FrameEdit {
  const s = lay.spans[index];
  const clip = clips[index];
  if (!s || !clip) return { clips: clips.slice(), applied: 0 };
  const room = minFrames(s, rate);
  const next = clips.slice();
  if (edge === 'head') {
    const srcIn = clamp(s.srcIn + Math.round(delta), 0, s.srcOut - room);
    next[index] = withFrames(clip, s, srcIn, s.srcOut, rate);
    return { clips: normalize(next, bin), applied: srcIn - s.srcIn };
  }
  const srcOut = clamp(s.srcOut + Math.round(delta), s.srcIn + room, s.sourceFrames ?? Number.POSITIVE_INFINITY);
  next[index] = withFrames(clip, s, s.srcIn, srcOut, rate);
  return { clips: normalize(next, bin), applied: srcOut - s.srcOut };
}

/** Roll the edit into clip `index` (>= 1): the clip before it ends `delta` frames later and this one starts later by as much. */
export function rollEdit(clips: readonly TimelineClip[], bin: readonly BinClip[], rate: Rate, index: number, delta: number, lay: Layout = layout(clips, bin, rate)): FrameEdit {
  const a = lay.spans[index - 1];
  const b = lay.spans[index];
  if (!a || !b || index < 1) return { clips: clips.slice(), applied: 0 };
  const lo = Math.max(-(a.srcOut - a.srcIn - minFrames(a, rate)), -b.srcIn);
  const hi = Math.min((a.sourceFrames ?? Number.POSITIVE_INFINITY) - a.srcOut, b.srcOut - b.srcIn - minFrames(b, rate));
  if (lo > hi) return { clips: clips.slice(), applied: 0 };
  const d = clamp(Math.round(delta), lo, hi);
  const next = clips.slice();
  next[index - 1] = withFrames(clips[index - 1]!, a, a.srcIn, a.srcOut + d, rate);
  next[index] = withFrames(clips[index]!, b, b.srcIn + d, b.srcOut, rate);
  return { clips: normalize(next, bin), applied: d };
}

/** The longest crossfade into clip `index`, in frames: both clips keep room for their other crossfade. */
export function maxFadeFrames(lay: Layout, index: number, rate: Rate): number {
  const a = lay.spans[index - 1];
  const b = lay.spans[index];
  if (!a || !b) return 0;
  const margin = toFrames(MIN_CLIP_SEC / 2, rate) + 1;
  return Math.max(0, Math.min(toFrames(MAX_CROSSFADE_SEC, rate), a.srcOut - a.srcIn - a.fadeIn - margin, b.srcOut - b.srcIn - b.fadeOut - margin));
}

/** Sets the crossfade into clip `index` to `frames` (0 or less makes it a cut), clamped to what both clips allow. */
export function setFadeFrames(clips: readonly TimelineClip[], bin: readonly BinClip[], rate: Rate, index: number, frames: number, lay: Layout = layout(clips, bin, rate)): FrameEdit {
  const clip = clips[index];
  const s = lay.spans[index];
  if (!clip || !s || index < 1) return { clips: clips.slice(), applied: 0 };
  const f = clamp(Math.round(frames), 0, maxFadeFrames(lay, index, rate));
  const next = clips.slice();
  next[index] = { ...clip, transitionIn: f > 0 ? { kind: 'crossfade', durationSec: frameSec(f, rate) } : { kind: 'cut' } };
  return { clips: normalize(next, bin), applied: f - s.fadeIn };
}

export type MarkResult = { clips: TimelineClip[]; problem?: undefined } | { clips?: undefined; problem: string };

/**
 * I and O: the frame under the playhead becomes the clip's first (I) or last (O) frame. Refused, with the reason,
 * when it would leave the clip too short for its crossfades, rather than quietly moving something else.
 */
export function markAt(clips: readonly TimelineClip[], bin: readonly BinClip[], rate: Rate, index: number, srcFrame: number, which: 'in' | 'out', lay: Layout = layout(clips, bin, rate)): MarkResult {
  const s = lay.spans[index];
  const clip = clips[index];
  if (!s || !clip) return { problem: 'There is no clip under the playhead.' };
  const room = minFrames(s, rate);
  const label = bin.find((b) => b.rowId === clip.rowId)?.label ?? `clip ${index + 1}`;
  const srcIn = which === 'in' ? srcFrame : s.srcIn;
  const srcOut = which === 'out' ? srcFrame + 1 : s.srcOut;
  if (srcOut - srcIn < room) {
    const why = s.fadeIn + s.fadeOut > 0 ? 'too short for its crossfades' : 'too short to cut to';
    return { problem: `An ${which} point here would leave "${label}" ${srcOut - srcIn} frame(s) long, ${why}: nothing was changed.` };
  }
  const next = clips.slice();
  next[index] = withFrames(clip, s, srcIn, srcOut, rate);
  return { clips: normalize(next, bin) };
}
