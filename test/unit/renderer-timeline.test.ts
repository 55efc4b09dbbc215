import { describe, expect, it } from 'vitest';
import { groupTakes, insertFromBin, removeAt, reorder, setTransition, setTrim, swapTake, totalDuration, trimmedLength } from '../../renderer/src/timeline/edit';
import { clock } from '../../renderer/src/timeline/format';
import { layersAt, layout } from '../../renderer/src/timeline/frames';
import type { BinClip, TimelineClip } from '../../renderer/src/timeline/types';

function binClip(rowId: number, row: number, take: number, durationSec: number | null, problem: string | null = null): BinClip {
  return { rowId, row, take, label: `Row ${row}`, fileName: `r${rowId}.mp4`, durationSec, width: 1280, height: 720, fps: '24/1', hasAudio: true, problem };
}
const bin: BinClip[] = [binClip(1, 1, 1, 5), binClip(2, 2, 1, 4), binClip(3, 3, 1, 6), binClip(4, 2, 2, 8), binClip(5, 4, 1, 3, 'The file is missing.')];
const clip = (rowId: number, extra: Partial<TimelineClip> = {}): TimelineClip => ({ rowId, inSec: 0, outSec: null, transitionIn: { kind: 'cut' }, ...extra });
const base = [clip(1), clip(2), clip(3)];

