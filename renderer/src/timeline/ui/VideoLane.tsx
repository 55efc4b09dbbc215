/**
 * The video track: every clip drawn to scale where the layout puts it (crossfades overlap), only the ones in view
 * in the DOM. A clip's body selects it and drags it to a new place (dnd-kit, which also moves it from the keyboard
 * by its grip and announces it by name); its edges ripple-trim; each cut has a notch on top to roll it and one
 * below to pull a crossfade out of it, and a crossfade shows as the overlap it is, its length written on it.
 */
import { DndContext, KeyboardSensor, PointerSensor, closestCenter, useSensor, useSensors, type Announcements, type DragEndEvent } from '@dnd-kit/core';
import { SortableContext, horizontalListSortingStrategy, sortableKeyboardCoordinates, useSortable } from '@dnd-kit/sortable';
import { CSS } from '@dnd-kit/utilities';
import { memo, useEffect, useMemo, useRef } from 'react';
import { useTimelineStore } from '../../state/timeline';
import { reorder } from '../edit';
import { framesToSec, type Layout, type Span } from '../frames';
import { timeToX } from '../geometry';
import type { BinClip, TimelineClip } from '../types';
import { Filmstrip } from './Filmstrip';
import { fadeLabel, type DragKind } from './use-edit-drag';

export const VIDEO_LANE_HEIGHT = 64;
const THUMB_HEIGHT = 44;

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
  lay: Layout;
  pps: number;
  label: string;
  count: number;
  selected: boolean;
  bin: BinClip | undefined;
  onEdge: (e: React.PointerEvent, kind: DragKind, index: number) => void;
}

