/**
 * Time <-> pixels on the track, in one place. The zoom is pixels per second; positions are always stored as time
 * (frames), never as pixels, so zooming never touches an edit. Zooming keeps one point on screen still: the pointer
 * (Ctrl+scroll, pinch) or the playhead (keys, buttons), so the editor does not lose their place.
 */

/** Space before time 0, so the first clip's head edge can be grabbed. */
export const GUTTER_PX = 16;
/** Closest zoom: about 3 frames per 100 px at 30 fps is far enough to trim a single frame by hand. */
export const MAX_PPS = 1200;
export const MIN_PPS = 0.02;
/** Each zoom step (key, button, scroll notch) multiplies or divides px/s by this. */
export const ZOOM_STEP = 1.25;
/** How close (in px) the pointer must come to an edit, the playhead or a marker to snap to it. */
export const SNAP_PX = 8;

export const clampPps = (pps: number) => Math.min(MAX_PPS, Math.max(MIN_PPS, pps));
export const timeToX = (sec: number, pps: number) => GUTTER_PX + sec * pps;
export const xToTime = (x: number, pps: number) => (x - GUTTER_PX) / pps;

/** px/s that shows the whole sequence in a viewport (with a little room after the end). */
export function fitPps(durationSec: number, viewportPx: number): number {
  if (!(durationSec > 0) || !(viewportPx > 0)) return 40;
  return clampPps((viewportPx - GUTTER_PX * 2) / (durationSec * 1.02));
}

export interface View {
  pps: number;
  scrollLeft: number;
}

/**
 * Zooms by `factor` keeping the time under `anchorPx` (measured from the scroller's left edge) at the same screen x.
 * The scroll position is not clamped to the right end here: the strip grows or shrinks with the zoom.
 */
export function zoomAround(view: View, factor: number, anchorPx: number): View {
  const pps = clampPps(view.pps * factor);
  const t = xToTime(view.scrollLeft + anchorPx, view.pps);
  return { pps, scrollLeft: Math.max(0, timeToX(t, pps) - anchorPx) };
}

/** Scroll that puts time `sec` at `anchorPx` from the left edge (used to keep the playhead in view). */
export function scrollToShow(sec: number, view: View, viewportPx: number, marginPx = 40): number {
  const x = timeToX(sec, view.pps) - view.scrollLeft;
  if (x >= marginPx && x <= viewportPx - marginPx) return view.scrollLeft;
  return Math.max(0, timeToX(sec, view.pps) - (x < marginPx ? marginPx : viewportPx - marginPx));
}

/** Candidate ruler steps in seconds; the frame steps are added per rate. */
const NICE_STEPS = [0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600];
/** Labels at least this far apart, minor ticks at least this far apart. */
const LABEL_PX = 90;
const TICK_PX = 10;

/** The ruler's label step and tick step at this zoom: whole frames when zoomed in close, nice seconds otherwise. */
export function rulerSteps(pps: number, fps: number): { label: number; tick: number } {
  const frame = 1 / fps;
  // Whole frames when zoomed in close (up to a quarter second), then whole seconds and their nice fractions.
  const frameSteps = [1, 2, 5, 10].map((n) => n * frame).filter((s) => s < 0.25);
  const steps = [...frameSteps, ...NICE_STEPS.filter((s) => s >= 0.5 || frameSteps.length === 0)].sort((a, b) => a - b);
  const first = (px: number) => steps.find((s) => s * pps >= px) ?? steps[steps.length - 1]!;
  const label = first(LABEL_PX);
  let tick = first(TICK_PX);
  // Ticks must divide the label step, or they would drift between labels.
  while (tick < label && Math.abs(label / tick - Math.round(label / tick)) > 1e-6) tick = steps[steps.indexOf(tick) + 1] ?? label;
  return { label, tick };
}

/** The nearest snap target within SNAP_PX of `sec`, else `sec` itself (and whether it snapped). */
export function snapTo(sec: number, targets: readonly number[], pps: number, enabled = true): { sec: number; snapped: boolean } {
  if (!enabled) return { sec, snapped: false };
  const reach = SNAP_PX / pps;
  let best = sec;
  let dist = reach;
  for (const t of targets) {
    const d = Math.abs(t - sec);
    if (d <= dist) {
      dist = d;
      best = t;
    }
  }
  return { sec: best, snapped: best !== sec || targets.includes(sec) };
}

/** The range of time in view (with an overscan each side), for drawing only what shows. */
export function visibleRange(view: View, viewportPx: number, overscanPx = 300): { from: number; to: number } {
  return { from: xToTime(view.scrollLeft - overscanPx, view.pps), to: xToTime(view.scrollLeft + viewportPx + overscanPx, view.pps) };
}
