/**
 * The track area: track headers on the left, and a horizontally scrolled strip holding the ruler, the video track,
 * the takes under it, the music bed and the playhead, all placed by time × zoom (geometry.ts). Ctrl+wheel and
 * pinch zoom around the pointer, the keys and buttons around the playhead; the plain wheel scrolls along the
 * sequence. Clicking an empty part of a track moves the playhead there.
 */
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { currentFrame, seek } from '../state/transport';
import { useTimelineStore } from '../state/timeline';
import { useTimelineView } from '../state/timeline-view';
import { registerZoom } from '../timeline/commands';
import { frameAt, fpsOf, framesToSec, type Layout } from '../timeline/frames';
import { fitPps, timeToX, visibleRange, xToTime, zoomAround } from '../timeline/geometry';
import type { BinClip, TimelineClip } from '../timeline/types';
import { MusicLane, MUSIC_LANE_HEIGHT } from '../timeline/ui/MusicLane';
import { Playhead } from '../timeline/ui/Playhead';
import { Ruler, RULER_HEIGHT } from '../timeline/ui/Ruler';
import { TakesLane, TAKES_LANE_HEIGHT } from '../timeline/ui/TakesLane';
import { useEditDrag } from '../timeline/ui/use-edit-drag';
import { VideoLane, VIDEO_LANE_HEIGHT } from '../timeline/ui/VideoLane';
import { MusicControl } from './MusicControl';

/** A zoom gesture is over once no wheel step has come for this long; then the lane re-renders at the new zoom. */
const ZOOM_SETTLE_MS = 150;

