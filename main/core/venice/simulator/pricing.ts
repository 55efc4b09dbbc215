/**
 * What a clip costs in the simulator: a per-second price by resolution plus a per-second audio surcharge, rounded
 * to the cent like Venice's quotes. Quote and queue both use this one function, so a quote always matches the
 * charge for the same parameters (Venice does not promise that; the simulator keeps it simple on purpose).
 */
import { durationSeconds } from '../model-rules';
import type { SimModelDef } from './models';

/** Money is kept to the micro-dollar so repeated charges and refunds never drift. */
export function roundUsd(usd: number): number {
  return Math.round(usd * 1e6) / 1e6;
}

export function priceUsd(model: SimModelDef, duration: string, resolution: string, audio: boolean): number {
  const perSecond = model.pricePerSecond[resolution];
  if (perSecond === undefined) throw new Error(`${model.id} has no price for ${resolution}`);
  const seconds = durationSeconds(duration);
  const total = seconds * (perSecond + (audio ? model.audioPerSecond : 0));
  return Math.round(total * 100) / 100;
}
