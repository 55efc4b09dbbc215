/**
 * The timeline's edits as pure functions: each takes the clip list and returns a new one, so the store can keep
 * every step for undo and the tests can check them without a page. The first clip never has a transition in (there
 * is nothing before it to fade from), and a crossfade is never longer than either clip it joins.
 */
import { MAX_CROSSFADE_SEC, MIN_CLIP_SEC, type BinClip, type TimelineClip, type Transition } from './types';

const CUT: Transition = { kind: 'cut' };

/** Rounds to milliseconds so typed and played-head values compare cleanly. */
const ms = (n: number) => Math.round(n * 1000) / 1000;

export function findBin(bin: readonly BinClip[], rowId: number): BinClip | undefined {
  return bin.find((b) => b.rowId === rowId);
}

/** The clip's full length when known (a clip without a probed duration is treated as open-ended). */
function fullLength(bin: readonly BinClip[], rowId: number): number | null {
  return findBin(bin, rowId)?.durationSec ?? null;
}

/** How long the clip plays on the timeline after its trims. */
export function trimmedLength(clip: TimelineClip, bin: readonly BinClip[]): number {
  const end = clip.outSec ?? fullLength(bin, clip.rowId) ?? clip.inSec;
  return Math.max(0, ms(end - clip.inSec));
}

/** The sequence's running time: every trimmed length, less the overlap of each crossfade. */
export function totalDuration(clips: readonly TimelineClip[], bin: readonly BinClip[]): number {
  let total = 0;
  clips.forEach((c, i) => {
    total += trimmedLength(c, bin);
    if (i > 0 && c.transitionIn.kind === 'crossfade') total -= c.transitionIn.durationSec;
  });
  return ms(Math.max(0, total));
}

/**
 * Re-checks what an edit may have broken: the first clip cuts in, and each crossfade fits the clips on both sides,
 * the clip before it keeping room for its own crossfade in (the export refuses a clip whose two crossfades overlap).
 */
export function normalize(clips: readonly TimelineClip[], bin: readonly BinClip[]): TimelineClip[] {
  const out: TimelineClip[] = [];
  clips.forEach((c, i) => {
    if (i === 0) return out.push(c.transitionIn.kind === 'cut' ? c : { ...c, transitionIn: CUT });
    if (c.transitionIn.kind !== 'crossfade') return out.push(c);
    const prev = out[i - 1]!;
    const prevFade = prev.transitionIn.kind === 'crossfade' ? prev.transitionIn.durationSec : 0;
    const limit = Math.min(MAX_CROSSFADE_SEC, trimmedLength(prev, bin) - prevFade, trimmedLength(c, bin)) - MIN_CLIP_SEC / 2;
    if (limit <= 0) return out.push({ ...c, transitionIn: CUT });
    if (c.transitionIn.durationSec <= limit) return out.push(c);
    // Rounded down: a crossfade rounded up past its limit would be refused when saved.
    out.push({ ...c, transitionIn: { kind: 'crossfade', durationSec: Math.floor(limit * 1000) / 1000 } });
  });
  return out;
}

export function reorder(clips: readonly TimelineClip[], from: number, to: number, bin: readonly BinClip[]): TimelineClip[] {
  if (from === to || from < 0 || to < 0 || from >= clips.length || to >= clips.length) return clips.slice();
  const next = clips.slice();
  const [moved] = next.splice(from, 1);
  next.splice(to, 0, moved!);
  return normalize(next, bin);
}

export function removeAt(clips: readonly TimelineClip[], index: number, bin: readonly BinClip[]): TimelineClip[] {
  return normalize(
    clips.filter((_, i) => i !== index),
    bin,
  );
}

/** Puts a bin clip on the timeline, untrimmed, cutting in; at the end unless a place is given. */
export function insertFromBin(clips: readonly TimelineClip[], rowId: number, bin: readonly BinClip[], at = clips.length): TimelineClip[] {
  const clip = findBin(bin, rowId);
  if (!clip || clip.problem) return clips.slice();
  const next = clips.slice();
  next.splice(Math.max(0, Math.min(at, clips.length)), 0, { rowId, inSec: 0, outSec: null, transitionIn: CUT });
  return normalize(next, bin);
}

/**
 * Sets the in and out points, clamped into the clip: in from 0, out up to its length, and at least MIN_CLIP_SEC
 * between them. An out point at the clip's end is stored as null ("to the end"), which keeps a lossless export possible.
 */
export function setTrim(
  clips: readonly TimelineClip[],
  index: number,
  trim: { inSec?: number; outSec?: number | null },
  bin: readonly BinClip[],
): TimelineClip[] {
  const clip = clips[index];
  if (!clip) return clips.slice();
  const length = fullLength(bin, clip.rowId);
  const max = length ?? Number.POSITIVE_INFINITY;
  const wantIn = trim.inSec ?? clip.inSec;
  const wantOut = trim.outSec === undefined ? clip.outSec : trim.outSec;
  let inSec = ms(Math.min(Math.max(0, Number.isFinite(wantIn) ? wantIn : 0), Math.max(0, max - MIN_CLIP_SEC)));
  let outSec: number | null = wantOut === null || !Number.isFinite(wantOut) ? null : ms(Math.min(Math.max(wantOut, MIN_CLIP_SEC), max));
  if (outSec !== null && outSec - inSec < MIN_CLIP_SEC) {
    // Whichever point the user moved wins; the other gives way.
    if (trim.inSec !== undefined) outSec = ms(Math.min(max, inSec + MIN_CLIP_SEC));
    else inSec = ms(Math.max(0, outSec - MIN_CLIP_SEC));
  }
  if (outSec !== null && length !== null && outSec >= length) outSec = null;
  const next = clips.slice();
  next[index] = { ...clip, inSec, outSec };
  return normalize(next, bin);
}