export function TimelineTrack({ clips, bin, lay }: { clips: TimelineClip[]; bin: BinClip[]; lay: Layout }) {
  const pps = useTimelineView((s) => s.pps);
  const zoomedByUser = useTimelineView((s) => s.zoomedByUser);
  const setPps = useTimelineView((s) => s.setPps);
  const select = useTimelineStore((s) => s.select);
  const scroller = useRef<HTMLDivElement>(null);
  const [scrollLeft, setScrollLeft] = useState(0);
  // 0 until measured: nothing is fitted to a width the scroller does not have.
  const [width, setWidth] = useState(0);
  /** A scroll position to apply once the strip has been laid out at the new zoom. */
  const pendingScroll = useRef<number | undefined>(undefined);
  const totalSec = framesToSec(lay.totalFrames, lay.rate);
  const view = useRef({ pps, scrollLeft, width, totalSec });
  view.current = { pps, scrollLeft, width, totalSec };

  const { start } = useEditDrag(pps);
  /** True during a Ctrl+wheel or pinch gesture: the video lane keeps the clips it shows instead of re-rendering. */
  const [zooming, setZooming] = useState(false);
  const settle = useRef(0);
  useEffect(() => () => window.clearTimeout(settle.current), []);

  // The scroller's width, for fit, the visible range and the canvases.
  useEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setWidth(el.clientWidth));
    ro.observe(el);
    setWidth(el.clientWidth);
    return () => ro.disconnect();
  }, []);

  const zoomTo = useCallback(
    (factor: number, anchorPx?: number) => {
      if (!scroller.current) return;
      const v = view.current;
      // The scroll and width are the ones this component last set and measured, not read back from the scroller:
      // a read right after a zoom step forces a layout inside the wheel handler, every step (the zoom bench's cost).
      const scrollLeft = Math.max(0, Math.min(v.scrollLeft, Math.max(v.width, timeToX(v.totalSec, v.pps) + 240) - v.width));
      // Keys and buttons keep the playhead still (or the middle, when the playhead is out of view).
      const playheadPx = timeToX(currentFrame() / fpsOf(lay.rate), v.pps) - scrollLeft;
      const anchor = anchorPx ?? (playheadPx >= 0 && playheadPx <= v.width ? playheadPx : v.width / 2);
      const next = zoomAround({ pps: v.pps, scrollLeft }, factor, anchor);
      // The zoom and its scroll land in one render; the layout effect then moves the scroller without reading it
      // back (a read would force a second layout in the same frame).
      pendingScroll.current = next.scrollLeft;
      view.current = { ...v, pps: next.pps, scrollLeft: next.scrollLeft };
      setScrollLeft(next.scrollLeft);
      setPps(next.pps);
    },
    [lay.rate, setPps],
  );
  const fit = useCallback(() => {
    pendingScroll.current = 0;
    setScrollLeft(0);
    setPps(fitPps(view.current.totalSec, view.current.width), true);
  }, [setPps]);

  useEffect(() => {
    registerZoom({ zoom: (f) => zoomTo(f), fit });
    return () => registerZoom(undefined);
  }, [zoomTo, fit]);

  // Until the editor zooms, the whole sequence is in view: fitted when it opens and again whenever it grows past
  // the right edge (clips arriving while the batch runs). A trim that shortens it never moves the zoom under the
  // pointer, and nothing changes during a drag.
  const drafting = useTimelineView((s) => s.draft !== null);
  const batchId = useTimelineStore((s) => s.batchId);
  const fittedFor = useRef<number | undefined>(undefined);
  useEffect(() => {
    if (drafting || totalSec <= 0 || width <= 0) return;
    const opened = fittedFor.current !== batchId;
    const overflows = timeToX(totalSec, view.current.pps) > width;
    if (opened || (!zoomedByUser && overflows)) {
      fittedFor.current = batchId;
      pendingScroll.current = 0;
      setScrollLeft(0);
      setPps(fitPps(totalSec, width), false);
    }
  }, [zoomedByUser, totalSec, width, setPps, drafting, batchId]);

  useLayoutEffect(() => {
    const el = scroller.current;
    if (el && pendingScroll.current !== undefined) {
      el.scrollLeft = pendingScroll.current;
      pendingScroll.current = undefined;
    }
  }, [pps]);

  // Ctrl+wheel and trackpad pinch (which Chromium sends as Ctrl+wheel) zoom around the pointer; the browser must
  // not zoom the page, so this listener is not passive.
  useEffect(() => {
    const el = scroller.current;
    if (!el) return;
    // Steps of one gesture are gathered and applied once per animation frame (a trackpad sends several per frame),
    // and the scroller's left edge is read once per gesture, not per step (each read would force a layout).
    let boxLeft = 0;
    let lastWheel = -Infinity;
    let pending: { factor: number; anchor: number } | undefined;
    let frame = 0;
    const onWheel = (e: WheelEvent) => {
      if (e.ctrlKey || e.metaKey) {
        e.preventDefault();
        if (e.timeStamp - lastWheel > 250) boxLeft = el.getBoundingClientRect().left;
        lastWheel = e.timeStamp;
        const factor = Math.exp(-e.deltaY * (e.deltaMode === 1 ? 0.05 : 0.0025));
        pending = { factor: (pending?.factor ?? 1) * factor, anchor: e.clientX - boxLeft };
        setZooming(true);
        window.clearTimeout(settle.current);
        settle.current = window.setTimeout(() => setZooming(false), ZOOM_SETTLE_MS);
        if (!frame)
          frame = requestAnimationFrame(() => {
            frame = 0;
            const p = pending;
            pending = undefined;
            if (p) zoomTo(p.factor, p.anchor);
          });
      } else if (Math.abs(e.deltaY) > Math.abs(e.deltaX)) {
        e.preventDefault();
        el.scrollLeft += e.deltaY;
      }
    };
    el.addEventListener('wheel', onWheel, { passive: false });
    return () => {
      el.removeEventListener('wheel', onWheel);
      cancelAnimationFrame(frame);
    };
  }, [zoomTo]);

  // Scroll position drives what is drawn; read once per frame at most.
  const scrollFrame = useRef(0);
  const onScroll = () => {
    cancelAnimationFrame(scrollFrame.current);
    scrollFrame.current = requestAnimationFrame(() => scroller.current && setScrollLeft(scroller.current.scrollLeft));
  };

  const { from, to } = visibleRange({ pps, scrollLeft }, width);
  const stripWidth = Math.max(width, timeToX(totalSec, pps) + 240);

  const onBackground = (e: React.PointerEvent<HTMLDivElement>) => {
    const target = e.target as HTMLElement;
    if (e.button !== 0 || !(target === e.currentTarget || target.classList.contains('tl-lane'))) return;
    const box = e.currentTarget.getBoundingClientRect();
    select(undefined);
    useTimelineView.getState().selectMarker(undefined);
    seek(frameAt(Math.max(0, xToTime(e.clientX - box.left, pps)), lay.rate));
  };

  return (
    <div className="tl-body">
      <div className="tl-headers">
        <div className="tl-header ruler-head" style={{ height: RULER_HEIGHT }} />
        <div className="tl-header" style={{ height: VIDEO_LANE_HEIGHT }}>
          <span className="track-name">V1 Video</span>
        </div>
        <div className="tl-header takes-head" style={{ height: TAKES_LANE_HEIGHT }}>
          <span className="muted">takes</span>
        </div>
        <div className="tl-header" style={{ height: MUSIC_LANE_HEIGHT }}>
          <MusicControl />
        </div>
      </div>
      <div className="tl-scroller" ref={scroller} onScroll={onScroll} data-testid="timeline-scroller">
        <div className="tl-strip" style={{ width: stripWidth }} onPointerDown={onBackground}>
          <Ruler pps={pps} scrollLeft={scrollLeft} width={width} lay={lay} />
          <div className="tl-lanes" onPointerDown={onBackground}>
            <VideoLane lay={lay} clips={clips} bin={bin} pps={pps} from={from} to={to} scrollLeft={scrollLeft} width={width} zooming={zooming} onEdge={start} />
            <TakesLane lay={lay} bin={bin} pps={pps} from={from} to={to} />
            <MusicLane totalSec={totalSec} pps={pps} scrollLeft={scrollLeft} width={width} />
          </div>
          <div className="tl-end" style={{ left: timeToX(totalSec, pps) }} aria-hidden="true" />
          <Playhead pps={pps} scroller={scroller} />
        </div>
      </div>
    </div>
  );
}
