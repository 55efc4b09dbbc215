/**
 * The music bed under the video: its waveform (peaks made in main) drawn for the part in view, scaled by the bed's
 * volume, with its level line: flat at the volume, then down to silence over the fade-out before the bed ends (the
 * end of the sequence or of the music, whichever is first), exactly as the export mixes it (conform-graph.ts). The
 * handle where the fade starts drags to lengthen or shorten the fade; the change is one undo step.
 */
import { useEffect, useRef, useState } from 'react';
import { useTimelineStore } from '../../state/timeline';
import { timeToX, xToTime } from '../geometry';
import type { Waveform } from '../types';
import { bedOf, gainAt, type Bed } from '../music-bed';
import { clearedLaneCanvas } from './lane-canvas';

export const MUSIC_LANE_HEIGHT = 56;
const MAX_FADE_SEC = 30;
/** The lane's full height stands for this gain (the volume control goes up to 200%). */
const FULL_GAIN = 2;

function draw(canvas: HTMLCanvasElement, wave: Waveform | null, bed: Bed, pps: number, scrollLeft: number, width: number): void {
  const h = MUSIC_LANE_HEIGHT;
  const ctx = clearedLaneCanvas(canvas, width, h);
  if (!ctx) return;
  const x0 = timeToX(0, pps) - scrollLeft;
  const x1 = timeToX(bed.endSec, pps) - scrollLeft;
  ctx.fillStyle = '#1b2a24';
  ctx.fillRect(Math.max(0, x0), 2, Math.max(0, Math.min(width, x1) - Math.max(0, x0)), h - 4);
  const mid = h / 2;
  if (wave && wave.peaks.length) {
    ctx.fillStyle = '#5fd38d';
    for (let px = Math.max(0, Math.floor(x0)); px < Math.min(width, x1); px++) {
      const t0 = xToTime(px + scrollLeft, pps);
      const t1 = xToTime(px + 1 + scrollLeft, pps);
      const a = Math.max(0, Math.floor(t0 * wave.peaksPerSec));
      const b = Math.min(wave.peaks.length, Math.max(a + 1, Math.ceil(t1 * wave.peaksPerSec)));
      let peak = 0;
      for (let i = a; i < b; i++) peak = Math.max(peak, wave.peaks[i] ?? 0);
      const amp = Math.min(1, (peak / 255) * (gainAt(bed, t0) / FULL_GAIN) * 2) * (mid - 3);
      if (amp > 0.3) ctx.fillRect(px, mid - amp, 1, amp * 2);
    }
  }
  // The level line: the volume, then the fade to nothing.
  const y = (g: number) => h - 3 - (Math.min(FULL_GAIN, g) / FULL_GAIN) * (h - 6);
  ctx.strokeStyle = '#f0b429';
  ctx.lineWidth = 1.5;
  ctx.beginPath();
  ctx.moveTo(x0, y(bed.volume));
  ctx.lineTo(timeToX(bed.fadeStart, pps) - scrollLeft, y(bed.volume));
  ctx.lineTo(x1, y(0));
  ctx.stroke();
}

export function MusicLane({ totalSec, pps, scrollLeft, width }: { totalSec: number; pps: number; scrollLeft: number; width: number }) {
  const view = useTimelineStore((s) => s.view);
  const music = useTimelineStore((s) => s.music);
  const wave = useTimelineStore((s) => s.waveform);
  const setMusic = useTimelineStore((s) => s.setMusic);
  const canvas = useRef<HTMLCanvasElement>(null);
  const [dragFade, setDragFade] = useState<number | undefined>(undefined);
  const drag = useRef<{ x: number; fade: number } | undefined>(undefined);
  const fadeOutSec = dragFade ?? music?.fadeOutSec ?? 0;
  const bed = bedOf(totalSec, view?.music?.durationSec ?? null, music?.volume ?? 0, fadeOutSec);
  useEffect(() => {
    if (canvas.current && music) draw(canvas.current, wave, bed, pps, scrollLeft, width);
  });
  if (!view?.music || !music) {
    return (
      <div className="tl-lane tl-music empty" style={{ height: MUSIC_LANE_HEIGHT }} aria-label="Music track">
        <span className="muted" style={{ left: scrollLeft + 8 }}>
          No music bed: add a WAV or MP3 in the track header.
        </span>
      </div>
    );
  }
  const handleX = timeToX(bed.fadeStart, pps);
  const onDown = (e: React.PointerEvent) => {
    e.stopPropagation();
    e.currentTarget.setPointerCapture(e.pointerId);
    drag.current = { x: e.clientX, fade: music.fadeOutSec };
  };
  const onMove = (e: React.PointerEvent) => {
    if (!drag.current) return;
    // Moving the fade's start left makes the fade longer.
    const fade = drag.current.fade - (e.clientX - drag.current.x) / pps;
    setDragFade(Math.round(Math.min(MAX_FADE_SEC, bed.endSec, Math.max(0, fade)) * 10) / 10);
  };
  const onUp = () => {
    if (!drag.current) return;
    drag.current = undefined;
    if (dragFade !== undefined && dragFade !== music.fadeOutSec) setMusic({ ...music, fadeOutSec: dragFade });
    setDragFade(undefined);
  };
  return (
    <div className="tl-lane tl-music" style={{ height: MUSIC_LANE_HEIGHT }} role="group" aria-label="Music track" data-testid="music-lane">
      <canvas ref={canvas} className="tl-lane-canvas" style={{ left: scrollLeft, width }} aria-hidden="true" />
      <div
        className="tl-fade-out"
        data-testid="music-fade-handle"
        style={{ left: handleX }}
        role="slider"
        tabIndex={0}
        aria-label="Music fade-out, seconds"
        aria-valuemin={0}
        aria-valuemax={MAX_FADE_SEC}
        aria-valuenow={fadeOutSec}
        aria-valuetext={`${fadeOutSec.toFixed(1)} s fade-out`}
        title={`Fade-out ${fadeOutSec.toFixed(1)} s: drag left for longer`}
        onPointerDown={onDown}
        onPointerMove={onMove}
        onPointerUp={onUp}
        onPointerCancel={onUp}
        onKeyDown={(e) => {
          const d = e.key === 'ArrowLeft' ? 0.5 : e.key === 'ArrowRight' ? -0.5 : 0;
          if (!d) return;
          e.preventDefault();
          e.stopPropagation();
          setMusic({ ...music, fadeOutSec: Math.round(Math.min(MAX_FADE_SEC, Math.max(0, music.fadeOutSec + d)) * 10) / 10 });
        }}
      />
      <span className="tl-fade-label" style={{ left: handleX + 8 }}>
        fade {fadeOutSec.toFixed(1)} s
      </span>
    </div>
  );
}