/** Sets the transition into the clip at `index`; a crossfade's length is clamped to what both clips allow. */
export function setTransition(clips: readonly TimelineClip[], index: number, transition: Transition, bin: readonly BinClip[]): TimelineClip[] {
  const clip = clips[index];
  if (!clip || index === 0) return clips.slice();
  const t: Transition =
    transition.kind === 'crossfade' && !(transition.durationSec > 0)
      ? { kind: 'crossfade', durationSec: MIN_CLIP_SEC }
      : transition.kind === 'crossfade'
        ? { kind: 'crossfade', durationSec: ms(transition.durationSec) }
        : CUT;
  const next = clips.slice();
  next[index] = { ...clip, transitionIn: t };
  return normalize(next, bin);
}

/**
 * Uses another take of the same sheet row in this place. The trims stay where they fit in the new take (takes of a
 * row are usually the same length); a point past its end goes back to the end, and an in point that leaves too
 * little goes back to the start.
 */
export function swapTake(clips: readonly TimelineClip[], index: number, rowId: number, bin: readonly BinClip[]): TimelineClip[] {
  const clip = clips[index];
  const take = findBin(bin, rowId);
  if (!clip || !take || take.problem) return clips.slice();
  const length = take.durationSec ?? Number.POSITIVE_INFINITY;
  const outSec = clip.outSec !== null && clip.outSec < length ? clip.outSec : null;
  const end = outSec ?? length;
  const inSec = end - clip.inSec >= MIN_CLIP_SEC ? clip.inSec : 0;
  const next = clips.slice();
  next[index] = { ...clip, rowId, inSec, outSec };
  return normalize(next, bin);
}

/**
 * Why typed in/out points cannot be used, or undefined when they can: in at or after out, out past the end, or a
 * clip left too short for its crossfades. The inspector shows the reason and keeps what was there, rather than
 * quietly moving the other point or shortening a crossfade.
 */
export function trimProblem(clips: readonly TimelineClip[], index: number, trim: { inSec?: number; outSec?: number | null }, bin: readonly BinClip[]): string | undefined {
  const clip = clips[index];
  if (!clip) return 'There is no such clip.';
  const length = fullLength(bin, clip.rowId);
  const inSec = trim.inSec ?? clip.inSec;
  const outSec = trim.outSec === undefined ? clip.outSec : trim.outSec;
  const end = outSec ?? length;
  const secs = (n: number) => `${ms(n)} s`;
  if (!Number.isFinite(inSec) || inSec < 0) return 'The in point must be 0 s or later.';
  if (outSec !== null && (!Number.isFinite(outSec) || outSec <= 0)) return 'The out point must be after 0 s.';
  if (length !== null && inSec >= length) return `The in point (${secs(inSec)}) must come before the end of the clip (${secs(length)}).`;
  if (length !== null && outSec !== null && outSec > length + 0.05) return `The out point (${secs(outSec)}) is past the end of the clip (${secs(length)}).`;
  if (end !== null && end <= inSec) return `The in point (${secs(inSec)}) must come before the out point (${secs(end)}).`;
  if (end !== null && end - inSec < MIN_CLIP_SEC) return `That leaves ${secs(end - inSec)}; a clip needs at least ${MIN_CLIP_SEC} s.`;
  const fadeIn = clip.transitionIn.kind === 'crossfade' && index > 0 ? clip.transitionIn.durationSec : 0;
  const after = clips[index + 1]?.transitionIn;
  const fadeOut = after?.kind === 'crossfade' ? after.durationSec : 0;
  if (end !== null && fadeIn + fadeOut > 0 && end - inSec - MIN_CLIP_SEC / 2 < Math.max(fadeIn + fadeOut, Math.max(fadeIn, fadeOut))) {
    return `That leaves ${secs(end - inSec)}, too short for the clip's crossfades (${secs(fadeIn + fadeOut)}): shorten them first.`;
  }
  return undefined;
}

/** The bin's clips grouped by sheet row (takes of one row together), rows in sheet order, takes in take order. */
export function groupTakes(bin: readonly BinClip[]): { row: number; takes: BinClip[] }[] {
  const groups = new Map<number, BinClip[]>();
  for (const b of bin) groups.set(b.row, [...(groups.get(b.row) ?? []), b]);
  return [...groups.entries()]
    .sort(([a], [b]) => a - b)
    .map(([row, takes]) => ({ row, takes: takes.sort((a, b) => a.take - b.take) }));
}
