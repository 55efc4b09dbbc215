/**
 * Frame rates as exact fractions. Trims, crossfade offsets, EDL timecodes and FCPXML times are all counted in whole
 * frames of the export's rate: float seconds would drift over fifty clips, and editing suites reject times that do
 * not land on a frame.
 */
export interface FrameRate {
  num: number;
  den: number;
}

export const DEFAULT_FPS: FrameRate = { num: 30, den: 1 };

export function fpsValue(r: FrameRate): number {
  return r.num / r.den;
}

/** 12 -> 12/1, 29.97 -> 30000/1001, 23.976 -> 24000/1001; anything else to the nearest 1/1000. */
export function frameRateFrom(fps: number | undefined): FrameRate | undefined {
  if (fps === undefined || !Number.isFinite(fps) || fps <= 0) return undefined;
  const whole = Math.round(fps);
  if (Math.abs(fps - whole) < 0.001) return { num: whole, den: 1 };
  const ntsc = Math.round((fps * 1001) / 1000) * 1000;
  if (Math.abs(ntsc / 1001 - fps) < 0.001) return { num: ntsc, den: 1001 };
  return { num: Math.round(fps * 1000), den: 1000 };
}

export function sameFrameRate(a: FrameRate, b: FrameRate): boolean {
  return a.num * b.den === b.num * a.den;
}

/** Seconds to the nearest whole frame. */
export function toFrames(sec: number, r: FrameRate): number {
  return Math.round((sec * r.num) / r.den);
}

export function framesToSec(frames: number, r: FrameRate): number {
  return (frames * r.den) / r.num;
}

/** The text ffmpeg's filters take for a rate (`fps=30000/1001`) and for its time base (`settb=1001/30000`). */
export function rateText(r: FrameRate): string {
  return r.den === 1 ? String(r.num) : `${r.num}/${r.den}`;
}

export function timeBaseText(r: FrameRate): string {
  return `${r.den}/${r.num}`;
}

/** Seconds as ffmpeg filter arguments want them: fixed decimals, never exponent notation. */
export function secText(sec: number): string {
  return sec.toFixed(6).replace(/\.?0+$/, '') || '0';
}
