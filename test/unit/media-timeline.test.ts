/**
 * The timeline model and its frame layout, without ffmpeg: defaults, transitions parsed from text, trims clamped,
 * durations as the sum of trimmed clips minus crossfade overlaps, counted in whole frames so fifty clips cannot drift.
 */
import { describe, expect, it } from 'vitest';
import { captionText } from '../../main/core/media/contact-sheet';
import { frameRateFrom, framesToSec, toFrames } from '../../main/core/media/frame-rate';
import { parseTimeline, parseTransition, withTransitionEverywhere } from '../../main/core/media/timeline';
import { TimelineError, layoutDurationSec, layoutTimeline } from '../../main/core/media/timeline-layout';

const fps16 = { num: 16, den: 1 };
const clip = (id: string, extra: Record<string, unknown> = {}) => ({ id, file: `/clips/${id}.mp4`, ...extra });

describe('timeline schema', () => {
  it('fills defaults: version 1, no trims, cuts', () => {
    const t = parseTimeline({ clips: [clip('a'), clip('b')] });
    expect(t.version).toBe(1);
    expect(t.clips[1]).toMatchObject({ inSec: 0, transitionIn: { kind: 'cut' } });
    expect(t.clips[1]?.outSec).toBeUndefined();
  });

  it('refuses an empty timeline, an out point before the in point and an absurd crossfade', () => {
    expect(() => parseTimeline({ clips: [] })).toThrow(/no clips/);
    expect(() => parseTimeline({ clips: [clip('a', { inSec: 2, outSec: 1 })] })).toThrow(/out point/);
    expect(() => parseTimeline({ clips: [clip('a'), clip('b', { transitionIn: { kind: 'crossfade', durationSec: 60 } })] })).toThrow();
  });

  it('music bed defaults: half volume, 3 s fade out', () => {
    const t = parseTimeline({ clips: [clip('a')], music: { file: '/m.mp3' } });
    expect(t.music).toEqual({ file: '/m.mp3', volume: 0.5, fadeOutSec: 3 });
  });

  it('parses --transition text', () => {
    expect(parseTransition('cut')).toEqual({ kind: 'cut' });
    expect(parseTransition('crossfade=0.5')).toEqual({ kind: 'crossfade', durationSec: 0.5 });
    expect(parseTransition('crossfade')).toEqual({ kind: 'crossfade', durationSec: 0.5 });
    expect(parseTransition('Crossfade = 1.25s')).toEqual({ kind: 'crossfade', durationSec: 1.25 });
    expect(parseTransition('crossfade=0')).toBeUndefined();
    expect(parseTransition('wipe')).toBeUndefined();
    expect(parseTransition('cut=1')).toBeUndefined();
  });

  it('puts one transition on every cut but never before the first clip', () => {
    const t = withTransitionEverywhere(parseTimeline({ clips: [clip('a'), clip('b'), clip('c')] }), { kind: 'crossfade', durationSec: 0.5 });
    expect(t.clips.map((c) => c.transitionIn.kind)).toEqual(['cut', 'crossfade', 'crossfade']);
  });
});

describe('frame rates', () => {
  it('recognises whole and NTSC rates', () => {
    expect(frameRateFrom(12)).toEqual({ num: 12, den: 1 });
    expect(frameRateFrom(29.97002997)).toEqual({ num: 30000, den: 1001 });
    expect(frameRateFrom(23.976)).toEqual({ num: 24000, den: 1001 });
    expect(frameRateFrom(0)).toBeUndefined();
  });
  it('converts without drift', () => {
    const ntsc = { num: 30000, den: 1001 };
    expect(toFrames(framesToSec(1799, ntsc), ntsc)).toBe(1799);
  });
});

describe('layout', () => {
  it('cuts: clips follow each other; duration = sum', () => {
    const l = layoutTimeline(parseTimeline({ clips: [clip('a'), clip('b')] }), [2, 3], fps16);
    expect(l.spans.map((s) => [s.recIn, s.recOut])).toEqual([[0, 32], [32, 80]]);
    expect(layoutDurationSec(l)).toBe(5);
  });

  it('crossfades overlap: duration = sum of trimmed clips minus the overlaps', () => {
    const t = parseTimeline({
      clips: [
        clip('a'),
        clip('b', { inSec: 0.5, outSec: 2.5, transitionIn: { kind: 'crossfade', durationSec: 0.5 } }),
        clip('c', { transitionIn: { kind: 'crossfade', durationSec: 0.25 } }),
      ],
    });
    const l = layoutTimeline(t, [2, 3, 2], fps16);
    // a: 2 s, b: 2 s (trimmed), c: 2 s; overlaps 0.5 + 0.25.
    expect(layoutDurationSec(l)).toBeCloseTo(6 - 0.75, 6);
    expect(l.spans[1]).toMatchObject({ srcIn: 8, srcOut: 40, recIn: 24, recOut: 56, fadeIn: 8 });
    expect(l.spans[2]).toMatchObject({ recIn: 52, fadeIn: 4 });
    expect(l.overlapFrames).toBe(12);
  });

  it('clamps an out point past the end of the source to the source', () => {
    const l = layoutTimeline(parseTimeline({ clips: [clip('a', { outSec: 9 })] }), [2], fps16);
    expect(l.spans[0]?.srcOut).toBe(32);
  });

  it('snaps probed durations to the frame grid (a 2.021 s clip with AAC priming is 2 s at 16 fps)', () => {
    const l = layoutTimeline(parseTimeline({ clips: [clip('a'), clip('b')] }), [2.021, 1.98], fps16);
    expect(l.totalFrames).toBe(64);
  });

  it('refuses crossfades longer than a clip can hold, naming the clip', () => {
    const t = parseTimeline({
      clips: [clip('a'), clip('b', { label: 'Short one', transitionIn: { kind: 'crossfade', durationSec: 0.75 } }), clip('c', { transitionIn: { kind: 'crossfade', durationSec: 0.5 } })],
    });
    expect(() => layoutTimeline(t, [2, 1, 2], fps16)).toThrow(TimelineError);
    expect(() => layoutTimeline(t, [2, 1, 2], fps16)).toThrow(/Clip 2 \(Short one\)/);
    // Touching crossfades are allowed.
    expect(() => layoutTimeline(t, [2, 1.25, 2], fps16)).not.toThrow();
  });

  it('refuses a clip trimmed to nothing', () => {
    expect(() => layoutTimeline(parseTimeline({ clips: [clip('a', { inSec: 3 })] }), [2], fps16)).toThrow(/nothing left/);
  });
});

describe('contact sheet captions', () => {
  it('say position, name without extension or control characters, and trimmed length', () => {
    expect(captionText(3, 'S02-003-Lighthouse.mp4', 5)).toBe('3  S02-003-Lighthouse · 5.0 s');
    expect(captionText(12, 'line\nbreak\t.MOV', 2.25)).toBe('12  line break · 2.3 s');
  });
});
