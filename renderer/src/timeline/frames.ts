/**
 * The sequence in whole frames, laid out by the export's own code (main/core/media/timeline-layout.ts, pure and
 * allowed here by the lint rule for exactly this reason): the timeline's rate is the fastest clip's (capped at 60,
 * 30 when unknown, as presets.ts chooses it), and every clip's record position, crossfade and first rendered frame
 * come from the same function the render, the verifier and the hand-off read. So the viewer, the ruler and the track
 * show what the export renders, frame for frame. Trims are edited here in frames of the timeline's rate; the
 * layout then puts them on the frames the export will really cut.
 */
import { layoutTimeline } from '../../../main/core/media/timeline-layout';
import type { BinClip, TimelineClip } from './types';

export interface Rate {
  num: number;
  den: number;
}

export const DEFAULT_RATE: Rate = { num: 30, den: 1 };
const MAX_FPS = 60;

export const fpsOf = (r: Rate) => r.num / r.den;
export const toFrames = (sec: number, r: Rate) => Math.round((sec * r.num) / r.den);
export const framesToSec = (frames: number, r: Rate) => (frames * r.den) / r.num;
/** The frame a time falls in (not the nearest): what a paused viewer shows at that time. */
export const frameAt = (sec: number, r: Rate) => Math.floor((sec * r.num) / r.den + 1e-6);

/** "24", "29.97", "30000/1001": the bin's text to an exact rate (12 -> 12/1, 29.97 -> 30000/1001, as the export does). */
export function rateFromText(text: string | null | undefined): Rate | undefined {
  if (!text) return undefined;
  const frac = /^\s*(\d+(?:\.\d+)?)\s*\/\s*(\d+(?:\.\d+)?)\s*$/.exec(text);
  const fps = frac ? Number(frac[1]) / Number(frac[2]) : Number(text);
  if (!Number.isFinite(fps) || fps <= 0) return undefined;
  const whole = Math.round(fps);
  if (Math.abs(fps - whole) < 0.001) return { num: whole, den: 1 };
  const ntsc = Math.round((fps * 1001) / 1000) * 1000;
  if (Math.abs(ntsc / 1001 - fps) < 0.001) return { num: ntsc, den: 1001 };
  return { num: Math.round(fps * 1000), den: 1000 };
}

/** The export's rate for these clips: the fastest of them up to 60 fps (slower clips repeat frames, none are dropped). */
export function timelineRate(clips: readonly TimelineClip[], bin: readonly BinClip[]): Rate {
  let best: Rate | undefined;
  for (const c of clips) {
    const r = rateFromText(bin.find((b) => b.rowId === c.rowId)?.fps);
    if (r && fpsOf(r) <= MAX_FPS && (!best || fpsOf(r) > fpsOf(best))) best = r;
  }
  return best ?? DEFAULT_RATE;
}

/** One clip on the record side. Record frames and crossfades are the export's; src* are the editor's trims. */
export interface Span {
  index: number;
  rowId: number;
  /** The trims as the editor set them, in frames of the timeline's rate (what drags and I/O change). */
  srcIn: number;
  srcOut: number;
  /** Where it starts and ends in the sequence (timeline frames), crossfades included. */
  recIn: number;
  recOut: number;
  /** Crossfade frames into this clip and out of it (0 = cut). */
  fadeIn: number;
  fadeOut: number;
  /** The first frame the render takes, counted in frames of the clip resampled to the timeline's rate. */
  confIn: number;
  /** The clip's whole source length in timeline frames (null when the bin does not know it). */
  sourceFrames: number | null;
}

export interface Layout {
  rate: Rate;
  spans: Span[];
  totalFrames: number;
  /** Why the export would refuse this timeline (it is then laid out plainly, for display only). */
  problem?: string;
}

