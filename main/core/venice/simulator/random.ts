/**
 * A small seeded PRNG (mulberry32) for every random choice that shapes behaviour (fault rolls, timing jitter), so
 * a failing run can be replayed with the same seed. Identifiers (queue ids, download tokens, request ids) come from
 * node:crypto instead: they must stay unique across restarts and unguessable, which a replayable seed is not.
 */
import { randomInt } from 'node:crypto';

export type Rng = () => number;

export function seededRng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A seed for runs that did not ask for one. */
export function randomSeed(): number {
  return randomInt(0, 2 ** 31);
}
