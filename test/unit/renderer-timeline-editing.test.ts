/**
 * The editor's timeline logic without a page: the layout the viewer plays is the export's own (same frames, same
 * crossfades, same rate choice), trims and rolls in whole frames clamped by the source and the crossfades, typed
 * trims refused with the reason, the J/K/L ladder, zoom that keeps its anchor still, snapping, the viewer's plan for
 * its two <video> elements inside a crossfade, the music bed's gain as the export mixes it, the key registry's
 * matching, and pane sizes read back safely.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolveTarget } from '../../main/core/media/presets';
import { layoutTimeline } from '../../main/core/media/timeline-layout';
import { normalize, setTransition, trimProblem } from '../../renderer/src/timeline/edit';
import { editPoints, framesToSec, layersAt, layout, rateFromText, timecode, timelineRate } from '../../renderer/src/timeline/frames';
import { clampPps, fitPps, rulerSteps, snapTo, timeToX, xToTime, zoomAround } from '../../renderer/src/timeline/geometry';
import { shuttle } from '../../renderer/src/timeline/shuttle';
import { markAt, rippleTrim, rollEdit, setFadeFrames } from '../../renderer/src/timeline/trim';
import type { BinClip, TimelineClip } from '../../renderer/src/timeline/types';
import { planViewer } from '../../renderer/src/timeline/viewer-sync';
import { bedOf, gainAt } from '../../renderer/src/timeline/music-bed';
import { KEYMAP, entryFor } from '../../renderer/src/workspace/keymap';
import { clampSizes, defaultSizes, loadSizes, saveSizes } from '../../renderer/src/workspace/layout';

const binClip = (rowId: number, durationSec: number, fps = '24', row = rowId, take = 1): BinClip => ({
  rowId,
  row,
  take,
  label: `Shot ${rowId}`,
  fileName: `${rowId}.mp4`,
  durationSec,
  width: 1280,
  height: 720,
  fps,
  hasAudio: true,
  problem: null,
});
const clip = (rowId: number, extra: Partial<TimelineClip> = {}): TimelineClip => ({ rowId, inSec: 0, outSec: null, transitionIn: { kind: 'cut' }, ...extra });
const R24 = { num: 24, den: 1 };

describe('the viewer plays the export’s frames', () => {
  it('chooses the timeline rate as the export does (fastest clip up to 60, else 30)', () => {
    const fps = ['12', '24', '29.97', '25', '120', null];
    for (const set of [[0, 1], [1, 2], [0, 3], [4], [5], [2, 4, 0]]) {
      const bin = set.map((i, k) => binClip(k + 1, 2, fps[i] ?? 'unknown'));
      const clips = bin.map((b) => clip(b.rowId));
      const videos = set.filter((i) => fps[i]).map((i) => ({ codec: 'h264', width: 1280, height: 720, fps: Number(fps[i]), pixFmt: 'yuv420p' }));
      expect(timelineRate(clips, bin)).toEqual(resolveTarget('match', videos as never).fps);
    }
    expect(rateFromText('30000/1001')).toEqual({ num: 30000, den: 1001 });
  });

  it('lays out random timelines exactly as the export’s layout does (no millisecond drift)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ dur: fc.integer({ min: 20, max: 300 }), inF: fc.integer({ min: 0, max: 8 }), outCut: fc.integer({ min: 0, max: 8 }), fade: fc.integer({ min: 0, max: 6 }) }), { minLength: 1, maxLength: 40 }),
        fc.constantFrom('24', '23.976', '29.97', '30', '12'),
        (parts, fps) => {
          const bin = parts.map((p, i) => binClip(i + 1, p.dur / 24, fps));
          const raw = parts.map((p, i) => clip(i + 1, { inSec: p.inF / 24, outSec: p.outCut ? (p.dur - p.outCut) / 24 : null, transitionIn: p.fade ? { kind: 'crossfade', durationSec: p.fade / 24 } : { kind: 'cut' } }));
          const clips = normalize(raw, bin);
          const mine = layout(clips, bin);
          const rate = timelineRate(clips, bin);
          const theirs = layoutTimeline(
            { version: 1, markers: [], clips: clips.map((c, i) => ({ id: String(c.rowId), file: `${i}`, inSec: c.inSec, outSec: c.outSec ?? undefined, transitionIn: c.transitionIn })) },
            bin.map((b) => ({ durationSec: b.durationSec!, rate: rateFromText(b.fps) })),
            rate,
          );
          expect(mine.problem).toBeUndefined();
          expect(mine.totalFrames).toBe(theirs.totalFrames);
          expect(mine.spans.map((s) => [s.recIn, s.recOut, s.fadeIn, s.confIn])).toEqual(theirs.spans.map((s) => [s.recIn, s.recOut, s.fadeIn, s.confIn]));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('finds edits and writes timecode at the rounded rate', () => {
    const bin = [binClip(1, 2), binClip(2, 3), binClip(3, 1)];
    const lay = layout([clip(1), clip(2, { transitionIn: { kind: 'crossfade', durationSec: 0.5 } }), clip(3)], bin);
    expect(editPoints(lay)).toEqual([0, 36, 108, 132]);
    expect(timecode(24 * 61 + 5, R24)).toBe('00:01:01:05');
    expect(timecode(30 * 3600, { num: 30000, den: 1001 })).toBe('01:00:00:00');
  });
});

describe('trims, rolls and crossfades in frames', () => {
  const bin = [binClip(1, 4), binClip(2, 4), binClip(3, 4)];
  const three = [clip(1), clip(2), clip(3)];

  it('ripple-trims a tail: the clip shortens, the later clips follow, never past the source', () => {
    const r = rippleTrim(three, bin, R24, 0, 'tail', -24);
    expect(r.applied).toBe(-24);
    expect(r.clips[0]).toMatchObject({ inSec: 0, outSec: 3 });
    expect(layout(r.clips, bin).spans[1]!.recIn).toBe(72);
    const past = rippleTrim(r.clips, bin, R24, 0, 'tail', 100);
    expect(past.clips[0]!.outSec).toBeNull();
    expect(past.applied).toBe(24);
  });

  it('ripple-trims a head down to the shortest clip the crossfades allow', () => {
    const faded = setTransition(three, 1, { kind: 'crossfade', durationSec: 1 }, bin);
    const r = rippleTrim(faded, bin, R24, 1, 'head', 1000);
    const s = layout(r.clips, bin).spans[1]!;
    expect(s.recOut - s.recIn).toBeGreaterThanOrEqual(s.fadeIn + s.fadeOut);
    expect(layout(r.clips, bin).problem).toBeUndefined();
  });

  it('rolls an edit: the outgoing out and the incoming in move together, the length stays', () => {
    const trimmed = rippleTrim(three, bin, R24, 0, 'tail', -48).clips;
    const before = layout(trimmed, bin).totalFrames;
    const r = rollEdit(trimmed, bin, R24, 1, 12);
    expect(r.clips[0]).toMatchObject({ outSec: 2.5 });
    expect(r.clips[1]).toMatchObject({ inSec: 0.5 });
    expect(layout(r.clips, bin).totalFrames).toBe(before);
    // Rolling left past the incoming clip's first frame is clamped there.
    expect(rollEdit(r.clips, bin, R24, 1, -1000).applied).toBe(-12);
    expect(rollEdit(three, bin, R24, 1, 5).applied).toBe(0); // the outgoing clip has no more frames
  });

  it('sets a crossfade length from a drag, clamped to both clips, zero making a cut', () => {
    const r = setFadeFrames(three, bin, R24, 1, 12);
    expect(r.clips[1]!.transitionIn).toEqual({ kind: 'crossfade', durationSec: 0.5 });
    expect(setFadeFrames(r.clips, bin, R24, 1, 0).clips[1]!.transitionIn).toEqual({ kind: 'cut' });
    const huge = setFadeFrames(three, bin, R24, 1, 10_000).clips[1]!.transitionIn;
    expect(huge.kind === 'crossfade' && huge.durationSec).toBeLessThan(4);
  });

  it('marks in and out at a frame, and refuses a mark that leaves the clip too short for its crossfade', () => {
    const inAt = markAt(three, bin, R24, 1, 30, 'in');
    expect(inAt.clips?.[1]).toMatchObject({ inSec: 1.25 });
    const outAt = markAt(three, bin, R24, 1, 47, 'out');
    expect(outAt.clips?.[1]).toMatchObject({ outSec: 2 });
    const faded = setTransition(three, 1, { kind: 'crossfade', durationSec: 1 }, bin);
    const refused = markAt(faded, bin, R24, 1, 90, 'in');
    expect(refused.problem).toMatch(/too short for its crossfades: nothing was changed/);
  });

  it('refuses typed trims that cannot work, with the reason, instead of moving the other point', () => {
    const trimmed = [clip(1, { inSec: 1, outSec: 2 }), clip(2)];
    expect(trimProblem(trimmed, 0, { inSec: 2.5 }, bin)).toBe('The in point (2.5 s) must come before the out point (2 s).');
    expect(trimProblem(trimmed, 0, { outSec: 9 }, bin)).toBe('The out point (9 s) is past the end of the clip (4 s).');
    expect(trimProblem(trimmed, 0, { inSec: 1.5 }, bin)).toBeUndefined();
    const faded = setTransition([clip(1), clip(2)], 1, { kind: 'crossfade', durationSec: 1 }, bin);
    expect(trimProblem(faded, 1, { outSec: 0.8 }, bin)).toMatch(/too short for the clip's crossfades/);
  });
});

describe('J/K/L', () => {
  it('climbs the ladder with repeated L, resets with K, reverses with J, inches with K held', () => {
    let rate = 0;
    const seq = (keys: ('J' | 'K' | 'L' | 'Space')[]) => keys.map((k) => (rate = shuttle({ rate }, k).rate));
    expect(seq(['L', 'L', 'L', 'L', 'L'])).toEqual([1, 2, 4, 8, 8]);
    expect(seq(['K', 'L'])).toEqual([0, 1]);
    expect(seq(['J', 'J', 'J'])).toEqual([-1, -2, -4]);
    expect(seq(['L'])).toEqual([1]);
    expect(seq(['Space', 'Space'])).toEqual([0, 1]);
    expect(shuttle({ rate: 0 }, 'L', true)).toEqual({ rate: 0, step: 1 });
    expect(shuttle({ rate: 2 }, 'J', true)).toEqual({ rate: 0, step: -1 });
  });
});

describe('zoom and snapping', () => {
  it('keeps the time under the anchor still while zooming', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.5, max: 500, noNaN: true }), fc.double({ min: 0, max: 5000, noNaN: true }), fc.double({ min: 0.2, max: 5, noNaN: true }), fc.double({ min: 0, max: 1200, noNaN: true }), (pps, scroll, factor, anchor) => {
        const before = xToTime(scroll + anchor, pps);
        const next = zoomAround({ pps, scrollLeft: scroll }, factor, anchor);
        if (next.scrollLeft > 0) expect(xToTime(next.scrollLeft + anchor, next.pps)).toBeCloseTo(before, 6);
        expect(next.pps).toBe(clampPps(pps * factor));
      }),
    );
  });

  it('fits the sequence into the view and picks ruler steps that read', () => {
    const pps = fitPps(100, 1000);
    expect(timeToX(100, pps)).toBeLessThanOrEqual(1000);
    expect(rulerSteps(40, 24)).toEqual({ label: 5, tick: 0.5 });
    const close = rulerSteps(1000, 24);
    expect(close.tick).toBeCloseTo(1 / 24);
  });

  it('snaps within a few pixels only', () => {
    expect(snapTo(10.05, [10, 20], 100)).toEqual({ sec: 10, snapped: true });
    expect(snapTo(10.2, [10, 20], 100).sec).toBe(10.2);
    expect(snapTo(10.05, [10], 100, false).sec).toBe(10.05);
  });
});

describe('the viewer mixes crossfades with two videos', () => {
  it('puts consecutive clips on alternate elements, the incoming one on top at the xfade weight', () => {
    const bin = [binClip(1, 2), binClip(2, 2), binClip(3, 2)];
    const clips = setTransition([clip(1), clip(2), clip(3)], 1, { kind: 'crossfade', durationSec: 0.5 }, bin);
    const lay = layout(clips, bin);
    const mid = planViewer(lay, { pos: 36 + 6, rate: 0, preview: null });
    expect(mid.plans[0]).toMatchObject({ rowId: 1, visible: true, top: false, opacity: 1, volume: 0.5 });
    expect(mid.plans[1]).toMatchObject({ rowId: 2, visible: true, top: true, opacity: 0.5, volume: 0.5 });
    expect(mid.plans[1]!.time).toBeCloseTo((6 + 0.5) / 24, 9);
    // On clip 1 alone, clip 2 waits on the other element at its first frame, hidden.
    const first = planViewer(lay, { pos: 10, rate: 0, preview: null });
    expect(first.plans[1]).toMatchObject({ rowId: 2, visible: false });
    expect(first.plans[0]!.time).toBeCloseTo(10.5 / 24, 9);
  });
});

describe('the music bed as the export mixes it', () => {
  it('plays at its volume, fades linearly to nothing at the end of the sequence or the music', () => {
    const bed = bedOf(20, 60, 0.5, 4);
    expect(gainAt(bed, 10)).toBe(0.5);
    expect(gainAt(bed, 18)).toBeCloseTo(0.25);
    expect(gainAt(bed, 20)).toBe(0);
    expect(bedOf(20, 8, 1, 3)).toEqual({ endSec: 8, fadeStart: 5, volume: 1 });
  });
});

describe('keys and panes', () => {
  const ev = (key: string, mods: Partial<{ ctrlKey: boolean; shiftKey: boolean; altKey: boolean; metaKey: boolean }> = {}) => ({ key, ctrlKey: false, shiftKey: false, altKey: false, metaKey: false, ...mods });
  const find = (e: ReturnType<typeof ev>) => entryFor(e)?.id;

  it('matches letters by the character typed and modifiers exactly', () => {
    expect(find(ev('l'))).toBe('shuttle-forward');
    expect(find(ev('L', { shiftKey: true }))).toBeUndefined();
    expect(find(ev('Z', { ctrlKey: true, shiftKey: true }))).toBe('redo');
    expect(find(ev('z', { metaKey: true }))).toBe('undo');
    expect(find(ev('Delete', { shiftKey: true }))).toBe('ripple-delete');
    expect(find(ev('Delete'))).toBe('lift');
    expect(find(ev('?', { shiftKey: true }))).toBe('shortcuts');
  });

  it('gives every key one action (no key bound twice where both would run)', () => {
    const seen = new Map<string, string>();
    for (const a of KEYMAP.filter((x) => !x.documented)) {
      for (const b of a.keys) {
        const id = `${b.key.toLowerCase()}|${!!b.ctrl}|${!!b.alt}|${b.anyShift ? '*' : !!b.shift}`;
        expect(seen.get(id), `${id} is bound to ${seen.get(id)} and ${a.id}`).toBeUndefined();
        seen.set(id, a.id);
      }
    }
  });

  it('reads stored pane sizes back clamped, and falls back to the defaults for anything odd', () => {
    const store = new Map<string, string>();
    const storage = { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => void store.set(k, v) };
    expect(loadSizes('upper', storage)).toEqual(defaultSizes('upper'));
    saveSizes('upper', { left: 70, viewer: 30 }, storage);
    expect(loadSizes('upper', storage)).toEqual({ left: 70, viewer: 30 });
    expect(clampSizes('upper', { left: 99, viewer: 1 })).toEqual({ left: 80, viewer: 20 });
    expect(clampSizes('upper', { left: 'wide' })).toEqual(defaultSizes('upper'));
    expect(clampSizes('main', null)).toEqual(defaultSizes('main'));
    store.set('venice-batch:layout:v1', '{not json');
    expect(loadSizes('left', storage)).toEqual(defaultSizes('left'));
  });
});

describe('frame arithmetic', () => {
  it('converts frames and seconds exactly at NTSC rates', () => {
    expect(framesToSec(30000, { num: 30000, den: 1001 })).toBe(1001);
    expect(layersAt(layout([], []), 0)).toEqual([]);
  });
});
