/**
 * The music bed's level over time, exactly as the export mixes it (conform-graph.ts): the bed runs from the start
 * until the sequence or the music ends, whichever is first, at its volume, and fades linearly (afade's default
 * curve) to silence over its fade-out before that end. The music track draws it and the viewer plays it.
 */

export interface Bed {
  endSec: number;
  fadeStart: number;
  volume: number;
}

/** Where the bed ends and its fade starts, as the export computes them. */
export function bedOf(totalSec: number, musicSec: number | null, volume: number, fadeOutSec: number): Bed {
  const endSec = Math.min(totalSec, musicSec ?? totalSec);
  return { endSec, fadeStart: Math.max(0, endSec - fadeOutSec), volume };
}

/** The bed's gain at time t: its volume, falling linearly to 0 over the fade, nothing after the end. */
export function gainAt(bed: Bed, t: number): number {
  if (t < 0 || t >= bed.endSec) return 0;
  if (t <= bed.fadeStart || bed.endSec <= bed.fadeStart) return bed.volume;
  return bed.volume * ((bed.endSec - t) / (bed.endSec - bed.fadeStart));
}

