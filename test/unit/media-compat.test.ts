/**
 * The lossless-or-conform decision and the preset frame, from probe results alone: every field the concat demuxer
 * needs identical is checked, and each reason is worded for the log.
 */
import { describe, expect, it } from 'vitest';
import { decideExportPath } from '../../main/core/media/compat';
import type { MediaInfo } from '../../main/core/media/probe';
import { resolveTarget } from '../../main/core/media/presets';
import { parseTimeline } from '../../main/core/media/timeline';

function info(over: { video?: Partial<NonNullable<MediaInfo['video']>>; audio?: Partial<NonNullable<MediaInfo['audio']>> | null; durationSec?: number } = {}): MediaInfo {
  return {
    durationSec: over.durationSec ?? 5,
    sizeBytes: 1_000_000,
    formatName: 'mov,mp4,m4a,3gp,3g2,mj2',
    video: { codec: 'h264', width: 854, height: 480, pixFmt: 'yuv420p', fps: 16, timeBase: '1/16384', ...over.video },
    audio: over.audio === null ? undefined : { codec: 'aac', sampleRate: 48000, channels: 2, channelLayout: 'stereo', ...over.audio },
  };
}

const timeline = (n: number, extra: Record<string, unknown>[] = []) =>
  parseTimeline({ clips: Array.from({ length: n }, (_, i) => ({ id: String(i), file: `/c/${i}.mp4`, ...extra[i] })) });

function decide(infos: MediaInfo[], opts: { preset?: 'match' | '720p' | '1080p' | 'vertical'; extra?: Record<string, unknown>[]; music?: boolean } = {}) {
  let t = timeline(infos.length, opts.extra);
  if (opts.music) t = { ...t, music: { file: '/m.mp3', volume: 0.5, fadeOutSec: 3 } };
  const target = resolveTarget(opts.preset ?? 'match', infos.flatMap((i) => (i.video ? [i.video] : [])));
  return decideExportPath({ timeline: t, infos, target, labels: infos.map((_, i) => `c${i}`) });
}

describe('lossless or conform', () => {
  it('identical clips, no trims or transitions: lossless', () => {
    expect(decide([info(), info(), info()])).toEqual({ path: 'lossless', reasons: [] });
  });

  it('identical silent clips are lossless too', () => {
    expect(decide([info({ audio: null }), info({ audio: null })]).path).toBe('lossless');
  });

  const cases: Array<[string, MediaInfo, RegExp]> = [
    ['codec', info({ video: { codec: 'hevc' } }), /video codec differs/],
    ['frame size', info({ video: { width: 1280, height: 720 } }), /frame size differs: clip 2 \(c1\) has 1280x720, clip 1 \(c0\) has 854x480/],
    ['pixel format', info({ video: { pixFmt: 'yuv444p' } }), /pixel format differs/],
    ['frame rate', info({ video: { fps: 12 } }), /frame rate differs/],
    ['time base', info({ video: { timeBase: '1/12800' } }), /time base differs/],
    ['audio presence', info({ audio: null }), /audio differs/],
    ['sample rate', info({ audio: { sampleRate: 44100 } }), /sample rate differs/],
    ['channel layout', info({ audio: { channelLayout: 'mono', channels: 1 } }), /channel layout differs/],
    ['audio codec', info({ audio: { codec: 'opus' } }), /audio codec differs/],
  ];
  for (const [what, odd, reason] of cases) {
    it(`a different ${what} forces conform`, () => {
      const d = decide([info(), odd]);
      expect(d.path).toBe('conform');
      expect(d.reasons.join('\n')).toMatch(reason);
    });
  }

  it('trims, crossfades and music force conform', () => {
    expect(decide([info(), info()], { extra: [{}, { inSec: 1 }] }).reasons).toContain('clip 2 (c1) is trimmed');
    expect(decide([info(), info()], { extra: [{}, { outSec: 4 }] }).path).toBe('conform');
    // An out point at the very end is no trim.
    expect(decide([info(), info()], { extra: [{}, { outSec: 5 }] }).path).toBe('lossless');
    expect(decide([info(), info()], { extra: [{}, { transitionIn: { kind: 'crossfade', durationSec: 0.5 } }] }).reasons).toContain('the timeline has crossfades');
    expect(decide([info(), info()], { music: true }).reasons).toContain('a music bed is mixed in');
  });

  it('a fixed preset stays lossless only when the clips already are its frame in H.264', () => {
    expect(decide([info(), info()], { preset: '720p' }).reasons.join()).toMatch(/720p preset is 1280x720/);
    const hd = info({ video: { width: 1280, height: 720 } });
    expect(decide([hd, hd], { preset: '720p' }).path).toBe('lossless');
  });
});

describe('presets', () => {
  it('match: the most common frame, the fastest rate', () => {
    const t = resolveTarget('match', [
      { codec: 'h264', width: 854, height: 480, pixFmt: 'yuv420p', fps: 12, timeBase: undefined },
      { codec: 'h264', width: 480, height: 854, pixFmt: 'yuv420p', fps: 16, timeBase: undefined },
      { codec: 'h264', width: 854, height: 480, pixFmt: 'yuv420p', fps: 12, timeBase: undefined },
    ]);
    expect(t).toEqual({ preset: 'match', width: 854, height: 480, fps: { num: 16, den: 1 } });
  });

  it('fixed presets', () => {
    const v = [{ codec: 'h264', width: 854, height: 480, pixFmt: 'yuv420p', fps: 29.97, timeBase: undefined }];
    expect(resolveTarget('1080p', v)).toMatchObject({ width: 1920, height: 1080, fps: { num: 30000, den: 1001 } });
    expect(resolveTarget('720p', v)).toMatchObject({ width: 1280, height: 720 });
    expect(resolveTarget('vertical', v)).toMatchObject({ width: 1080, height: 1920 });
  });
});
