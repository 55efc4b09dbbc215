/**
 * The video track: every clip drawn to scale where the layout puts it (crossfades overlap), only the ones in view
 * in the DOM. A clip's body selects it and drags it to a new place (reorder.ts, which also moves it from the
 * keyboard by its grip and announces it by name); its edges ripple-trim; each cut has a notch on top to roll it and one
 * below to pull a crossfade out of it, and a crossfade shows as the overlap it is, its length written on it.
 */
import { memo, useCallback, useEffect, useMemo, useRef } from 'react';
import { useTimelineStore } from '../../state/timeline';
import { framesToSec, type Layout, type Span } from '../frames';
import { GUTTER_PX, timeToX } from '../geometry';
import type { BinClip, TimelineClip } from '../types';
import { Filmstrip } from './Filmstrip';
import { aimAt, cancelMove, pickUp, putDown, useReorder } from './reorder';
import { fadeLabel, type DragKind } from './use-edit-drag';
import { clearedLaneCanvas } from './lane-canvas';

export const VIDEO_LANE_HEIGHT = 64;
const THUMB_HEIGHT = 44;

/** Filmstrip tiles for a clip this wide: a power of two (1..16) of tiles at least one frame wide, none under 48 px. */
function tilesFor(px: number, bin: BinClip | undefined): number {
  const aspect = bin?.width && bin.height ? bin.width / bin.height : 16 / 9;
  const tileW = THUMB_HEIGHT * aspect;
  if (px < 48) return 0;
  return Math.min(16, 2 ** Math.floor(Math.log2(Math.max(1, px / tileW))));
}

/** Stable ids for the sortable list: the same clip may sit on the timeline twice. */
export function idsOf(clips: readonly TimelineClip[]): string[] {
  const seen = new Map<number, number>();
  return clips.map((c) => {
    const n = (seen.get(c.rowId) ?? 0) + 1;
    seen.set(c.rowId, n);
    return `${c.rowId}-${n}`;
  });
}

const seconds = (sec: number) => (sec < 10 ? sec.toFixed(2) : sec.toFixed(1));

interface ClipProps {
  id: string;
  span: Span;
  total: number;
  rate: Layout['rate'];
  label: string;
  count: number;
  selected: boolean;
  bin: BinClip | undefined;
  /** How the clip is drawn at this zoom, in steps (so a zoom re-renders a clip only when it crosses one). */
  labelled: boolean;
  tiles: number;
  onEdge: (e: React.PointerEvent, kind: DragKind, index: number) => void;
  /** Pointer down on the clip's body: a click selects it, a drag moves it. */
  onBody: (e: React.PointerEvent, index: number) => void;
  /** True right after a drag, so the click that ends it does not also toggle the selection. */
  dragged: () => boolean;
}

/** Positions are percentages of the sequence's box, whose width alone follows the zoom: zooming re-renders no clip. */
const pct = (frames: number, total: number) => `${(frames / Math.max(1, total)) * 100}%`;

/** Keys on a clip's grip: Space picks it up and puts it down, the arrows move it, Escape cancels. */
function onGripKey(e: React.KeyboardEvent, index: number): void {
  const { from } = useReorder.getState();
  const moving = from === index;
  if (e.key === ' ') {
    e.preventDefault();
    e.stopPropagation();
    if (moving) putDown();
    else pickUp(index, 'keyboard');
  } else if (moving && (e.key === 'ArrowLeft' || e.key === 'ArrowRight')) {
    e.preventDefault();
    e.stopPropagation();
    aimAt((useReorder.getState().to ?? index) + (e.key === 'ArrowRight' ? 1 : -1));
  } else if (moving && e.key === 'Escape') {
    e.preventDefault();
    e.stopPropagation();
    cancelMove();
  }
}