export function layout(clips: readonly TimelineClip[], bin: readonly BinClip[], rate: Rate = timelineRate(clips, bin)): Layout {
  const binOf = clips.map((c) => bin.find((b) => b.rowId === c.rowId));
  const editor = clips.map((c, i) => {
    const duration = binOf[i]?.durationSec ?? null;
    const sourceFrames = duration === null ? null : toFrames(duration, rate);
    const srcIn = toFrames(c.inSec, rate);
    const out = c.outSec === null ? (sourceFrames ?? srcIn + 1) : toFrames(c.outSec, rate);
    return { sourceFrames, srcIn, srcOut: Math.max(srcIn + 1, sourceFrames === null ? out : Math.min(sourceFrames, out)) };
  });
  try {
    const exported = layoutTimeline(
      {
        version: 1,
        clips: clips.map((c, i) => ({
          id: String(c.rowId),
          file: binOf[i]?.fileName ?? String(c.rowId),
          label: binOf[i]?.label,
          inSec: c.inSec,
          outSec: c.outSec ?? undefined,
          transitionIn: c.transitionIn,
        })),
        markers: [],
      },
      clips.map((_, i) => ({ durationSec: binOf[i]?.durationSec ?? 0, rate: rateFromText(binOf[i]?.fps) })),
      rate,
    );
    const spans = exported.spans.map((s, i): Span => ({
      index: i,
      rowId: clips[i]!.rowId,
      ...editor[i]!,
      recIn: s.recIn,
      recOut: s.recOut,
      fadeIn: s.fadeIn,
      fadeOut: exported.spans[i + 1]?.fadeIn ?? 0,
      confIn: s.confIn,
    }));
    return { rate, spans, totalFrames: exported.totalFrames };
  } catch (e) {
    return { ...plainLayout(clips, editor, rate), problem: (e as Error).message };
  }
}

/** The same arithmetic without the export's checks, so a timeline it would refuse still draws while it is fixed. */
function plainLayout(clips: readonly TimelineClip[], editor: { sourceFrames: number | null; srcIn: number; srcOut: number }[], rate: Rate): Layout {
  const spans: Span[] = [];
  let cursor = 0;
  clips.forEach((c, i) => {
    const e = editor[i]!;
    const fadeIn = i > 0 && c.transitionIn.kind === 'crossfade' ? Math.max(1, toFrames(c.transitionIn.durationSec, rate)) : 0;
    const recIn = cursor - fadeIn;
    const recOut = recIn + (e.srcOut - e.srcIn);
    spans.push({ index: i, rowId: c.rowId, ...e, recIn, recOut, fadeIn, fadeOut: 0, confIn: e.srcIn });
    if (i > 0) spans[i - 1]!.fadeOut = fadeIn;
    cursor = recOut;
  });
  return { rate, spans, totalFrames: Math.max(0, cursor) };
}

/** A clip showing at a frame, where in its source, and how much of it shows (1 outside crossfades). */
export interface Layer {
  span: Span;
  /** The frame on screen, counted in frames of the clip at the timeline's rate (seconds = srcFrame / fps). */
  srcFrame: number;
  /** 0..1: the incoming clip's weight inside a crossfade, as ffmpeg's xfade "fade" mixes it; 1 otherwise. */
  mix: number;
}

/**
 * The clips showing at record frame `f`: one, or two inside a crossfade (outgoing first). The incoming clip's weight
 * is k/n at the k-th frame of an n-frame fade, which is what xfade's progress (1 - k/n for the outgoing clip) gives.
 */
export function layersAt(lay: Layout, f: number): Layer[] {
  const spans = lay.spans;
  if (!spans.length) return [];
  const frame = Math.max(0, Math.min(f, lay.totalFrames - 1));
  // Binary search for the last span starting at or before the frame (recIn is non-decreasing).
  let lo = 0;
  let hi = spans.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (spans[mid]!.recIn <= frame) lo = mid;
    else hi = mid - 1;
  }
  const cur = spans[lo]!;
  const at = (s: Span, mix: number): Layer => ({ span: s, srcFrame: s.confIn + Math.min(frame - s.recIn, s.recOut - s.recIn - 1), mix });
  const prev = spans[lo - 1];
  if (prev && cur.fadeIn > 0 && frame < prev.recOut) {
    const mix = (frame - cur.recIn) / cur.fadeIn;
    return [at(prev, 1 - mix), at(cur, mix)];
  }
  return [at(cur, 1)];
}

/** Record frames where one clip gives way to the next (the start of each clip after the first), plus 0 and the end. */
export function editPoints(lay: Layout): number[] {
  const points = new Set<number>([0, lay.totalFrames]);
  lay.spans.forEach((s, i) => {
    if (i > 0) points.add(s.recIn);
  });
  return [...points].sort((a, b) => a - b);
}

/** The span under a record frame for editing: inside a crossfade, the incoming clip. */
export function spanAt(lay: Layout, f: number): Span | undefined {
  const layers = layersAt(lay, f);
  return layers.at(-1)?.span;
}

/** Timecode as editors read it: HH:MM:SS:FF at the rounded rate (non-drop), the EDL's own base. */
export function timecode(frames: number, rate: Rate): string {
  const base = Math.max(1, Math.round(fpsOf(rate)));
  const f = Math.max(0, Math.round(frames));
  const ff = f % base;
  const totalSec = Math.floor(f / base);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(Math.floor(totalSec / 3600))}:${pad(Math.floor(totalSec / 60) % 60)}:${pad(totalSec % 60)}:${pad(ff)}`;
}
