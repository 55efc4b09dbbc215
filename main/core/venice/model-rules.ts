/**
 * A model's constraints turned into plain rules the sheet validator, the quote step and the scheduler can apply
 * without knowing Venice's wire format. The catalog is read from the API at run time; nothing here is hard-coded
 * per model.
 */
import { DEFAULT_PROMPT_LIMIT, type VeniceModel } from './schemas';

export interface ModelRules {
  id: string;
  name: string;
  /** `text-to-video`, `image-to-video`, `video` (video-to-video) or whatever Venice adds next. */
  kind: string;
  durations: string[];
  /** Empty when the model publishes no list: the parameter is then left to Venice's default. */
  resolutions: string[];
  /** `null` when Venice published an EMPTY list: the model does not accept the parameter and it must be omitted. */
  aspectRatios: string[] | null;
  /** The model generates audio at all. */
  audio: boolean;
  /** The caller may switch audio on or off (it changes the price). */
  audioConfigurable: boolean;
  promptLimit: number;
  requiresImage: boolean;
  requiresVideo: boolean;
  /** A date or message when Venice has announced the model's retirement. */
  deprecation: string | null;
  beta: boolean;
}

export function rulesFromModel(model: VeniceModel): ModelRules {
  const spec = model.model_spec ?? {};
  const c = spec.constraints ?? {};
  const kind = c.model_type ?? (model.id.includes('image-to-video') ? 'image-to-video' : 'text-to-video');
  const dep = spec.deprecation;
  return {
    id: model.id,
    name: spec.name ?? model.id,
    kind,
    durations: c.durations ?? [],
    resolutions: c.resolutions ?? [],
    aspectRatios: c.aspect_ratios === undefined ? [] : c.aspect_ratios.length === 0 ? null : c.aspect_ratios,
    audio: c.audio ?? false,
    audioConfigurable: c.audio_configurable ?? false,
    promptLimit: c.prompt_character_limit ?? DEFAULT_PROMPT_LIMIT,
    requiresImage: kind === 'image-to-video',
    requiresVideo: kind === 'video',
    deprecation: dep == null ? null : typeof dep === 'string' ? dep : (dep.date ?? 'deprecated'),
    beta: spec.beta ?? false,
  };
}

/** Seconds of a Venice duration string ("5s" -> 5). */
export function durationSeconds(duration: string): number {
  const n = Number.parseFloat(duration);
  return Number.isFinite(n) ? n : 0;
}