const ClipItem = memo(function ClipItem({ span, total, rate, label, count, selected, bin, labelled, tiles, onEdge, onBody, dragged }: ClipProps) {
  const select = useTimelineStore((s) => s.select);
  // Only the clip being moved re-renders while it moves.
  const movingBy = useReorder((s) => (s.from === span.index ? s.by : undefined));
  const dx = useReorder((s) => (s.from === span.index ? s.dx : 0));
  const moving = movingBy ? { by: movingBy, dx } : undefined;
  const lengthSec = framesToSec(span.recOut - span.recIn, rate);
  const aspect = bin?.width && bin.height ? bin.width / bin.height : 16 / 9;
  const name = `${span.index + 1}. ${label}`;
  return (
    <div
      className={`tl-clip${selected ? ' selected' : ''}${moving ? ' dragging' : ''}${labelled ? '' : ' narrow'}`}
      style={{ left: pct(span.recIn, total), width: pct(span.recOut - span.recIn, total), transform: moving?.by === 'mouse' ? `translateX(${moving.dx}px)` : undefined }}
      data-testid="timeline-clip"
      data-index={span.index}
      data-row-id={span.rowId}
      title={`${name} · ${seconds(lengthSec)} s`}
    >
      <div className="tl-clip-body" onPointerDown={(e) => onBody(e, span.index)} onClick={() => !dragged() && select(selected ? undefined : span.index)}>
        <Filmstrip rowId={span.rowId} tiles={tiles} height={THUMB_HEIGHT} aspect={aspect} startSec={framesToSec(span.confIn, rate)} lengthSec={lengthSec} sourceSec={bin?.durationSec ?? 0} />
        {labelled && (
          <span className="tl-clip-label">
            <span className="tl-clip-name">{name}</span>
            <span className="tl-clip-len">{seconds(lengthSec)} s</span>
          </span>
        )}
      </div>
      {labelled && (
        <button
          className="tl-grip"
          aria-pressed={Boolean(moving) || selected}
          aria-describedby="tl-move-help"
          aria-label={`${label}, clip ${span.index + 1} of ${count}, ${seconds(lengthSec)} seconds`}
          onKeyDown={(e) => onGripKey(e, span.index)}
          // Space is the grip's own key: its keyup must not also press the button.
          onKeyUp={(e) => e.key === ' ' && e.preventDefault()}
          onBlur={() => useReorder.getState().from === span.index && useReorder.getState().by === 'keyboard' && cancelMove()}
          onClick={() => select(selected ? undefined : span.index)}
        >
          ⠿
        </button>
      )}
      <div className="tl-edge head" data-testid="trim-head" title="Drag: trim the start (the clips after it follow)" onPointerDown={(e) => onEdge(e, 'head', span.index)} />
      <div className="tl-edge tail" data-testid="trim-tail" title="Drag: trim the end (the clips after it follow)" onPointerDown={(e) => onEdge(e, 'tail', span.index)} />
    </div>
  );
});

/** The cut or crossfade into clip `span.index`: its roll notch, its crossfade notch, and the overlap if there is one. */
const Edit = memo(function Edit({ span, prev, total, lay, label, showLength, onEdge }: { span: Span; prev: Span; total: number; lay: Layout; label: string; showLength: boolean; onEdge: ClipProps['onEdge'] }) {
  const cut = span.fadeIn === 0;
  return (
    <>
      {!cut && (
        <div className="tl-xfade" data-testid="timeline-crossfade" data-index={span.index} style={{ left: pct(span.recIn, total), width: pct(prev.recOut - span.recIn, total) }} title={`Crossfade into ${label}: ${fadeLabel(span.fadeIn, lay)}`}>
          {showLength && <span>{fadeLabel(span.fadeIn, lay)}</span>}
        </div>
      )}
      <div
        className="tl-roll"
        data-testid="roll-handle"
        data-index={span.index}
        style={{ left: pct(cut ? span.recIn : (span.recIn + prev.recOut) / 2, total) }}
        title={`Drag: roll the edit into ${label} (both sides move, the sequence keeps its length)`}
        onPointerDown={(e) => onEdge(e, 'roll', span.index)}
      />
      <div
        className="tl-fade-handle"
        data-testid="fade-handle"
        data-index={span.index}
        style={{ left: pct(span.recIn, total) }}
        title={cut ? `Drag left: crossfade into ${label}` : `Drag: crossfade length into ${label} (left: longer)`}
        onPointerDown={(e) => onEdge(e, 'fade', span.index)}
      />
    </>
  );
});

/** Clips narrower than this are drawn on the lane's canvas only: too small to grab, and 500 of them in the DOM would
 * make every zoom step relayout thousands of elements. */
export const MIN_DOM_CLIP_PX = 24;

