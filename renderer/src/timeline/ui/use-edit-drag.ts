/**
 * Dragging an edge, a cut or a crossfade, the way OpenCut's later resize hook does it: everything is captured at
 * pointer-down (pointer x, the clip list, its layout), each move computes the edit from that origin (Δt = Δx ÷ px/s,
 * snapped to edits, the playhead and markers within a few pixels, rounded to frames, clamped by the source and the
 * crossfades), shows it as a preview (the track redraws from it and the viewer shows the frame under the edge), and
 * pointer-up commits it once: one edit(), one undo step, one save. Escape puts everything back.
 */
import { useCallback, useRef } from 'react';
import { currentFrame, setPreview, transport } from '../../state/transport';
import { useTimelineStore } from '../../state/timeline';
import { useTimelineView } from '../../state/timeline-view';
import { editPoints, framesToSec, fpsOf, layout, toFrames, type Layout } from '../frames';
import { snapTo } from '../geometry';
import { rippleTrim, rollEdit, setFadeFrames, type FrameEdit } from '../trim';
import type { BinClip, TimelineClip } from '../types';

export type DragKind = 'head' | 'tail' | 'roll' | 'fade';

interface Origin {
  kind: DragKind;
  index: number;
  x: number;
  clips: TimelineClip[];
  lay: Layout;
  /** The timeline time of the thing grabbed, and where the snapping may pull it. */
  at: number;
  targets: number[];
  pointerId: number;
  element: Element;
}

/** The timeline seconds of what is grabbed: the clip's start or end, the cut, the start of the crossfade. */
function grabbedAt(kind: DragKind, index: number, lay: Layout): number {
  const s = lay.spans[index]!;
  const f = kind === 'tail' ? s.recOut : s.recIn;
  return framesToSec(f, lay.rate);
}

/** Snap targets: edits that stay put during this drag (before the dragged one), the playhead and the markers. */
function targetsFor(kind: DragKind, index: number, lay: Layout, markers: readonly number[]): number[] {
  const keep = lay.spans.filter((s) => (kind === 'roll' ? s.index !== index : s.index < index)).flatMap((s) => [s.recIn, s.recOut]);
  const edits = editPoints(lay).filter((f) => keep.includes(f));
  return [...edits.map((f) => framesToSec(f, lay.rate)), framesToSec(currentFrame(), lay.rate), ...markers];
}

function apply(o: Origin, deltaFrames: number, bin: readonly BinClip[]): FrameEdit {
  const r = o.lay.rate;
  switch (o.kind) {
    case 'head':
    case 'tail':
      return rippleTrim(o.clips, bin, r, o.index, o.kind, deltaFrames, o.lay);
    case 'roll':
      return rollEdit(o.clips, bin, r, o.index, deltaFrames, o.lay);
    case 'fade':
      // Pulling the start of the crossfade to the left lengthens it (the incoming clip slides over the outgoing one).
      return setFadeFrames(o.clips, bin, r, o.index, o.lay.spans[o.index]!.fadeIn - deltaFrames, o.lay);
  }
}

/** The frame the viewer shows while dragging: the new first frame (head, roll) or last frame (tail) of the clip. */
function previewFor(kind: DragKind, index: number, clips: TimelineClip[], bin: readonly BinClip[]): void {
  if (kind === 'fade') return setPreview(null);
  const lay = layout(clips, bin);
  const s = lay.spans[index];
  if (!s) return;
  setPreview(kind === 'tail' ? { rowId: s.rowId, srcFrame: s.confIn + (s.recOut - s.recIn) - 1 } : { rowId: s.rowId, srcFrame: s.confIn });
}

export function useEditDrag(pps: number): { start: (e: React.PointerEvent, kind: DragKind, index: number) => void; active: () => DragKind | undefined } {
  const origin = useRef<Origin | undefined>(undefined);
  const result = useRef<FrameEdit | undefined>(undefined);
  const ppsRef = useRef(pps);
  ppsRef.current = pps;

  const finish = (commit: boolean) => {
    const o = origin.current;
    if (!o) return;
    origin.current = undefined;
    window.removeEventListener('keydown', onKey, true);
    o.element.removeEventListener('pointermove', onMove as EventListener);
    o.element.removeEventListener('pointerup', onUp as EventListener);
    o.element.removeEventListener('pointercancel', onCancel);
    useTimelineView.getState().setDraft(null);
    setPreview(null);
    const r = result.current;
    result.current = undefined;
    if (commit && r && r.applied !== 0) useTimelineStore.getState().edit(() => r.clips);
  };

  function onMove(e: PointerEvent): void {
    const o = origin.current;
    if (!o || e.pointerId !== o.pointerId) return;
    const bin = useTimelineStore.getState().view?.bin ?? [];
    const { snap } = useTimelineView.getState();
    const want = o.at + (e.clientX - o.x) / ppsRef.current;
    // Shift suspends snapping for a fine adjustment, as in most editing suites.
    const snapped = snapTo(want, o.targets, ppsRef.current, snap && !e.shiftKey).sec;
    const delta = toFrames(snapped - o.at, o.lay.rate);
    const r = apply(o, delta, bin);
    result.current = r;
    useTimelineView.getState().setDraft(r.clips);
    previewFor(o.kind, o.index, r.clips, bin);
  }
  function onUp(e: PointerEvent): void {
    if (origin.current && e.pointerId === origin.current.pointerId) finish(true);
  }
  function onCancel(): void {
    finish(false);
  }
  function onKey(e: KeyboardEvent): void {
    if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      finish(false);
    }
  }

  const start = (e: React.PointerEvent, kind: DragKind, index: number) => {
    if (e.button !== 0) return;
    e.preventDefault();
    e.stopPropagation();
    const { clips, view, markers } = useTimelineStore.getState();
    const bin = view?.bin ?? [];
    const lay = layout(clips, bin);
    if (!lay.spans[index]) return;
    if (transport.getState().rate !== 0) transport.setState({ rate: 0 });
    const element = e.currentTarget;
    element.setPointerCapture(e.pointerId);
    origin.current = {
      kind,
      index,
      x: e.clientX,
      clips,
      lay,
      at: grabbedAt(kind, index, lay),
      targets: targetsFor(kind, index, lay, markers.map((m) => m.at)),
      pointerId: e.pointerId,
      element,
    };
    result.current = undefined;
    element.addEventListener('pointermove', onMove as EventListener);
    element.addEventListener('pointerup', onUp as EventListener);
    element.addEventListener('pointercancel', onCancel);
    window.addEventListener('keydown', onKey, true);
    useTimelineView.getState().setDraft(clips);
    previewFor(kind, index, clips, bin);
  };

  // One function for the life of the track: clips are memoized on it, and a new one every zoom step would re-render
  // every clip in view. It calls this render's start (whose handlers only read refs).
  const latest = useRef(start);
  latest.current = start;
  const stable = useCallback((e: React.PointerEvent, kind: DragKind, index: number) => latest.current(e, kind, index), []);
  return { start: stable, active: () => origin.current?.kind };
}

/** How long a crossfade lasts, for its label ("12 fr · 0.40 s"). */
export function fadeLabel(frames: number, lay: Layout): string {
  return `${frames} fr · ${(frames / fpsOf(lay.rate)).toFixed(2)} s`;
}