const ClipItem = memo(function ClipItem({ id, span, lay, pps, label, count, selected, bin, onEdge }: ClipProps) {
  const { attributes, listeners, setNodeRef, setActivatorNodeRef, transform, transition, isDragging } = useSortable({ id });
  const select = useTimelineStore((s) => s.select);
  const left = timeToX(framesToSec(span.recIn, lay.rate), pps);
  const width = Math.max(2, ((span.recOut - span.recIn) / (lay.rate.num / lay.rate.den)) * pps);
  const lengthSec = framesToSec(span.recOut - span.recIn, lay.rate);
  const aspect = bin?.width && bin.height ? bin.width / bin.height : 16 / 9;
  const name = `${span.index + 1}. ${label}`;
  return (
    <div
      ref={setNodeRef}
      className={`tl-clip${selected ? ' selected' : ''}${isDragging ? ' dragging' : ''}${width < 30 ? ' narrow' : ''}`}
      style={{ left, width, transform: CSS.Translate.toString(transform), transition }}
      data-testid="timeline-clip"
      data-index={span.index}
      data-row-id={span.rowId}
      title={`${name} · ${seconds(lengthSec)} s`}
    >
      <div className="tl-clip-body" onPointerDown={listeners?.onPointerDown as React.PointerEventHandler | undefined} onClick={() => select(selected ? undefined : span.index)}>
        <Filmstrip rowId={span.rowId} widthPx={width} height={THUMB_HEIGHT} aspect={aspect} startSec={framesToSec(span.confIn, lay.rate)} pps={pps} sourceSec={bin?.durationSec ?? 0} />
        {width >= 30 && (
          <span className="tl-clip-label">
            <span className="tl-clip-name">{name}</span>
            <span className="tl-clip-len">{seconds(lengthSec)} s</span>
          </span>
        )}
      </div>
      {width >= 30 && (
        <button
          ref={setActivatorNodeRef}
          className="tl-grip"
          {...attributes}
          onKeyDown={listeners?.onKeyDown as React.KeyboardEventHandler | undefined}
          aria-pressed={selected}
          aria-label={`${label}, clip ${span.index + 1} of ${count}, ${seconds(lengthSec)} seconds`}
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
function Edit({ span, prev, lay, pps, label, onEdge }: { span: Span; prev: Span; lay: Layout; pps: number; label: string; onEdge: ClipProps['onEdge'] }) {
  const x = (f: number) => timeToX(framesToSec(f, lay.rate), pps);
  const fadeStart = x(span.recIn);
  const fadeEnd = x(prev.recOut);
  const cut = span.fadeIn === 0;
  return (
    <>
      {!cut && (
        <div className="tl-xfade" data-testid="timeline-crossfade" data-index={span.index} style={{ left: fadeStart, width: Math.max(1, fadeEnd - fadeStart) }} title={`Crossfade into ${label}: ${fadeLabel(span.fadeIn, lay)}`}>
          {fadeEnd - fadeStart > 56 && <span>{fadeLabel(span.fadeIn, lay)}</span>}
        </div>
      )}
      <div
        className="tl-roll"
        data-testid="roll-handle"
        data-index={span.index}
        style={{ left: cut ? fadeStart : (fadeStart + fadeEnd) / 2 }}
        title={`Drag: roll the edit into ${label} (both sides move, the sequence keeps its length)`}
        onPointerDown={(e) => onEdge(e, 'roll', span.index)}
      />
      <div
        className="tl-fade-handle"
        data-testid="fade-handle"
        data-index={span.index}
        style={{ left: fadeStart }}
        title={cut ? `Drag left: crossfade into ${label}` : `Drag: crossfade length into ${label} (left: longer)`}
        onPointerDown={(e) => onEdge(e, 'fade', span.index)}
      />
    </>
  );
}

/** Clips narrower than this are drawn on the lane's canvas only: too small to grab, and 500 of them in the DOM would
 * make every zoom step relayout thousands of elements. */
export const MIN_DOM_CLIP_PX = 24;

/** The lane at a glance: every clip in view as a block (selected one lit, crossfades darker), on one canvas. */
function drawOverview(canvas: HTMLCanvasElement, lay: Layout, pps: number, scrollLeft: number, width: number, selected: number | undefined): void {
  const h = VIDEO_LANE_HEIGHT;
  const dpr = window.devicePixelRatio || 1;
  if (canvas.width !== Math.round(width * dpr) || canvas.height !== Math.round(h * dpr)) {
    canvas.width = Math.round(width * dpr);
    canvas.height = Math.round(h * dpr);
  }
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, width, h);
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

export function VideoLane(props: { lay: Layout; clips: TimelineClip[]; bin: BinClip[]; pps: number; from: number; to: number; scrollLeft: number; width: number; onEdge: ClipProps['onEdge'] }) {
  const { lay, clips, bin, pps, from, to, scrollLeft, width, onEdge } = props;
  const canvas = useRef<HTMLCanvasElement>(null);
  const edit = useTimelineStore((s) => s.edit);
  const select = useTimelineStore((s) => s.select);
  const selected = useTimelineStore((s) => s.selected);
  const ids = useMemo(() => idsOf(clips), [clips]);
  const binById = useMemo(() => new Map(bin.map((b) => [b.rowId, b])), [bin]);
  const labelOf = (rowId: number) => binById.get(rowId)?.label ?? `Clip ${rowId}`;
  const sensors = useSensors(
    // A small distance before a drag starts keeps plain clicks on the clip working.
    useSensor(PointerSensor, { activationConstraint: { distance: 6 } }),
    useSensor(KeyboardSensor, { coordinateGetter: sortableKeyboardCoordinates }),
  );
  const indexOf = (id: string | number) => ids.indexOf(String(id));
  const nameOf = (id: string | number) => {
    const i = indexOf(id);
    return i < 0 ? 'the clip' : labelOf(clips[i]!.rowId);
  };
  // Screen readers hear clip names and places, never internal ids.
  const announcements: Announcements = {
    onDragStart: ({ active }) => `Picked up ${nameOf(active.id)}, clip ${indexOf(active.id) + 1} of ${clips.length}. Arrow keys move it, Space puts it down, Escape cancels.`,
    // Over its own place (as every drag starts) there is nothing new to say: the pick-up message stays.
    onDragOver: ({ active, over }) =>
      over?.id === active.id ? undefined : over ? `${nameOf(active.id)} would go to place ${indexOf(over.id) + 1} of ${clips.length}, where ${nameOf(over.id)} is.` : `${nameOf(active.id)} is not over a place on the timeline.`,
    onDragEnd: ({ active, over }) => (over ? `${nameOf(active.id)} put down at place ${indexOf(over.id) + 1} of ${clips.length}.` : `${nameOf(active.id)} put back where it was.`),
    onDragCancel: ({ active }) => `Moving ${nameOf(active.id)} was cancelled; it is back at place ${indexOf(active.id) + 1}.`,
  };
  const onDragEnd = (e: DragEndEvent) => {
    if (!e.over || e.active.id === e.over.id) return;
    const fromIndex = indexOf(e.active.id);
    const toIndex = indexOf(e.over.id);
    edit((cs) => reorder(cs, fromIndex, toIndex, bin));
    select(toIndex);
  };
  const fps = lay.rate.num / lay.rate.den;
  const wide = (s: Span) => ((s.recOut - s.recIn) / fps) * pps >= MIN_DOM_CLIP_PX;
  const visible = lay.spans.filter((s) => s.recOut / fps >= from && s.recIn / fps <= to && wide(s));
  useEffect(() => {
    if (canvas.current) drawOverview(canvas.current, lay, pps, scrollLeft, width, selected);
  }, [lay, pps, scrollLeft, width, selected]);
  return (
    <DndContext
      sensors={sensors}
      collisionDetection={closestCenter}
      onDragEnd={onDragEnd}
      accessibility={{ announcements, screenReaderInstructions: { draggable: 'To move a clip, press Space on its grip, use the arrow keys, and press Space again to put it down. Escape cancels.' } }}
    >
      <SortableContext items={ids} strategy={horizontalListSortingStrategy}>
        <div className="tl-lane tl-video" style={{ height: VIDEO_LANE_HEIGHT }} role="group" aria-label="Video track">
          <canvas ref={canvas} className="tl-lane-canvas" style={{ left: scrollLeft, width }} aria-hidden="true" />
          {visible.map((s) => (
            <ClipItem key={ids[s.index]} id={ids[s.index]!} span={s} lay={lay} pps={pps} label={labelOf(s.rowId)} count={clips.length} selected={selected === s.index} bin={binById.get(s.rowId)} onEdge={onEdge} />
          ))}
          {visible.map((s) => (s.index > 0 && wide(lay.spans[s.index - 1]!) ? <Edit key={`e${ids[s.index]}`} span={s} prev={lay.spans[s.index - 1]!} lay={lay} pps={pps} label={labelOf(s.rowId)} onEdge={onEdge} /> : null))}
        </div>
      </SortableContext>
    </DndContext>
  );
}
