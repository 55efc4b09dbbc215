/**
 * The simulator's model table: a handful of models shaped like Venice's real ones, each exercising one awkward
 * corner of the contract (an empty aspect-ratio list, audio that cannot be switched off, a private model with a
 * download link, a deprecated model, a tight prompt limit). Ids start with `sim-` so nobody mistakes them for live
 * models. Prices live here too because Venice's /models answer carries none: the simulator's quote reads them.
 */
import type { VeniceModel } from '../schemas';

export interface SimModelDef {
  id: string;
  name: string;
  modelType: 'text-to-video' | 'image-to-video';
  durations: readonly string[];
  resolutions: readonly string[];
  /** EMPTY means the model does not accept the parameter: sending it is a 400. */
  aspectRatios: readonly string[];
  audio: boolean;
  audioConfigurable: boolean;
  /** Absent: Venice's default of 2500 applies (and the field is left out of the model list, as Venice does). */
  promptLimit?: number;
  beta?: boolean;
  /** Retirement date announced for the model. */
  deprecation?: { date: string };
  /** Answers queue with a pre-signed download_url and retrieve with "COMPLETED" instead of the MP4. */
  privateDownload?: boolean;
  /** USD per second of output, by resolution. */
  pricePerSecond: Readonly<Record<string, number>>;
  /** USD per second added when audio is on (for always-on audio, it is always added). */
  audioPerSecond: number;
  /** Output frame rate: real models differ, so clips of one batch need not match. Low to keep renders cheap. */
  fps: number;
}

export const SIM_MODELS: readonly SimModelDef[] = [
  {
    id: 'sim-wan-2.5-text-to-video',
    name: 'Sim Wan 2.5 (text to video)',
    modelType: 'text-to-video',
    durations: ['5s', '10s'],
    resolutions: ['480p', '720p', '1080p'],
    aspectRatios: ['16:9', '9:16', '1:1'],
    audio: true,
    audioConfigurable: true,
    promptLimit: 2500,
    pricePerSecond: { '480p': 0.05, '720p': 0.1, '1080p': 0.15 },
    audioPerSecond: 0.03,
    fps: 16,
  },
  {
    id: 'sim-veo-3-fast-text-to-video',
    name: 'Sim Veo 3 Fast (text to video, always with sound)',
    modelType: 'text-to-video',
    durations: ['4s', '6s', '8s'],
    resolutions: ['720p', '1080p'],
    aspectRatios: ['16:9', '9:16'],
    audio: true,
    audioConfigurable: false,
    promptLimit: 1500,
    pricePerSecond: { '720p': 0.15, '1080p': 0.25 },
    audioPerSecond: 0.1,
    fps: 24,
  },
  {
    id: 'sim-kling-2.1-image-to-video',
    name: 'Sim Kling 2.1 (image to video)',
    modelType: 'image-to-video',
    durations: ['5s', '10s'],
    resolutions: ['480p', '720p', '1080p'],
    aspectRatios: [],
    audio: false,
    audioConfigurable: false,
    promptLimit: 2500,
    pricePerSecond: { '480p': 0.04, '720p': 0.07, '1080p': 0.14 },
    audioPerSecond: 0,
    fps: 16,
  },
  {
    id: 'sim-sora-2-private-text-to-video',
    name: 'Sim Sora 2 (private: download link)',
    modelType: 'text-to-video',
    durations: ['4s', '8s', '12s'],
    resolutions: ['480p', '720p'],
    aspectRatios: ['16:9', '9:16'],
    audio: true,
    audioConfigurable: true,
    promptLimit: 2500,
    privateDownload: true,
    pricePerSecond: { '480p': 0.1, '720p': 0.2 },
    audioPerSecond: 0.05,
    fps: 24,
  },
  {
    id: 'sim-ltx-legacy-text-to-video',
    name: 'Sim LTX Legacy (deprecated)',
    modelType: 'text-to-video',
    durations: ['5s'],
    resolutions: ['480p', '720p'],
    aspectRatios: ['16:9', '9:16'],
    audio: false,
    audioConfigurable: false,
    deprecation: { date: '2026-06-30' },
    pricePerSecond: { '480p': 0.02, '720p': 0.04 },
    audioPerSecond: 0,
    fps: 16,
  },
  {
    id: 'sim-fast-text-to-video',
    name: 'Sim Fast (480p, short clips for tests and rehearsals)',
    modelType: 'text-to-video',
    durations: ['1s', '2s', '3s'],
    resolutions: ['480p'],
    aspectRatios: ['16:9', '9:16', '1:1'],
    audio: true,
    audioConfigurable: true,
    promptLimit: 1000,
    beta: true,
    pricePerSecond: { '480p': 0.01 },
    audioPerSecond: 0.005,
    fps: 12,
  },
];

export function findSimModel(id: string): SimModelDef | undefined {
  return SIM_MODELS.find((m) => m.id === id);
}

/** One entry of `GET /models?type=video`, in Venice's wire shape. */
export function modelToWire(m: SimModelDef): VeniceModel {
  return {
    id: m.id,
    type: 'video',
    object: 'model',
    owned_by: 'venice.ai',
    model_spec: {
      name: m.name,
      constraints: {
        model_type: m.modelType,
        durations: [...m.durations],
        resolutions: [...m.resolutions],
        aspect_ratios: [...m.aspectRatios],
        audio: m.audio,
        audio_configurable: m.audioConfigurable,
        ...(m.promptLimit === undefined ? {} : { prompt_character_limit: m.promptLimit }),
      },
      ...(m.beta ? { beta: true } : {}),
      ...(m.deprecation ? { deprecation: { date: m.deprecation.date } } : {}),
      offline: false,
    },
  };
}

/** The text of `x-venice-model-deprecation-warning` for a deprecated model, undefined otherwise. */
export function deprecationWarning(m: SimModelDef): string | undefined {
  return m.deprecation
    ? `The model ${m.id} is deprecated and will be removed on ${m.deprecation.date}. Move to another model before then.`
    : undefined;
}
