/**
 * The export's ETA against a simulated export on a fake clock: 3 s of probing, 2 s of ffmpeg start-up and x264
 * lookahead with no output time reported, then a render at a steady 0.4x real time with a little jitter. The old
 * estimate (elapsed / fraction) said 194 s for a 33 s export; this one says nothing until it has measured the
 * render's own pace, and from 10% of the work on stays within 25% of the truth.
 */
import { describe, expect, it } from 'vitest';
import type { ExportProgress } from '../../main/core/media/export';
import { ExportEta } from '../../main/core/media/export-eta';

function simulate(totalSec: number, speed: number, probeSec: number, startupSec: number) {
  let now = 0;
  const eta = new ExportEta(() => now * 1000);
  const out: Array<{ at: number; eta: number | null }> = [];
  const feed = (p: ExportProgress) => out.push({ at: now, eta: eta.update(p) });
  feed({ phase: 'probe', fraction: 0, seconds: 0, totalSec: 0 });
  now += probeSec;
  for (let t = 0; t < startupSec; t += 0.5) {
    feed({ phase: 'render', fraction: 0, seconds: 0, totalSec });
    now += 0.5;
  }
  let s = 0;
  let k = 0;
  while (s < totalSec) {
    const step = 0.5 * speed * (k++ % 3 === 0 ? 0.8 : 1.1);
    s = Math.min(totalSec, s + step);
    now += 0.5;
    feed({ phase: 'render', fraction: s / totalSec, seconds: s, totalSec });
  }
  now += (totalSec / speed) * 0.02;
  feed({ phase: 'verify', fraction: 1, seconds: totalSec, totalSec });
  feed({ phase: 'done', fraction: 1, seconds: totalSec, totalSec });
  return { samples: out, end: now };
}

describe('export ETA', () => {
  it('gives none before the render has a pace, then stays within 25% of the truth from 10% of the work on', () => {
    const { samples, end } = simulate(13, 0.4, 3, 2);
    expect(samples.slice(0, 6).every((s) => s.eta === null)).toBe(true);
    const late = samples.filter((s) => s.at >= end * 0.1 && s.eta !== null);
    expect(late.length).toBeGreaterThan(10);
    for (const s of late) {
      const truth = end - s.at;
      if (truth < 1) continue;
      expect(Math.abs((s.eta as number) - truth) / truth, `at ${s.at.toFixed(1)} s: said ${s.eta}, truth ${truth.toFixed(1)}`).toBeLessThanOrEqual(0.25);
    }
    expect(samples[samples.length - 1]?.eta).toBe(0);
  });
});
