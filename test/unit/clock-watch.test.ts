/** Telling a sleep, a frozen process and a clock set back from an ordinary busy night, with both clocks in hand. */
import { describe, expect, it } from 'vitest';
import { ClockWatch, spanText } from '../../main/core/queue/clock-watch';

function clocks() {
  const c = { wall: 1_000_000, mono: 5_000 };
  const watch = new ClockWatch(() => c.wall, () => c.mono, 60_000);
  watch.look(); // the first look only remembers
  return { c, watch, step: (wall: number, mono = wall) => ((c.wall += wall), (c.mono += mono), watch.look()) };
}

describe('clock watch', () => {
  it('sees nothing in ordinary passes, even slow ones', () => {
    const { step } = clocks();
    expect(step(250)).toBeUndefined();
    expect(step(30_000)).toBeUndefined();
  });

  it('tells a sleep: the wall clock ran two hours while the monotonic one stood still', () => {
    const { step } = clocks();
    step(250);
    expect(step(2 * 3_600_000, 300)).toEqual({ kind: 'slept', from: 1_000_250, to: 1_000_250 + 2 * 3_600_000 });
  });

  it('tells a frozen process (both clocks ran, the loop did not) as a sleep too', () => {
    const { step } = clocks();
    expect(step(120_000, 120_000)?.kind).toBe('slept');
  });

  it('tells a clock set back, by how much', () => {
    const { step } = clocks();
    expect(step(-2 * 3_600_000, 250)).toEqual({ kind: 'set_back', byMs: 2 * 3_600_000 + 250 });
  });

  it('says how long in plain words', () => {
    expect(spanText(40_000)).toBe('40 s');
    expect(spanText(10 * 60_000)).toBe('10 min');
    expect(spanText(2 * 3_600_000 + 5 * 60_000)).toBe('2 h 5 min');
  });
});
