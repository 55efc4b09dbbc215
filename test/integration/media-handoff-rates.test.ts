/**
 * Every hand-off file, at every common frame rate, read back by the independent reader (test/support/
 * handoff-readers.ts, written from the formats' descriptions, not from our writers) and held against ffprobe's view
 * of the media and of the stitched MP4. The clips are "coded": each frame's luma is 16 + its frame number and its
 * chroma names the clip, encoded losslessly, and the export is rendered losslessly too, so each frame of the
 * stitched MP4 says which clip and which of its frames it shows: the events' record and source ranges are checked
 * against the pictures themselves, not against our own arithmetic.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportPlan, planExport, probeTimeline, type ExportPlan } from '../../main/core/media/export';
import { useMediaBinaries } from '../../main/core/media/ffmpeg-binaries';
import { conformAll, handoffText, type ConformedSet } from '../../main/core/media/handoff';
import { buildHandoffPlan, type HandoffMediaMode } from '../../main/core/media/handoff-plan';
import { synthClip } from '../../main/core/media/synth-clip';
import type { TimelineInput } from '../../main/core/media/timeline';
import { fcpxmlDtdProblems } from '../support/fcpxml-dtd';
import { readEdl, readFcpxml, readOtio, readXmeml, type Rate, type ReadClip, type ReadCut } from '../support/handoff-readers';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'vb-handoff-rates-'));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

// ---- ffprobe's view ----

interface Probed {
  rate: Rate;
  frames: number;
  timecode: string | undefined;
}

// Asynchronous: counting frames can take seconds on a busy machine, and the test's event loop must stay free.
const run = promisify(execFile);

async function ffprobe(file: string): Promise<Probed> {
  const out = JSON.parse(
    (await run(useMediaBinaries().ffprobe, ['-v', 'error', '-count_frames', '-select_streams', 'v:0', '-show_entries', 'stream=r_frame_rate,nb_read_frames:stream_tags=timecode', '-of', 'json', file], { encoding: 'utf8' })).stdout,
  ) as { streams: Array<{ r_frame_rate: string; nb_read_frames: string; tags?: { timecode?: string } }> };
  const s = out.streams[0];
  if (!s) throw new Error(`no video in ${file}`);
  const [num, den] = s.r_frame_rate.split('/').map(Number) as [number, number];
  return { rate: { num, den }, frames: Number(s.nb_read_frames), timecode: s.tags?.timecode };
}

/** Per frame of the file: [Y, U, V] averages (signalstats), in order. */
async function frameCodes(file: string): Promise<Array<[number, number, number]>> {
  const { stdout: out } = await run(
    useMediaBinaries().ffprobe,
    ['-v', 'error', '-f', 'lavfi', '-i', `movie=${file.replace(/([\\':,;[\]])/g, '\\$1')},signalstats`, '-show_entries', 'frame_tags=lavfi.signalstats.YAVG,lavfi.signalstats.UAVG,lavfi.signalstats.VAVG', '-of', 'csv=p=0'],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  return out
    .trim()
    .split('\n')
    .map((l) => l.split(',').map(Number) as [number, number, number]);
}

const sameRate = (a: Rate, b: Rate) => a.num * b.den === b.num * a.den;
const toOwn = (recFrames: number, own: Rate, tl: Rate) => (recFrames * own.num * tl.den) / (own.den * tl.num);

// ---- fixtures ----

const CODES = [
  { u: 60, v: 200 },
  { u: 200, v: 60 },
  { u: 90, v: 90 },
];

async function codedClip(name: string, fps: string, seconds: number, k: number, timecode?: string, audio = true): Promise<string> {
  return synthClip(path.join(dir, name), {
    width: 160,
    height: 96,
    fps,
    seconds,
    pattern: 'coded',
    code: CODES[k],
    lossless: true,
    timecode,
    ...(audio ? { audio: { sampleRate: 48000, channels: 2 } } : {}),
  });
}

interface Case {
  label: string;
  rates: [string, string, string];
  timecodes?: [string?, string?, string?];
  expectDf?: boolean;
}

/** A: whole; B: trimmed 0.5-1.75 s, dissolving in over 0.5 s; C: a cut, trimmed at its head; two markers. */
function timelineOf(files: string[]): TimelineInput {
  return {
    clips: [
      { id: 'a', file: files[0] as string, label: 'Opening shot' },
      { id: 'b', file: files[1] as string, label: 'Straße à côté — 夜', inSec: 0.5, outSec: 1.75, transitionIn: { kind: 'crossfade', durationSec: 0.5 } },
      { id: 'c', file: files[2] as string, label: 'Closing', inSec: 0.25 },
    ],
    markers: [
      { id: 'm1', at: 0.5, note: 'Logo here' },
      { id: 'm2', at: 2.6, note: 'Music swell' },
    ],
  };
}

interface Rendered {
  plan: ExportPlan;
  output: string;
  mp4: Probed;
  codes: Array<[number, number, number]>;
  media: Probed[];
  files: string[];
}

async function render(c: Case, tag: string): Promise<Rendered> {
  const files: string[] = [];
  for (const [k, r] of c.rates.entries()) files.push(await codedClip(`${tag}-${k}.mp4`, r, 2, k, c.timecodes?.[k]));
  const plan = planExport(await probeTimeline(timelineOf(files)), 'match');
  const report = await exportPlan(plan, { out: path.join(dir, `${tag}-out.mp4`), encoder: { x264Preset: 'ultrafast', crf: 0 } });
  return { plan, output: report.output, mp4: await ffprobe(report.output), codes: await frameCodes(report.output), media: await Promise.all(files.map(ffprobe)), files };
}

async function readAll(r: Rendered, mode: HandoffMediaMode, conformed?: ConformedSet): Promise<Record<string, ReadCut>> {
  const h = buildHandoffPlan(r.plan, { title: 'Night cut', mode, conformed: conformed?.media });
  const tl = r.mp4.rate;
  const confProbes = await Promise.all((conformed?.media ?? []).map(async (m) => [m.file, await ffprobe(m.file)] as const));
  const probes = new Map<string, Probed>([...r.files.map((f, i) => [f, r.media[i] as Probed] as const), ...confProbes]);
  const edlText = handoffText('edl', h);
  const fcpxml = handoffText('fcpxml', h);
  const edl = readEdl(edlText, tl, (file) => {
    const p = probes.get(file);
    if (!p) throw new Error(`EDL names an unknown file ${file}`);
    return { rate: p.rate, timecode: p.timecode };
  });
  // CMX 3600 line limits: every line but the full-path comment fits 80 columns; names are printable ASCII.
  for (const line of edlText.split('\r\n')) {
    if (!line.startsWith('* SOURCE FILE:')) expect(line.length, line).toBeLessThanOrEqual(80);
    if (/^\* (FROM|TO) CLIP NAME:/.test(line)) expect(line).toMatch(/^[\x20-\x7e]*$/);
  }
  const fcp = readFcpxml(fcpxml);
  expect(fcpxmlDtdProblems(fcp.root)).toEqual([]);
  return { edl, fcpxml: fcp, xmeml: readXmeml(handoffText('xmeml', h)), otio: readOtio(handoffText('otio', h)) };
}

/** The stitched MP4's frames inside each clip's range (away from dissolves) show that clip's source frames. */
function checkAgainstPictures(r: Rendered, cut: ReadCut, sourceOf: (c: ReadClip, i: number) => { rate: Rate; first: number }) {
  const tl = r.mp4.rate;
  cut.clips.forEach((c, i) => {
    const next = cut.clips[i + 1];
    const from = c.recIn + c.fadeIn;
    const to = next ? next.recIn : c.recOut;
    const { rate } = sourceOf(c, i);
    for (let rec = from; rec < to; rec++) {
      const [y, u, v] = r.codes[rec] as [number, number, number];
      expect([Math.round(u), Math.round(v)], `record frame ${rec} should show clip ${i + 1}`).toEqual([CODES[i]?.u, CODES[i]?.v]);
      // The source frame on screen: srcIn + elapsed record time at the clip's own rate (a slower clip's frame
      // holds for several timeline frames; ffmpeg's fps filter may pick its neighbour at a boundary).
      const expected = c.srcIn + toOwn(rec - c.recIn, rate, tl);
      expect(Math.abs(y - 16 - expected), `record frame ${rec}: luma ${y} vs source frame ${expected}`).toBeLessThanOrEqual(sameRate(rate, tl) ? 0.01 : 1);
    }
  });
}

function checkCut(r: Rendered, cut: ReadCut, name: string, media: Probed[]) {
  const tl = r.mp4.rate;
  expect(sameRate(cut.rate, tl), `${name}: sequence rate`).toBe(true);
  expect(cut.totalFrames, `${name}: sequence length = the MP4's frames`).toBe(r.mp4.frames);
  expect(cut.clips).toHaveLength(3);
  cut.clips.forEach((c, i) => {
    const m = media[i] as Probed;
    const where = `${name} clip ${i + 1}`;
    if (name !== 'edl') expect(sameRate(c.rate, m.rate), `${where}: declared rate ${c.rate.num}/${c.rate.den} vs ffprobe ${m.rate.num}/${m.rate.den}`).toBe(true);
    // Source range: whole frames of the clip's own rate, inside the media, lasting exactly as long as the record range.
    expect(Number.isInteger(c.srcIn) && Number.isInteger(c.srcOut), `${where}: whole source frames (${c.srcIn}-${c.srcOut})`).toBe(true);
    expect(c.srcIn, where).toBeGreaterThanOrEqual(0);
    expect(c.srcOut, where).toBeLessThanOrEqual(m.frames);
    expect(c.srcOut - c.srcIn, `${where}: source lasts as long as record`).toBe(toOwn(c.recOut - c.recIn, m.rate, tl));
  });
  // The record ranges tile the sequence: each clip starts where the previous one's dissolve starts.
  expect(cut.clips[0]?.recIn).toBe(0);
  cut.clips.forEach((c, i) => i > 0 && expect(c.recIn, `${name}: clip ${i + 1} record in`).toBe((cut.clips[i - 1] as ReadClip).recOut - c.fadeIn));
}

const CASES: Case[] = [
  { label: '12 fps', rates: ['12', '12', '12'] },
  { label: '16 fps', rates: ['16', '16', '16'] },
  { label: '23.976 fps', rates: ['24000/1001', '24000/1001', '24000/1001'], timecodes: ['01:00:00:00', undefined, '00:10:00:00'] },
  { label: '24 fps', rates: ['24', '24', '24'], timecodes: [undefined, '12:34:56:23', undefined] },
  { label: '25 fps', rates: ['25', '25', '25'], timecodes: ['10:00:00:00', '10:00:00:00', undefined] },
  { label: '29.97 fps non-drop', rates: ['30000/1001', '30000/1001', '30000/1001'], timecodes: ['01:00:00:00', '00:09:59:28', undefined] },
  { label: '29.97 fps drop-frame', rates: ['30000/1001', '30000/1001', '30000/1001'], timecodes: ['01:00:00;00', '00:09:59;28', '00:00:59;28'], expectDf: true },
  { label: '30 fps', rates: ['30', '30', '30'] },
];

describe.each(CASES)('hand-off at $label', (c) => {
  it('EDL, FCPXML, FCP 7 XML and OTIO read back as the pictures of the stitched MP4, in each clip\'s own frames', async () => {
    const tag = c.label.replace(/\W+/g, '_');
    const r = await render(c, tag);
    const cuts = await readAll(r, 'native');
    for (const [name, cut] of Object.entries(cuts)) {
      checkCut(r, cut, name, r.media);
      checkAgainstPictures(r, cut, (_, i) => ({ rate: (r.media[i] as Probed).rate, first: 0 }));
      if (name !== 'otio') expect(cut.dropFrame, `${name}: drop-frame`).toBe(c.expectDf === true);
      // Markers land on the frame of their time, in every format.
      expect(cut.markers.map((m) => m.frame), name).toEqual([Math.round(0.5 * r.mp4.rate.num / r.mp4.rate.den), Math.round((2.6 * r.mp4.rate.num) / r.mp4.rate.den)]);
      expect(cut.markers.map((m) => m.note), name).toEqual(['Logo here', 'Music swell']);
    }
    // All four formats describe the same cut.
    const shape = (cut: ReadCut) => cut.clips.map((x) => [x.file, x.srcIn, x.srcOut, x.recIn, x.recOut, x.fadeIn]);
    expect(shape(cuts.fcpxml as ReadCut)).toEqual(shape(cuts.edl as ReadCut));
    expect(shape(cuts.xmeml as ReadCut)).toEqual(shape(cuts.edl as ReadCut));
    expect(shape(cuts.otio as ReadCut)).toEqual(shape(cuts.edl as ReadCut));
    // The EDL's source timecodes start from each clip's own embedded timecode.
    const edl = handoffText('edl', buildHandoffPlan(r.plan, { title: 't' }));
    const firstSrc = edl.split('\r\n').find((l) => /^001 /.test(l))?.split(/\s+/)[4];
    expect(firstSrc).toBe(c.timecodes?.[0] ?? '00:00:00:00');
  }, 120_000);
});

describe('mixed rates on one timeline', () => {
  it('12, 16 and 24 fps clips on a 24 fps timeline: each source counted at its own rate, exact', async () => {
    const r = await render({ label: 'mixed', rates: ['12', '16', '24'] }, 'mixed-12-16-24');
    expect(r.mp4.rate).toEqual({ num: 24, den: 1 });
    const cuts = await readAll(r, 'native');
    for (const [name, cut] of Object.entries(cuts)) {
      checkCut(r, cut, name, r.media);
      checkAgainstPictures(r, cut, (_, i) => ({ rate: (r.media[i] as Probed).rate, first: 0 }));
    }
    // A 12 fps source timecode never has a frame field of 12 or more.
    const edl = handoffText('edl', buildHandoffPlan(r.plan, { title: 't' }));
    const line = edl.split('\r\n').find((l) => /^001 /.test(l)) as string;
    for (const tc of line.split(/\s+/).slice(4, 6)) expect(Number(tc.split(':')[3])).toBeLessThan(12);
  }, 120_000);

  it('25 and 29.97 fps clips on a 30 fps timeline: conformed hand-off media make every suite cut what the export renders', async () => {
    const r = await render({ label: 'mixed', rates: ['25', '30000/1001', '30'] }, 'mixed-25-2997-30');
    expect(r.mp4.rate).toEqual({ num: 30, den: 1 });
    expect(r.plan.layout.spans.map((s) => s.exact)).toEqual([true, false, true]);
    const conformed = await conformAll(r.plan, dir, { x264Preset: 'ultrafast', crf: 0, audioBitrateK: 128 });
    const again = await conformAll(r.plan, dir, { x264Preset: 'ultrafast', crf: 0, audioBitrateK: 128 });
    expect(again.media.map((m) => m.reused)).toEqual([true, true, true]);
    const confProbes = await Promise.all(conformed.media.map((m) => ffprobe(m.file)));
    for (const p of confProbes) expect(p.rate).toEqual({ num: 30, den: 1 });
    const cuts = await readAll(r, 'conformed', conformed);
    for (const [name, cut] of Object.entries(cuts)) {
      checkCut(r, cut, name, confProbes);
      cut.clips.forEach((c, i) => expect(c.file).toBe(conformed.media[i]?.file));
      // The conformed media's own frames at the hand-off's source range are the export's frames, one for one.
      for (const [i, c] of cut.clips.entries()) {
        const codes = await frameCodes(conformed.media[i]?.file as string);
        const next = cut.clips[i + 1];
        for (let rec = c.recIn + c.fadeIn; rec < (next ? next.recIn : c.recOut); rec++) {
          expect(codes[c.srcIn + (rec - c.recIn)]?.[0], `${name} clip ${i + 1} record ${rec}`).toBeCloseTo((r.codes[rec] as [number, number, number])[0], 0);
        }
      }
    }
  }, 180_000);
});