describe('timeline edits', () => {
  it('reorders and keeps the first clip cutting in', () => {
    const withFade = setTransition(base, 1, { kind: 'crossfade', durationSec: 1 }, bin);
    const moved = reorder(withFade, 1, 0, bin);
    expect(moved.map((c) => c.rowId)).toEqual([2, 1, 3]);
    expect(moved[0]!.transitionIn).toEqual({ kind: 'cut' });
    expect(reorder(base, 0, 9, bin).map((c) => c.rowId)).toEqual([1, 2, 3]);
  });

  it('removes a clip, and the new first clip loses its transition', () => {
    const faded = setTransition(base, 1, { kind: 'crossfade', durationSec: 0.5 }, bin);
    const next = removeAt(faded, 0, bin);
    expect(next.map((c) => c.rowId)).toEqual([2, 3]);
    expect(next[0]!.transitionIn.kind).toBe('cut');
  });

  it('inserts from the bin untrimmed, but never a clip with a problem', () => {
    expect(insertFromBin(base, 4, bin, 1).map((c) => c.rowId)).toEqual([1, 4, 2, 3]);
    expect(insertFromBin(base, 4, bin).at(-1)).toEqual(clip(4));
    expect(insertFromBin(base, 5, bin)).toEqual(base);
    expect(insertFromBin(base, 99, bin)).toEqual(base);
  });

  it('clamps trims into the clip and keeps a minimum length', () => {
    expect(setTrim(base, 0, { inSec: -3 }, bin)[0]).toMatchObject({ inSec: 0 });
    expect(setTrim(base, 0, { outSec: 7 }, bin)[0]).toMatchObject({ outSec: null });
    const trimmed = setTrim(base, 0, { inSec: 1, outSec: 3.5 }, bin)[0]!;
    expect(trimmed).toMatchObject({ inSec: 1, outSec: 3.5 });
    expect(trimmedLength(trimmed, bin)).toBeCloseTo(2.5);
    // Moving in past out pushes out along; moving out before in pulls in back.
    const pushed = setTrim([trimmed], 0, { inSec: 4 }, bin)[0]!;
    expect(pushed.inSec).toBe(4);
    expect(pushed.outSec).toBeCloseTo(4.1);
    const pulled = setTrim([trimmed], 0, { outSec: 0.5 }, bin)[0]!;
    expect(pulled.outSec).toBe(0.5);
    expect(pulled.inSec).toBeCloseTo(0.4);
    expect(setTrim(base, 0, { inSec: 99 }, bin)[0]!.inSec).toBeCloseTo(4.9);
  });

  it('sets transitions, clamped to both clips, never on the first clip', () => {
    expect(setTransition(base, 0, { kind: 'crossfade', durationSec: 1 }, bin)[0]!.transitionIn.kind).toBe('cut');
    const long = setTransition(base, 1, { kind: 'crossfade', durationSec: 9 }, bin)[1]!.transitionIn;
    expect(long.kind).toBe('crossfade');
    expect(long.kind === 'crossfade' && long.durationSec).toBeLessThan(4);
    // Trimming a clip shorter than its crossfade shortens the crossfade with it.
    const faded = setTransition(base, 1, { kind: 'crossfade', durationSec: 2 }, bin);
    const shortened = setTrim(faded, 1, { outSec: 1 }, bin)[1]!.transitionIn;
    expect(shortened.kind === 'crossfade' && shortened.durationSec).toBeLessThan(1);
    expect(setTransition(faded, 1, { kind: 'cut' }, bin)[1]!.transitionIn).toEqual({ kind: 'cut' });
  });

  it('swaps a take keeping the trims where they fit the new take', () => {
    const trimmed = setTrim(base, 1, { inSec: 1, outSec: 3.5 }, bin);
    expect(swapTake(trimmed, 1, 4, bin)[1]).toMatchObject({ rowId: 4, inSec: 1, outSec: 3.5 });
    // Back to the 4 s take from an 8 s one trimmed past 4 s: the out point goes back to the end.
    const long = setTrim(swapTake(base, 1, 4, bin), 1, { inSec: 2, outSec: 6 }, bin);
    expect(swapTake(long, 1, 2, bin)[1]).toMatchObject({ rowId: 2, inSec: 2, outSec: null });
    // An in point with too little after it goes back to the start.
    const late = setTrim(swapTake(base, 1, 4, bin), 1, { inSec: 7 }, bin);
    expect(swapTake(late, 1, 2, bin)[1]).toMatchObject({ rowId: 2, inSec: 0, outSec: null });
    expect(swapTake(base, 1, 5, bin)).toEqual(base);
  });

  it('totals trimmed lengths less crossfade overlaps', () => {
    let clips = setTrim(base, 0, { inSec: 0.5, outSec: 4 }, bin);
    clips = setTransition(clips, 2, { kind: 'crossfade', durationSec: 0.75 }, bin);
    expect(totalDuration(clips, bin)).toBeCloseTo(3.5 + 4 + 6 - 0.75, 3);
    expect(totalDuration([], bin)).toBe(0);
  });

  it('groups takes of one row together in row order', () => {
    const groups = groupTakes(bin);
    expect(groups.map((g) => g.row)).toEqual([1, 2, 3, 4]);
    expect(groups[1]!.takes.map((t) => t.rowId)).toEqual([2, 4]);
  });
});

describe('sequence playback', () => {
  it('places clips in frames with crossfade overlaps and finds the clips at a frame', () => {
    let clips = setTrim(base, 1, { inSec: 1 }, bin);
    clips = setTransition(clips, 1, { kind: 'crossfade', durationSec: 1 }, bin);
    const lay = layout(clips, bin);
    expect(lay.rate).toEqual({ num: 24, den: 1 });
    expect(lay.spans.map((s) => s.recIn)).toEqual([0, 4 * 24, 7 * 24]);
    expect(lay.spans[1]).toMatchObject({ confIn: 24, fadeIn: 24, recOut: 7 * 24 });
    expect(layersAt(lay, 2 * 24).map((l) => [l.span.index, l.srcFrame, l.mix])).toEqual([[0, 48, 1]]);
    // Half way through the crossfade both clips show, the incoming one at half weight.
    expect(layersAt(lay, 4 * 24 + 12).map((l) => [l.span.index, l.mix])).toEqual([
      [0, 0.5],
      [1, 0.5],
    ]);
    expect(layersAt(lay, 8 * 24)[0]?.span.index).toBe(2);
  });

  it('formats clock times', () => {
    expect(clock(65.25)).toBe('1:05.3');
    expect(clock(null)).toBe('–');
  });
});
