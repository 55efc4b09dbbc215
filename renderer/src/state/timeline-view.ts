/**
 * How the timeline is looked at, as opposed to what it holds (state/timeline.ts): zoom, snapping, the clip list a
 * drag is previewing (committed once, at pointer-up, as one edit and one undo step), the selected marker, and the
 * last thing the timeline refused and why. None of this is saved with the batch or undone.
 */
import { create } from 'zustand';
import { clampPps } from '../timeline/geometry';
import type { TimelineClip } from '../timeline/types';

interface TimelineViewState {
  /** Zoom: pixels per second of the sequence. */
  pps: number;
  /** Set once the user zooms; until then the track keeps the whole sequence in view as it changes. */
  zoomedByUser: boolean;
  snap: boolean;
  /** While a trim, roll or crossfade is dragged: the clip list as it would be if the pointer were released now. */
  draft: TimelineClip[] | null;
  selectedMarker: string | undefined;
  /** Why the last key or drag did nothing (e.g. an in point that leaves the clip too short), for the status line. */
  message: string | undefined;
  setPps: (pps: number, byUser?: boolean) => void;
  setSnap: (snap: boolean) => void;
  setDraft: (draft: TimelineClip[] | null) => void;
  selectMarker: (id: string | undefined) => void;
  say: (message: string | undefined) => void;
}

export const useTimelineView = create<TimelineViewState>((set) => ({
  pps: 40,
  zoomedByUser: false,
  snap: true,
  draft: null,
  selectedMarker: undefined,
  message: undefined,
  setPps: (pps, byUser = true) => set((s) => ({ pps: clampPps(pps), zoomedByUser: byUser || s.zoomedByUser })),
  setSnap: (snap) => set({ snap }),
  setDraft: (draft) => set({ draft }),
  selectMarker: (selectedMarker) => set({ selectedMarker }),
  say: (message) => set({ message }),
}));
