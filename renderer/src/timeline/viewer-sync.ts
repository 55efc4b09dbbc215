/**
 * Makes two <video> elements show the sequence at the playhead: clips with an even index play on the first, odd
 * ones on the second, so at every cut the next clip is already loaded (and paused on its first frame) on the other
 * one, and inside a crossfade both play, the incoming one on top at the mix weight the export's xfade uses (k/n at
 * the k-th of n frames) and their sound crossfaded the same way. The clock is the transport's: the videos follow it,
 * seeking to the middle of the exact frame when paused or shuttling backwards, and only resyncing when playback
 * drifts, so 1× plays smoothly.
 */
import { fpsOf, layersAt, type Layer, type Layout } from './frames';
import { viewUrl } from './media';

/** Playback may drift this far from the clock before the video is put back (a seek costs a visible hitch). */
const DRIFT_SEC = 0.2;
/** Paused, a video farther than this from the wanted frame's middle is sought again. */
const FRAME_SLOP_SEC = 0.001;
const STALE_SEEK_MS = 250;

export interface ViewerState {
  pos: number;
  rate: number;
  preview: { rowId: number; srcFrame: number } | null;
}

/** What one element should show: a clip at a source frame, whether it is on screen, and how it is mixed. */
export interface ElementPlan {
  rowId: number;
  /** Seconds into the clip: the middle of the frame, so rounding never lands on the frame before. */
  time: number;
  visible: boolean;
  opacity: number;
  volume: number;
  top: boolean;
}

export const frameTime = (srcFrame: number, fps: number) => (srcFrame + 0.5) / fps;

/** The plan for both elements at this moment (pure, for the tests). */
export function planViewer(lay: Layout, s: ViewerState): { plans: [ElementPlan | null, ElementPlan | null]; layers: Layer[] } {
  const fps = fpsOf(lay.rate);
  const frame = Math.floor(s.pos + 1e-6);
  const plans: [ElementPlan | null, ElementPlan | null] = [null, null];
  if (s.preview) {
    const span = lay.spans.find((x) => x.rowId === s.preview!.rowId);
    const slot = (span?.index ?? 0) % 2;
    plans[slot] = { rowId: s.preview.rowId, time: frameTime(s.preview.srcFrame, fps), visible: true, opacity: 1, volume: 0, top: true };
    return { plans, layers: [] };
  }
  const layers = layersAt(lay, frame);
  layers.forEach((l, i) => {
    const incoming = i === layers.length - 1;
    plans[l.span.index % 2] = {
      rowId: l.span.rowId,
      time: frameTime(l.srcFrame, fps),
      visible: true,
      opacity: incoming ? l.mix : 1,
      volume: l.mix,
      top: incoming,
    };
  });
  // The other element waits on the next clip's first frame, so the cut to it is instant.
  const last = layers.at(-1);
  const next = last ? lay.spans[last.span.index + 1] : undefined;
  if (next && !plans[next.index % 2]) plans[next.index % 2] = { rowId: next.rowId, time: frameTime(next.confIn, fps), visible: false, opacity: 0, volume: 0, top: false };
  return { plans, layers };
}

/** Applies a plan to an element: source, position, play state, opacity and volume. */
export function applyPlan(el: HTMLVideoElement, plan: ElementPlan | null, rate: number, scrubbing: boolean): void {
  if (!plan) {
    if (!el.paused) el.pause();
    el.style.opacity = '0';
    el.muted = true;
    return;
  }
  const url = viewUrl(plan.rowId);
  if (el.dataset.rowId !== String(plan.rowId)) {
    el.dataset.rowId = String(plan.rowId);
    el.src = url;
  }
  el.dataset.want = String(plan.time);
  el.style.opacity = String(plan.visible ? plan.opacity : 0);
  el.style.zIndex = plan.top ? '2' : '1';
  el.muted = !plan.visible || plan.volume <= 0;
  el.volume = Math.max(0, Math.min(1, plan.volume));
  const forward = rate > 0 && plan.visible && !scrubbing;
  if (forward) {
    if (el.playbackRate !== rate) el.playbackRate = rate;
    if (el.paused) {
      if (Math.abs(el.currentTime - plan.time) > 0.05) el.currentTime = plan.time;
      void el.play().catch(() => undefined);
    } else if (Math.abs(el.currentTime - plan.time) > DRIFT_SEC * Math.max(1, rate)) {
      el.currentTime = plan.time;
    }
    return;
  }
  if (!el.paused) el.pause();
  // One seek at a time: a seek asked for while another runs is taken up by the 'seeked' handler (seekToWanted). A
  // seek that has not finished in a while is replaced, so a lost 'seeked' can never leave the viewer on a stale frame.
  const stale = performance.now() - Number(el.dataset.seekAt ?? 0) > STALE_SEEK_MS;
  if ((!el.seeking || stale) && Math.abs(el.currentTime - plan.time) > FRAME_SLOP_SEC) seekTo(el, plan.time);
}

function seekTo(el: HTMLVideoElement, time: number): void {
  el.dataset.seekAt = String(performance.now());
  el.currentTime = time;
}

/** After a seek, goes on to the frame wanted now if the playhead moved meanwhile (fast scrubbing). */
export function seekToWanted(el: HTMLVideoElement): void {
  const want = Number(el.dataset.want);
  if (el.paused && Number.isFinite(want) && Math.abs(el.currentTime - want) > FRAME_SLOP_SEC) seekTo(el, want);
}
