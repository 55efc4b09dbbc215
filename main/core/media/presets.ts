/**
 * Export presets: "match" keeps the clips' own frame (and is the only one that may stream-copy when the clips
 * allow it), the others conform to a fixed H.264 MP4 frame. The frame rate is the highest among the clips (capped at
 * 60): dropping frames from the faster clips would stutter, repeating frames of the slower ones does not show.
 */
import { DEFAULT_FPS, fpsValue, frameRateFrom, type FrameRate } from './frame-rate';
import type { VideoStreamInfo } from './probe';

export const PRESET_NAMES = ['match', '1080p', '720p', 'vertical'] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

export const FIXED_PRESETS = {
  '1080p': { width: 1920, height: 1080, label: '1080p (1920x1080)' },
  '720p': { width: 1280, height: 720, label: '720p (1280x720)' },
  vertical: { width: 1080, height: 1920, label: 'vertical (1080x1920)' },
} as const;

export interface ExportTarget {
  preset: PresetName;
  width: number;
  height: number;
  fps: FrameRate;
}

export function isPresetName(s: string): s is PresetName {
  return (PRESET_NAMES as readonly string[]).includes(s);
}

const MAX_FPS = 60;

function fastestRate(videos: readonly VideoStreamInfo[]): FrameRate {
  let best: FrameRate | undefined;
  for (const v of videos) {
    const r = frameRateFrom(v.fps);
    if (r && fpsValue(r) <= MAX_FPS && (!best || fpsValue(r) > fpsValue(best))) best = r;
  }
  return best ?? DEFAULT_FPS;
}

/** The frame size most clips share; on a tie, the one that comes first on the timeline. */
function commonSize(videos: readonly VideoStreamInfo[]): { width: number; height: number } {
  const counts = new Map<string, { width: number; height: number; n: number; first: number }>();
  videos.forEach((v, i) => {
    const key = `${v.width}x${v.height}`;
    const c = counts.get(key) ?? { width: v.width, height: v.height, n: 0, first: i };
    c.n++;
    counts.set(key, c);
  });
  const best = [...counts.values()].sort((a, b) => b.n - a.n || a.first - b.first)[0];
  // Odd sizes cannot be yuv420p: round up to even.
  const even = (n: number) => Math.max(2, Math.ceil(n / 2) * 2);
  return best ? { width: even(best.width), height: even(best.height) } : { width: 1280, height: 720 };
}

export function resolveTarget(preset: PresetName, videos: readonly VideoStreamInfo[]): ExportTarget {
  const fps = fastestRate(videos);
  if (preset === 'match') return { preset, ...commonSize(videos), fps };
  const { width, height } = FIXED_PRESETS[preset];
  return { preset, width, height, fps };
}

/** x264 settings for the conform path. veryfast/CRF 20 is visually clean for generated clips and quick on 2 cores. */
export interface EncoderSettings {
  x264Preset: (typeof X264_PRESETS)[number];
  crf: number;
  audioBitrateK: number;
}

export const X264_PRESETS = ['ultrafast', 'superfast', 'veryfast', 'faster', 'fast', 'medium', 'slow', 'slower', 'veryslow'] as const;

export const DEFAULT_ENCODER: EncoderSettings = { x264Preset: 'veryfast', crf: 20, audioBitrateK: 192 };

export function encoderSettings(partial: Partial<EncoderSettings> = {}): EncoderSettings {
  const e = { ...DEFAULT_ENCODER, ...partial };
  if (!X264_PRESETS.includes(e.x264Preset)) throw new Error(`Unknown x264 preset ${String(e.x264Preset)}`);
  if (!Number.isFinite(e.crf) || e.crf < 0 || e.crf > 51) throw new Error('CRF must be from 0 to 51');
  if (!Number.isInteger(e.audioBitrateK) || e.audioBitrateK < 32 || e.audioBitrateK > 512) throw new Error('Audio bitrate must be 32-512 kb/s');
  return e;
}