/** The lane at a glance: every clip in view as a block (selected one lit, crossfades darker), on one canvas. */
function drawOverview(canvas: HTMLCanvasElement, lay: Layout, pps: number, scrollLeft: number, width: number, selected: number | undefined): void {
  const h = VIDEO_LANE_HEIGHT;
  const ctx = clearedLaneCanvas(canvas, width, h);
  if (!ctx) return;
  const fps = lay.rate.num / lay.rate.den;
  const from = (scrollLeft - 20) / pps;
  const to = (scrollLeft + width) / pps;
  for (const s of lay.spans) {
    if (s.recOut / fps < from || s.recIn / fps > to) continue;
    const x = timeToX(s.recIn / fps, pps) - scrollLeft;
    const w = ((s.recOut - s.recIn) / fps) * pps;
    ctx.fillStyle = s.index === selected ? '#e8eef6' : s.index % 2 ? '#2b4a73' : '#335a8a';
    ctx.fillRect(x, 3, Math.max(1, w - (w > 3 ? 1 : 0)), h - 6);
    if (s.fadeIn > 0) {
      ctx.fillStyle = 'rgba(240, 180, 41, 0.7)';
      ctx.fillRect(x, h / 2, Math.max(1, (s.fadeIn / fps) * pps), h / 2 - 3);
    }
  }
}

/** How one clip in the DOM is drawn: kept through a zoom gesture so that its element is not re-rendered per step. */
interface Shown {
  span: Span;
  labelled: boolean;
  tiles: number;
}

