/**
 * The sequence as the components draw it: the layout of the clips (or of the drag preview while a trim is being
 * dragged), memoized on the clip list so a zoom or a playhead move never recomputes it. Also tells the transport the
 * sequence's length and rate.
 */
import { useEffect, useMemo } from 'react';
import { setSequence } from '../state/transport';
import { useTimelineStore } from '../state/timeline';
import { useTimelineView } from '../state/timeline-view';
import { fpsOf, layout, type Layout } from './frames';
import type { BinClip, TimelineClip } from './types';

const NO_BIN: BinClip[] = [];

export function useSequence(): { clips: TimelineClip[]; bin: BinClip[]; lay: Layout; drafting: boolean } {
  const saved = useTimelineStore((s) => s.clips);
  const bin = useTimelineStore((s) => s.view?.bin ?? NO_BIN);
  const draft = useTimelineView((s) => s.draft);
  const clips = draft ?? saved;
  const lay = useMemo(() => layout(clips, bin), [clips, bin]);
  return { clips, bin, lay, drafting: draft !== null };
}

/** Keeps the transport's length and rate in step with the saved (not the previewed) sequence. */
export function useTransportSync(lay: Layout, drafting: boolean): void {
  useEffect(() => {
    if (!drafting) setSequence(lay.totalFrames, fpsOf(lay.rate));
  }, [lay, drafting]);
}
