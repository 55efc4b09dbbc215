/**
 * SMPTE timecode as editing suites count it. A clip's source timecode is its own: counted in its own frames, from
 * its embedded start timecode (00:00:00:00 when it has none). 29.97 and 59.94 fps may use drop-frame labels, which
 * skip frame numbers 0 and 1 (0-3 at 59.94) at the start of every minute except each tenth, so the label keeps up
 * with the wall clock; the frames themselves are never dropped. Rates with no SMPTE timecode (12, 16 fps) are
 * still counted in their own frames on an integer base, so a reader that knows the rate can find the frame.
 */
import { fpsValue, type FrameRate } from './frame-rate';

/** The integer frame base of a rate's timecode: 30 for 29.97, 24 for 23.976, 12 for 12. */
export function timecodeBase(rate: FrameRate): number {
  return Math.max(1, Math.round(fpsValue(rate)));
}

/** Rates SMPTE 12M and the editing suites have timecode for. */
const STANDARD = ['24000/1001', '24/1', '25/1', '30000/1001', '30/1', '48000/1001', '48/1', '50/1', '60000/1001', '60/1'];

export function hasStandardTimecode(rate: FrameRate): boolean {
  return STANDARD.some((s) => {
    const [n, d] = s.split('/').map(Number) as [number, number];
    return n * rate.den === d * rate.num;
  });
}

/** Drop-frame labels exist only for the NTSC rates 29.97 and 59.94. */
export function canDropFrame(rate: FrameRate): boolean {
  return rate.den === 1001 && (rate.num === 30000 || rate.num === 60000);
}

/** Frame numbers skipped per minute in drop-frame labels: 2 at 29.97, 4 at 59.94. */
const dropPerMinute = (base: number) => Math.round(base / 15);

/** The label of a frame count: `HH:MM:SS:FF`, or `HH:MM:SS;FF` in drop-frame. */
export function timecodeLabel(frames: number, base: number, dropFrame = false): string {
  let f = Math.max(0, Math.round(frames));
  if (dropFrame) {
    const drop = dropPerMinute(base);
    const per10 = base * 600 - drop * 9;
    const perMin = base * 60 - drop;
    const tens = Math.floor(f / per10);
    const rest = f % per10;
    f += drop * 9 * tens + (rest > drop ? drop * Math.floor((rest - drop) / perMin) : 0);
  }
  const two = (n: number) => String(n).padStart(2, '0');
  const ff = f % base;
  const s = Math.floor(f / base);
  const hours = Math.floor(s / 3600) % 24;
  return `${two(hours)}:${two(Math.floor(s / 60) % 60)}:${two(s % 60)}${dropFrame ? ';' : ':'}${two(ff)}`;
}

/** A label back to its frame count; `;` or `.` before the frames means drop-frame. Undefined when it is not one. */
export function timecodeFrames(label: string, base: number): { frames: number; dropFrame: boolean } | undefined {
  const m = /^(\d{1,2}):(\d{2}):(\d{2})([:;.,])(\d{2,3})$/.exec(label.trim());
  if (!m) return undefined;
  const [h, mi, s, ff] = [m[1], m[2], m[3], m[5]].map(Number) as [number, number, number, number];
  if (mi > 59 || s > 59 || ff >= base) return undefined;
  const dropFrame = m[4] !== ':';
  let frames = ((h * 60 + mi) * 60 + s) * base + ff;
  if (dropFrame) {
    const totalMinutes = h * 60 + mi;
    frames -= dropPerMinute(base) * (totalMinutes - Math.floor(totalMinutes / 10));
  }
  return { frames, dropFrame };
}

/** A clip's start timecode as frames of its own rate (0 when it has none or it does not parse). */
export function startTimecode(label: string | undefined, rate: FrameRate): { frames: number; dropFrame: boolean } {
  if (!label) return { frames: 0, dropFrame: false };
  return timecodeFrames(label, timecodeBase(rate)) ?? { frames: 0, dropFrame: false };
}
