/** Seeded randomness, so every virtual-time bench repeats exactly from run to run. */

/** mulberry32, the simulator's own seeded generator (the engine tests use it for jitter too). */
export { seededRng as mulberry32 } from '../main/core/venice/simulator/random';

/** A standard normal draw (Box-Muller); `1 - u` keeps log() away from 0. */
export function gaussian(random: () => number): number {
  const u = 1 - random();
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

export function mean(values: number[]): number {
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : Number.NaN;
}
