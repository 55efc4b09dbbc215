/**
 * Where each clip sits in the sequence's running time, for the in-app player: it plays the clips one after another
 * and finds which clip, and which point in it, a sequence time falls on. Crossfades overlap the clips they join.
 */
import { trimmedLength } from './edit';
import type { BinClip, TimelineClip } from './types';

export interface Segment {
  index: number;
  rowId: number;
  /** Where the clip starts in the sequence, and its source in and out points. */
  startSec: number;
  inSec: number;
  outSec: number;
}

export function segments(clips: readonly TimelineClip[], bin: readonly BinClip[]): Segment[] {
  let at = 0;
  return clips.map((c, i) => {
    if (i > 0 && c.transitionIn.kind === 'crossfade') at -= c.transitionIn.durationSec;
    const length = trimmedLength(c, bin);
    const seg = { index: i, rowId: c.rowId, startSec: Math.max(0, at), inSec: c.inSec, outSec: c.inSec + length };
    at += length;
    return seg;
  });
}

/** The segment playing at sequence time `t` (the later clip wins inside a crossfade), and the source time in it. */
export function locate(segs: readonly Segment[], t: number): { segment: Segment; sourceSec: number } | undefined {
  let found: Segment | undefined;
  for (const s of segs) if (t >= s.startSec) found = s;
  if (!found) return undefined;
  return { segment: found, sourceSec: Math.min(found.outSec, found.inSec + (t - found.startSec)) };
}
