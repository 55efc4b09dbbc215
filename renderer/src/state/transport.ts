/**
 * The playhead and the shuttle: a clock outside React. Position is in frames of the timeline's rate (fractional
 * while playing), advanced by requestAnimationFrame at `rate` × real time; the viewer's <video> elements follow it
 * rather than lead it, so reverse and fast shuttle work the same way as 1x. Components read the position through
 * a subscription that writes to the DOM (playhead line, timecode), not through React renders, so playback does not
 * re-render the 500-clip track 60 times a second.
 */
import { createStore } from 'zustand/vanilla';
import { useStore } from 'zustand';
import { shuttle, type ShuttleKey } from '../timeline/shuttle';

/** A frame shown in the viewer instead of the playhead's while a trim or roll is dragged. */
export interface Preview {
  rowId: number;
  /** Frame of the clip at the timeline's rate (seconds = frame / fps). */
  srcFrame: number;
}

interface TransportState {
  /** Playhead, in frames of the timeline's rate. */
  pos: number;
  /** Signed shuttle speed, 0 when stopped. */
  rate: number;
  /** Frames in the sequence and the timeline's frame rate (frames per second), kept current by the timeline. */
  total: number;
  fps: number;
  /** True while the ruler is being dragged: the viewer favours speed (strip frame first, then the exact frame). */
  scrubbing: boolean;
  preview: Preview | null;
}

export const transport = createStore<TransportState>(() => ({ pos: 0, rate: 0, total: 0, fps: 30, scrubbing: false, preview: null }));

export const useTransport = <T>(selector: (s: TransportState) => T): T => useStore(transport, selector);

const clampFrame = (f: number) => {
  const { total } = transport.getState();
  return Math.max(0, Math.min(f, Math.max(0, total - 1)));
};

let raf = 0;
let last = 0;

function tick(now: number): void {
  const s = transport.getState();
  if (s.rate === 0) return;
  const dt = Math.min(0.1, (now - last) / 1000);
  last = now;
  const next = s.pos + s.rate * dt * s.fps;
  const end = Math.max(0, s.total - 1);
  if ((s.rate > 0 && next >= end) || (s.rate < 0 && next <= 0)) {
    // Stops on the last (or first) frame, like an editing suite's transport at the end of the sequence.
    transport.setState({ pos: s.rate > 0 ? end : 0, rate: 0 });
    return;
  }
  transport.setState({ pos: next });
  raf = requestAnimationFrame(tick);
}

function run(rate: number): void {
  cancelAnimationFrame(raf);
  const s = transport.getState();
  if (rate === 0) {
    transport.setState({ rate: 0, pos: Math.floor(s.pos + 1e-6) });
    return;
  }
  // Play from the end goes back to the start (and reverse from the start to the end), as players do.
  if (rate > 0 && s.pos >= s.total - 1) transport.setState({ pos: 0 });
  if (rate < 0 && s.pos <= 0) transport.setState({ pos: Math.max(0, s.total - 1) });
  transport.setState({ rate, preview: null });
  last = performance.now();
  raf = requestAnimationFrame(tick);
}

/** Moves the playhead to a frame (stopping playback). */
export function seek(frame: number): void {
  if (transport.getState().rate !== 0) run(0);
  transport.setState({ pos: clampFrame(Math.round(frame)), preview: null });
}

/** One frame (or n) forward or back, from the frame on screen. */
export function step(frames: number): void {
  const { pos } = transport.getState();
  seek(Math.floor(pos + 1e-6) + frames);
}

export function press(key: ShuttleKey, kHeld = false): void {
  const result = shuttle({ rate: transport.getState().rate }, key, kHeld);
  if (result.step) return step(result.step);
  run(result.rate);
}

export function stop(): void {
  run(0);
}

/** The timeline tells the transport how long the sequence is and at what rate, whenever either changes. */
export function setSequence(total: number, fps: number): void {
  const s = transport.getState();
  if (s.total === total && s.fps === fps) return;
  transport.setState({ total, fps, pos: Math.max(0, Math.min(s.pos, Math.max(0, total - 1))) });
}

export function setPreview(preview: Preview | null): void {
  transport.setState({ preview });
}

export function setScrubbing(scrubbing: boolean): void {
  transport.setState({ scrubbing });
}

/** The frame the viewer shows now (whole frames). */
export const currentFrame = () => Math.floor(transport.getState().pos + 1e-6);