export function VideoLane(props: { lay: Layout; clips: TimelineClip[]; bin: BinClip[]; pps: number; from: number; to: number; scrollLeft: number; width: number; zooming?: boolean; onEdge: ClipProps['onEdge'] }) {
  const { lay, clips, bin, pps, from, to, scrollLeft, width, zooming = false, onEdge } = props;
  const canvas = useRef<HTMLCanvasElement>(null);
  const selected = useTimelineStore((s) => s.selected);
  const ids = useMemo(() => idsOf(clips), [clips]);
  const binById = useMemo(() => new Map(bin.map((b) => [b.rowId, b])), [bin]);
  const labelOf = (rowId: number) => binById.get(rowId)?.label ?? `Clip ${rowId}`;
  const said = useReorder((s) => s.said);
  const movingFrom = useReorder((s) => s.from);
  const movingTo = useReorder((s) => s.to);
  const target = movingFrom !== undefined && movingTo !== undefined && movingTo !== movingFrom ? { from: movingFrom, to: movingTo } : undefined;
  const seq = useRef<HTMLDivElement>(null);
  const live = useRef({ lay, pps });
  live.current = { lay, pps };
  const drag = useRef<{ index: number; x: number; started: boolean; ended: number } | undefined>(undefined);

  // A press on a clip's body: under 6 px of movement it is a click; past that the clip follows the pointer and the
  // place it would land is where the pointer is among the other clips' middles.
  const onBody = useCallback((e: React.PointerEvent, index: number) => {
    if (e.button !== 0) return;
    const el = e.currentTarget as HTMLElement;
    const pointerId = e.pointerId;
    drag.current = { index, x: e.clientX, started: false, ended: 0 };
    const move = (ev: PointerEvent) => {
      const d = drag.current;
      if (!d || ev.pointerId !== pointerId) return;
      const dx = ev.clientX - d.x;
      if (!d.started) {
        if (Math.abs(dx) < 6) return;
        d.started = true;
        el.setPointerCapture(pointerId);
        pickUp(d.index, 'mouse');
      }
      const { lay: l, pps: p } = live.current;
      const box = seq.current?.getBoundingClientRect();
      if (!box) return;
      const f = ((ev.clientX - box.left) / p) * (l.rate.num / l.rate.den);
      const before = l.spans.filter((s) => s.index !== d.index && (s.recIn + s.recOut) / 2 < f).length;
      aimAt(before, dx);
    };
    const key = (ev: KeyboardEvent) => {
      if (ev.key !== 'Escape' || !drag.current?.started) return;
      ev.preventDefault();
      cancelMove();
      finish(false);
    };
    const finish = (commit: boolean) => {
      el.removeEventListener('pointermove', move);
      el.removeEventListener('pointerup', up);
      el.removeEventListener('pointercancel', cancel);
      window.removeEventListener('keydown', key, true);
      const d = drag.current;
      if (d?.started) {
        d.ended = performance.now();
        if (commit && useReorder.getState().from !== undefined) putDown();
      }
    };
    const up = (ev: PointerEvent) => ev.pointerId === pointerId && finish(true);
    const cancel = () => {
      cancelMove();
      finish(false);
    };
    el.addEventListener('pointermove', move);
    el.addEventListener('pointerup', up);
    el.addEventListener('pointercancel', cancel);
    window.addEventListener('keydown', key, true);
  }, []);
  const dragged = useCallback(() => performance.now() - (drag.current?.ended ?? 0) < 300, []);

  const fps = lay.rate.num / lay.rate.den;
  const wide = (s: Span) => ((s.recOut - s.recIn) / fps) * pps >= MIN_DOM_CLIP_PX;
  const inView = (s: Span) => s.recOut / fps >= from && s.recIn / fps <= to;
  // During a zoom gesture the lane keeps the clip elements it has (dropping those that leave the view) with their
  // filmstrip and label as they were: positions are percentages of the sequence, so only its width changes per step
  // and no clip re-renders; clips that grow wide enough to get an element meanwhile show on the canvas until the
  // gesture settles (ZOOM_SETTLE_MS later). Mounting dozens of clips with their filmstrips mid-gesture was what made
  // a zoom step miss frames with 500 clips.
  const kept = useRef<{ lay: Layout; shown: Shown[] } | undefined>(undefined);
  let shown: Shown[];
  if (zooming && kept.current?.lay === lay) shown = kept.current.shown.filter((c) => inView(c.span));
  else
    shown = lay.spans
      .filter((s) => inView(s) && wide(s))
      .map((s) => {
        const px = ((s.recOut - s.recIn) / fps) * pps;
        return { span: s, labelled: px >= 30, tiles: tilesFor(px, binById.get(s.rowId)) };
      });
  kept.current = { lay, shown };
  const visible = shown.map((c) => c.span);
  const inDom = new Set(visible.map((s) => s.index));
  useEffect(() => {
    if (canvas.current) drawOverview(canvas.current, lay, pps, scrollLeft, width, selected);
  }, [lay, pps, scrollLeft, width, selected]);
  // Where a moved clip would land: after the clip now at `to` when moving right, before it when moving left.
  const landing = target && lay.spans[target.to] ? (target.to > target.from ? lay.spans[target.to]!.recOut : lay.spans[target.to]!.recIn) : undefined;
  return (
    <div className="tl-lane tl-video" style={{ height: VIDEO_LANE_HEIGHT }} role="group" aria-label="Video track">
      <canvas ref={canvas} className="tl-lane-canvas" style={{ left: scrollLeft, width }} aria-hidden="true" />
      <div className="tl-seq" ref={seq} style={{ left: GUTTER_PX, width: (lay.totalFrames / fps) * pps }}>
        {shown.map(({ span: s, labelled, tiles }) => {
          return (
            <ClipItem
              key={ids[s.index]}
              id={ids[s.index]!}
              span={s}
              total={lay.totalFrames}
              rate={lay.rate}
              label={labelOf(s.rowId)}
              count={clips.length}
              selected={selected === s.index}
              bin={binById.get(s.rowId)}
              labelled={labelled}
              tiles={tiles}
              onEdge={onEdge}
              onBody={onBody}
              dragged={dragged}
            />
          );
        })}
        {visible.map((s) =>
          s.index > 0 && (zooming ? inDom.has(s.index - 1) : wide(lay.spans[s.index - 1]!)) ? (
            <Edit key={`e${ids[s.index]}`} span={s} prev={lay.spans[s.index - 1]!} total={lay.totalFrames} lay={lay} label={labelOf(s.rowId)} showLength={((lay.spans[s.index - 1]!.recOut - s.recIn) / fps) * pps > 56} onEdge={onEdge} />
          ) : null,
        )}
        {landing !== undefined && <div className="tl-landing" style={{ left: pct(landing, lay.totalFrames) }} aria-hidden="true" />}
      </div>
      <span id="tl-move-help" className="sr-only">
        To move a clip, press Space on its grip, use the arrow keys, and press Space again to put it down. Escape cancels.
      </span>
      <div className="sr-only" aria-live="assertive" aria-atomic="true" data-testid="timeline-announcer">
        {said}
      </div>
    </div>
  );
}
