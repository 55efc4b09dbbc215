/**
 * The export's ETA. The first one used to divide the whole elapsed time (probing, ffmpeg's start-up, x264's
 * lookahead filling before any output time is reported) by the first tiny fraction, and said 194 s for a 33 s
 * export. Here the render's speed is measured only from ffmpeg's own progress, between the first report that shows
 * output and the latest one (output seconds per wall second), and the remaining output is divided by it; until
 * two reports a little apart exist there is no ETA rather than a wild one. What comes after the render (moving
 * the index to the front, the check) is a small, size-proportional tail, estimated from the render's own pace.
 */
import type { ExportProgress } from './export';

/** No ETA until the render has reported for this long: speed over a shorter span is mostly noise. */
const MIN_SPAN_MS = 400;
/** Share of the render time the tail (faststart rewrite, verification) takes, from measurements on 2 cores. */
const TAIL_SHARE = 0.03;

export class ExportEta {
  private first: { at: number; seconds: number } | undefined;
  private last: { at: number; seconds: number } | undefined;

  constructor(private readonly now: () => number = Date.now) {}

  /** Feed every progress report; returns the ETA in seconds, or null while it cannot be known yet. */
  update(p: ExportProgress): number | null {
    const at = this.now();
    if (p.phase === 'done') return 0;
    if (p.phase === 'verify') return this.last ? Math.max(0, ((this.last.at - (this.first?.at ?? this.last.at)) / 1000) * TAIL_SHARE) : null;
    if (p.phase !== 'render' || p.totalSec <= 0) return null;
    if (p.seconds <= 0) return null;
    if (!this.first) {
      this.first = { at, seconds: p.seconds };
      this.last = this.first;
      return null;
    }
    this.last = { at, seconds: p.seconds };
    const spanMs = at - this.first.at;
    const done = p.seconds - this.first.seconds;
    if (spanMs < MIN_SPAN_MS || done <= 0) return null;
    const speed = done / (spanMs / 1000);
    const renderLeft = Math.max(0, p.totalSec - p.seconds) / speed;
    const renderTotal = p.totalSec / speed;
    return renderLeft + renderTotal * TAIL_SHARE;
  }
}
