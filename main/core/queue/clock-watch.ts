/**
 * Notices when time did not pass the way the scheduler thinks: the laptop slept (the wall clock moved on while the
 * monotonic clock, which stops during suspend, did not), the app was frozen, or the clock was set back. Either way
 * every wait computed before is wrong: connections died, backoffs and poll times point at the wrong moment, and a
 * rate window stamped in the "future" would block requests until the clock catches up.
 */
export type ClockJump =
  | { kind: 'slept'; from: number; to: number }
  | { kind: 'set_back'; byMs: number };

/** Larger gaps than this between two looks are a jump; ordinary scheduling jitter stays far below it. */
export const DEFAULT_JUMP_THRESHOLD_MS = 60_000;

export class ClockWatch {
  private last: { wall: number; mono: number } | undefined;

  constructor(
    private readonly wall: () => number,
    private readonly mono: () => number,
    private readonly thresholdMs: number = DEFAULT_JUMP_THRESHOLD_MS,
  ) {}

  /** Compares both clocks with the last look. Call it once per scheduler pass. */
  look(): ClockJump | undefined {
    const now = { wall: this.wall(), mono: this.mono() };
    const last = this.last;
    this.last = now;
    if (!last) return undefined;
    const wallDelta = now.wall - last.wall;
    const monoDelta = now.mono - last.mono;
    if (wallDelta - monoDelta < -this.thresholdMs) return { kind: 'set_back', byMs: monoDelta - wallDelta };
    // Asleep (wall ran, monotonic did not) or frozen (neither ran for us: stopped, or a suspended VM).
    if (wallDelta - monoDelta > this.thresholdMs || monoDelta > this.thresholdMs) return { kind: 'slept', from: last.wall, to: now.wall };
    return undefined;
  }
}

/** "2 h 5 min", "40 s": how long, for people. */
export function spanText(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 90) return `${s} s`;
  const min = Math.round(s / 60);
  if (min < 90) return `${min} min`;
  const h = Math.floor(min / 60);
  return `${h} h${min % 60 ? ` ${min % 60} min` : ''}`;
}
