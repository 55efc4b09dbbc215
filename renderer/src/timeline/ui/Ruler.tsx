/**
 * The timecode ruler: ticks and labels drawn on a canvas for the part in view only (so zoom and scroll cost the same
 * at 5 clips or 500), the markers as flags, and scrubbing: press anywhere on it and drag, and the playhead follows
 * the pointer frame by frame while the viewer shows the frame under it.
 */
import { useEffect, useRef } from 'react';
import { seek, setScrubbing } from '../../state/transport';
import { useTimelineStore } from '../../state/timeline';
import { useTimelineView } from '../../state/timeline-view';
import { fpsOf, frameAt, timecode, type Layout } from '../frames';
import { rulerSteps, timeToX, xToTime } from '../geometry';

export const RULER_HEIGHT = 26;

function draw(canvas: HTMLCanvasElement, pps: number, scrollLeft: number, width: number, lay: Layout): void {
  const dpr = window.devicePixelRatio || 1;
  if (canvas.width !== Math.round(width * dpr) || canvas.height !== Math.round(RULER_HEIGHT * dpr)) {
    canvas.width = Math.round(width * dpr);
    canvas.height = Math.round(RULER_HEIGHT * dpr);
  }
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, width, RULER_HEIGHT);
  const fps = fpsOf(lay.rate);
  const { label, tick } = rulerSteps(pps, fps);
  const from = Math.max(0, xToTime(scrollLeft, pps));
  const to = xToTime(scrollLeft + width, pps);
  const endSec = lay.totalFrames / fps;
  // The part of the ruler inside the sequence is lighter than the part after its end.
  ctx.fillStyle = '#1f2328';
  ctx.fillRect(Math.max(0, timeToX(0, pps) - scrollLeft), 0, Math.max(0, timeToX(endSec, pps) - Math.max(scrollLeft, timeToX(0, pps))), RULER_HEIGHT);
  ctx.strokeStyle = '#59616b';
  ctx.fillStyle = '#b9c2cc';
  ctx.font = '11px system-ui, sans-serif';
  ctx.textBaseline = 'top';
  ctx.beginPath();
  const first = Math.floor(from / tick) * tick;
  for (let t = first; t <= to + tick; t += tick) {
    const n = Math.round(t / tick);
    const sec = n * tick;
    const x = Math.round(timeToX(sec, pps) - scrollLeft) + 0.5;
    const major = Math.abs(sec / label - Math.round(sec / label)) < 1e-6;
    ctx.moveTo(x, RULER_HEIGHT);
    ctx.lineTo(x, major ? 8 : RULER_HEIGHT - 6);
    if (major) ctx.fillText(label < 1 ? timecode(Math.round(sec * fps), lay.rate) : timecode(Math.round(sec * fps), lay.rate).replace(/:00$/, ''), x + 3, 2);
  }
  ctx.stroke();
}

export function Ruler({ pps, scrollLeft, width, lay }: { pps: number; scrollLeft: number; width: number; lay: Layout }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const markers = useTimelineStore((s) => s.markers);
  const selected = useTimelineView((s) => s.selectedMarker);
  const selectMarker = useTimelineView((s) => s.selectMarker);
  useEffect(() => {
    if (canvas.current) draw(canvas.current, pps, scrollLeft, width, lay);
  }, [pps, scrollLeft, width, lay]);

  const frameAtPointer = (e: React.PointerEvent<HTMLDivElement>) => {
    const box = e.currentTarget.getBoundingClientRect();
    return frameAt(Math.max(0, xToTime(e.clientX - box.left, pps)), lay.rate);
  };
  const onDown = (e: React.PointerEvent<HTMLDivElement>) => {
    if (e.button !== 0) return;
    e.currentTarget.setPointerCapture(e.pointerId);
    setScrubbing(true);
    seek(frameAtPointer(e));
  };
  const onMove = (e: React.PointerEvent<HTMLDivElement>) => {
    if (e.currentTarget.hasPointerCapture(e.pointerId)) seek(frameAtPointer(e));
  };
  const onUp = (e: React.PointerEvent<HTMLDivElement>) => {
    if (!e.currentTarget.hasPointerCapture(e.pointerId)) return;
    e.currentTarget.releasePointerCapture(e.pointerId);
    setScrubbing(false);
  };
  return (
    <div className="tl-ruler" data-testid="timeline-ruler" onPointerDown={onDown} onPointerMove={onMove} onPointerUp={onUp} onPointerCancel={onUp} title="Click or drag to move the playhead">
      <canvas ref={canvas} className="tl-ruler-canvas" style={{ left: scrollLeft, width }} aria-hidden="true" />
      {markers.map((m) => (
        <button
          key={m.id}
          className={`tl-marker${m.id === selected ? ' selected' : ''}`}
          style={{ left: timeToX(m.at, pps) }}
          data-testid="timeline-marker"
          aria-label={`Marker at ${timecode(Math.round(m.at * fpsOf(lay.rate)), lay.rate)}${m.note ? `: ${m.note}` : ''}`}
          title={m.note || 'Marker (no note yet)'}
          onPointerDown={(e) => e.stopPropagation()}
          onClick={() => {
            selectMarker(m.id);
            seek(Math.round(m.at * fpsOf(lay.rate)));
          }}
        />
      ))}
    </div>
  );
}
