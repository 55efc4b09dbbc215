/**
 * The J/K/L shuttle as a pure state machine, the way editing suites behave: L plays forward and each further L goes
 * up the speed ladder; J does the same backwards; K stops and resets the ladder (so the next L is 1x again);
 * pressing the other direction while shuttling starts that direction at 1x. Space toggles 1x play. While K is held,
 * J and L step one frame instead (the "K+J / K+L" inch). Reverse play is driven by stepping frames (a <video>
 * cannot play backwards), so every reverse speed is available too.
 */

export const LADDER = [1, 2, 4, 8] as const;

export type ShuttleKey = 'J' | 'K' | 'L' | 'Space';

export interface ShuttleState {
  /** Signed speed: 0 stopped, 1 normal forward, -2 double-speed reverse... */
  rate: number;
}

export interface ShuttleResult extends ShuttleState {
  /** A single frame step instead of a speed change (K held with J or L): -1 or +1. */
  step?: -1 | 1;
}

const TOP = LADDER[LADDER.length - 1] as number;
const up = (speed: number): number => LADDER.find((s) => s > speed) ?? TOP;

export function shuttle(state: ShuttleState, key: ShuttleKey, kHeld = false): ShuttleResult {
  const { rate } = state;
  switch (key) {
    case 'K':
      return { rate: 0 };
    case 'Space':
      return { rate: rate === 0 ? 1 : 0 };
    case 'L':
      if (kHeld) return { rate: 0, step: 1 };
      return { rate: rate > 0 ? up(rate) : 1 };
    case 'J':
      if (kHeld) return { rate: 0, step: -1 };
      return { rate: rate < 0 ? -up(-rate) : -1 };
  }
}

/** How the viewer shows the speed: "▶ 2×", "◀◀ 4×", "" when stopped. */
export function rateLabel(rate: number): string {
  if (rate === 0) return '';
  return `${rate > 0 ? '▶' : '◀'} ${Math.abs(rate)}×`;
}
