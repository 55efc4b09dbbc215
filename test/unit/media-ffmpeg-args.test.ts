/**
 * The text export hands to ffmpeg, checked without running it: the concat list only ever holds app-made names, the
 * conform graph places crossfades at the layout's offsets and fills silent clips from anullsrc, progress lines
 * parse, and an output name cannot leave its folder.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { concatListText, losslessArgs } from '../../main/core/media/concat-lossless';
import { conformFilterGraph, runsOf } from '../../main/core/media/conform-graph';
import { fcpTime, xmlAttr } from '../../main/core/media/fcpxml';
import { edlClipName, edlText } from '../../main/core/media/edl';
import { timecodeFrames, timecodeLabel } from '../../main/core/media/timecode';
import { progressSeconds, shellQuote } from '../../main/core/media/ffmpeg-run';
import { outputTarget } from '../../main/core/media/place-output';
import { parseTimeline } from '../../main/core/media/timeline';
import { layoutTimeline } from '../../main/core/media/timeline-layout';
import { safeExt } from '../../main/core/media/work-dir';

describe('concat list', () => {
  it('lists app-made names, relative, quoted', () => {
    expect(concatListText(['in-0001.mp4', 'in-0002.mp4'])).toBe("ffconcat version 1.0\nfile 'in-0001.mp4'\nfile 'in-0002.mp4'\n");
  });
  it('refuses anything that is not an app-made name', () => {
    for (const bad of ["a'\nfile '/etc/passwd", '/abs/clip.mp4', '../up.mp4', '-x.mp4', 'sp ace.mp4', '.hidden.mp4']) {
      expect(() => concatListText([bad])).toThrow(/non-app name/);
    }
  });
  it('stream-copies with the demuxer in safe mode', () => {
    const args = losslessArgs('list.ffconcat', 'out.mp4', true);
    expect(args.join(' ')).toContain('-f concat -safe 1 -i list.ffconcat');
    expect(args).toContain('copy');
  });
});

describe('conform graph', () => {
  const fps = { num: 12, den: 1 };
  const t = parseTimeline({
    clips: [
      { id: 'a', file: '/a.mp4' },
      { id: 'b', file: '/b.mp4', inSec: 0.5 },
      { id: 'c', file: '/c.mp4', transitionIn: { kind: 'crossfade', durationSec: 0.5 } },
    ],
  });
  const layout = layoutTimeline(t, [2, 2, 2], fps);
  const target = { preset: '720p' as const, width: 1280, height: 720, fps };
  const graph = conformFilterGraph({ layout, target, hasAudio: [true, false, true] });

  it('groups clips joined by cuts, a crossfade starts a new run', () => {
    expect(runsOf(layout.spans).map((r) => r.map((s) => s.id))).toEqual([['a', 'b'], ['c']]);
  });
  it('trims on the source, conforms frame, rate and pixel format', () => {
    // Scaled on the clip's own frames, resampled to the timeline's rate from its first frame, then cut by frame
    // number (0.5 s in at 12 fps is frame 6): the frames conformed hand-off media holds.
    expect(graph).toContain('[1:v:0]setpts=PTS-STARTPTS,scale=1280:720:force_original_aspect_ratio=decrease');
    expect(graph).toContain('fps=12,trim=start_frame=6:end_frame=24,');
    expect(graph).toContain('pad=1280:720:(ow-iw)/2:(oh-ih)/2');
    expect(graph).toContain('format=yuv420p');
  });
  it('makes silence for a clip without audio, exactly as long as the clip', () => {
    expect(graph).toContain('anullsrc=r=48000:cl=stereo,atrim=duration=1.5');
    expect(graph).not.toContain('[1:a:0]');
  });
  it('crossfades at the offset computed from the real durations: 2 + 1.5 - 0.5 = 3', () => {
    expect(graph).toContain('xfade=transition=fade:duration=0.5:offset=3[xv1]');
    expect(graph).toContain('acrossfade=d=0.5');
    expect(graph).toContain('settb=1/12');
  });
  it('mixes a music bed under the clips with a fade out at the end', () => {
    const g = conformFilterGraph({ layout, target, hasAudio: [true, false, true], music: { inputIndex: 3, durationSec: 60, volume: 0.5, fadeOutSec: 2 } });
    // The sequence lasts 5 s: the bed is cut there and fades over its last 2 s.
    expect(g).toContain('[3:a:0]aresample=48000');
    expect(g).toContain('atrim=duration=5');
    expect(g).toContain('afade=t=out:st=3:d=2');
    expect(g).toContain('amix=inputs=2:duration=first:dropout_transition=0:normalize=0[aout]');
  });
});

describe('ffmpeg plumbing', () => {
  it('reads progress lines', () => {
    expect(progressSeconds('out_time_us=2500000')).toBe(2.5);
    expect(progressSeconds('out_time_ms=1000000')).toBe(1);
    expect(progressSeconds('out_time=00:01:02.500000')).toBe(62.5);
    expect(progressSeconds('frame=12')).toBeUndefined();
  });
  it('quotes for the log only', () => {
    expect(shellQuote('in-0001.mp4')).toBe('in-0001.mp4');
    expect(shellQuote("it's $(x)")).toBe(`'it'\\''s $(x)'`);
  });
  it('keeps only plain extensions for linked inputs', () => {
    expect(safeExt('/a/B.MP4')).toBe('.mp4');
    expect(safeExt('/a/evil.mp4;rm -rf')).toBe('.bin');
  });
});

describe('output names', () => {
  it('stays in the chosen folder and sanitizes the name', () => {
    const dir = path.resolve('/exports');
    expect(outputTarget('/exports/My film.mp4', '.mp4')).toEqual({ dir, target: path.join(dir, 'My film.mp4') });
    expect(outputTarget('/exports/a:b|c?.MP4', '.mp4').target).toBe(path.join(dir, 'a-b-c-.mp4'));
    expect(outputTarget('/exports/-rf --help', '.mp4').target).toBe(path.join(dir, 'rf --help.mp4'));
    expect(outputTarget('/exports/..', '.mp4').target.startsWith(path.resolve('/'))).toBe(true);
    expect(path.dirname(outputTarget('/exports/line\nbreak.mp4', '.mp4').target)).toBe(dir);
  });
});

describe('hand-off formats', () => {
  it('EDL timecodes count frames of an integer base', () => {
    expect(timecodeLabel(0, 16)).toBe('00:00:00:00');
    expect(timecodeLabel(16 * 3661 + 5, 16)).toBe('01:01:01:05');
  });

  it('drop-frame labels skip frame numbers 0 and 1 each minute but every tenth, and read back', () => {
    expect(timecodeLabel(1799, 30, true)).toBe('00:00:59;29');
    expect(timecodeLabel(1800, 30, true)).toBe('00:01:00;02');
    expect(timecodeLabel(17982, 30, true)).toBe('00:10:00;00');
    expect(timecodeLabel(107892, 30, true)).toBe('01:00:00;00');
    for (const f of [0, 1799, 1800, 17981, 17982, 107892, 123456]) expect(timecodeFrames(timecodeLabel(f, 30, true), 30)).toEqual({ frames: f, dropFrame: true });
    expect(timecodeFrames('00:00:01:12', 12)).toBeUndefined();
  });

  it('EDL clip names are printable ASCII that fits a CMX 3600 comment line', () => {
    expect(edlClipName('Straße à côté — 夜')).toBe('Stra_e a cote _ _');
    expect(edlClipName('x'.repeat(200))).toHaveLength(62);
    expect(edlText('two\nlines\r\tand\u0007bell')).toBe('two lines  and bell');
  });
  it('FCPXML times are reduced rationals', () => {
    expect(fcpTime(0, { num: 16, den: 1 })).toBe('0s');
    expect(fcpTime(32, { num: 16, den: 1 })).toBe('2s');
    expect(fcpTime(8, { num: 16, den: 1 })).toBe('1/2s');
    expect(fcpTime(30, { num: 30000, den: 1001 })).toBe('1001/1000s');
  });
  it('XML attributes carry any name', () => {
    expect(xmlAttr(`a"b'<c>&\nd\u0001`)).toBe('a&quot;b&apos;&lt;c&gt;&amp;&#10;d\ufffd');
  });
});
