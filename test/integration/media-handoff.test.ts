/**
 * The hand-off to an editing suite, read back: the EDL's events and the FCPXML's storyline are parsed (by the small
 * parsers below: no XML library is installed) and compared with the timeline: clip order, source in/out, record
 * in/out, dissolves, and file URLs that lead back to the clips even when their names are hostile. The contact sheet
 * is a PNG of the expected size.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contactSheetSize, writeContactSheet } from '../../main/core/media/contact-sheet';
import { writeEdl } from '../../main/core/media/edl';
import { OutputExistsError, exportPlan, planExport, probeTimeline } from '../../main/core/media/export';
import { writeFcpxml } from '../../main/core/media/fcpxml';
import { synthClip } from '../../main/core/media/synth-clip';
import type { TimelineInput } from '../../main/core/media/timeline';
import { ffprobeData } from '../../main/core/media/verify-export';

// ---- a minimal XML reader: elements, attributes, entities; text content is not needed here ----

interface XmlNode {
  name: string;
  attrs: Record<string, string>;
  children: XmlNode[];
}

function decodeEntities(s: string): string {
  const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i] as string;
    if (ch !== '&') {
      out += ch;
      continue;
    }
    const end = s.indexOf(';', i);
    if (end < 0) throw new Error('unterminated entity');
    const ent = s.slice(i + 1, end);
    if (ent.startsWith('#x')) out += String.fromCodePoint(parseInt(ent.slice(2), 16));
    else if (ent.startsWith('#')) out += String.fromCodePoint(parseInt(ent.slice(1), 10));
    else if (named[ent] !== undefined) out += named[ent];
    else throw new Error(`unknown entity &${ent};`);
    i = end;
  }
  return out;
}

function parseXml(text: string): XmlNode {
  const doc: XmlNode = { name: '#document', attrs: {}, children: [] };
  const stack: XmlNode[] = [doc];
  const isSpace = (c: string | undefined) => c === ' ' || c === '\n' || c === '\r' || c === '\t';
  let i = 0;
  while (i < text.length) {
    const lt = text.indexOf('<', i);
    if (lt < 0) {
      if (text.slice(i).trim()) throw new Error('text after the root element');
      break;
    }
    if (text.slice(i, lt).trim()) throw new Error(`unexpected text: ${text.slice(i, lt)}`);
    if (text.startsWith('<?', lt)) {
      i = text.indexOf('?>', lt) + 2;
      continue;
    }
    if (text.startsWith('<!', lt)) {
      i = text.indexOf('>', lt) + 1;
      continue;
    }
    if (text.startsWith('</', lt)) {
      const gt = text.indexOf('>', lt);
      const name = text.slice(lt + 2, gt).trim();
      const open = stack.pop();
      if (open?.name !== name) throw new Error(`</${name}> closes <${open?.name}>`);
      i = gt + 1;
      continue;
    }
    let j = lt + 1;
    while (j < text.length && !isSpace(text[j]) && text[j] !== '>' && text[j] !== '/') j++;
    const node: XmlNode = { name: text.slice(lt + 1, j), attrs: {}, children: [] };
    (stack[stack.length - 1] as XmlNode).children.push(node);
    for (;;) {
      while (isSpace(text[j])) j++;
      if (text.startsWith('/>', j)) {
        i = j + 2;
        break;
      }
      if (text[j] === '>') {
        stack.push(node);
        i = j + 1;
        break;
      }
      const eq = text.indexOf('=', j);
      const key = text.slice(j, eq).trim();
      const quote = text[eq + 1];
      if (quote !== '"' && quote !== "'") throw new Error(`attribute ${key} is not quoted`);
      const close = text.indexOf(quote, eq + 2);
      const raw = text.slice(eq + 2, close);
      if (raw.includes('<') || raw.includes('\n')) throw new Error(`raw < or line break in attribute ${key}`);
      node.attrs[key] = decodeEntities(raw);
      j = close + 1;
    }
  }
  if (stack.length !== 1) throw new Error('unclosed elements');
  const rootEl = doc.children[0];
  if (!rootEl || doc.children.length !== 1) throw new Error('not one root element');
  return rootEl;
}

const find = (n: XmlNode, name: string): XmlNode[] => [...(n.name === name ? [n] : []), ...n.children.flatMap((c) => find(c, name))];
const only = (n: XmlNode, name: string): XmlNode => {
  const all = find(n, name);
  if (all.length !== 1) throw new Error(`${all.length} <${name}>`);
  return all[0] as XmlNode;
};
/** FCPXML time ("0s", "3s", "7/4s") in seconds. */
function secs(t: string | undefined): number {
  const m = /^(\d+)(?:\/(\d+))?s$/.exec(t ?? '');
  if (!m) throw new Error(`not an FCPXML time: ${t}`);
  return Number(m[1]) / Number(m[2] ?? 1);
}

// ---- a minimal CMX 3600 reader ----

interface EdlEvent {
  num: number;
  channel: string;
  transition: string;
  frames: number | undefined;
  src: [string, string];
  rec: [string, string];
  comments: string[];
}

function parseEdl(text: string): { title: string; fcm: string; events: EdlEvent[] } {
  const lines = text.split('\r\n');
  const events: EdlEvent[] = [];
  let title = '';
  let fcm = '';
  for (const line of lines) {
    if (line.startsWith('TITLE:')) title = line.slice(6).trim();
    else if (line.startsWith('FCM:')) fcm = line.slice(4).trim();
    else if (line.startsWith('*')) events[events.length - 1]?.comments.push(line.slice(1).trim());
    else if (/^\d{3} /.test(line)) {
      const t = line.trim().split(/\s+/);
      const hasDur = t[3] !== 'C';
      const tc = t.slice(hasDur ? 5 : 4);
      expect(tc).toHaveLength(4);
      events.push({
        num: Number(t[0]),
        channel: t[2] as string,
        transition: t[3] as string,
        frames: hasDur ? Number(t[4]) : undefined,
        src: [tc[0] as string, tc[1] as string],
        rec: [tc[2] as string, tc[3] as string],
        comments: [],
      });
    } else if (line.trim()) throw new Error(`stray EDL line: ${JSON.stringify(line)}`);
  }
  return { title, fcm, events };
}

const tcFrames = (tc: string, base: number) => {
  const [h, m, s, f] = tc.split(':').map(Number) as [number, number, number, number];
  return ((h * 60 + m) * 60 + s) * base + f;
};

// ---- fixtures ----

let dir: string;
const clip: Record<string, string> = {};

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'vb-media-handoff-'));
  const src = path.join(dir, 'clips');
  mkdirSync(src);
  const a = { sampleRate: 48000, channels: 2 as const };
  clip.a = await synthClip(path.join(src, 'A roll.mp4'), { width: 320, height: 180, fps: 12, seconds: 2, audio: a });
  clip.b = await synthClip(path.join(src, 'b #1 50%?.mp4'), { width: 320, height: 180, fps: 12, seconds: 1, audio: a });
  clip.c = await synthClip(path.join(src, 'ç "quote" \'s.mp4'), { width: 320, height: 180, fps: 12, seconds: 2, audio: a });
  clip.d = await synthClip(path.join(src, process.platform === 'win32' ? 'd.mp4' : 'line\nbreak & <tag>.mp4'), { width: 180, height: 320, fps: 12, seconds: 1 });
  clip.e = await synthClip(path.join(src, 'e.mp4'), { width: 320, height: 180, fps: 12, seconds: 1, audio: a });
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

// A (2 s), B (1 s) dissolving in over 0.5 s, C trimmed to 0.5-1.75 s on a cut, D (1 s, no audio) dissolving in over 0.25 s.
const timeline = (): TimelineInput => ({
  clips: [
    { id: 'a', file: clip.a as string },
    { id: 'b', file: clip.b as string, transitionIn: { kind: 'crossfade', durationSec: 0.5 } },
    { id: 'c', file: clip.c as string, inSec: 0.5, outSec: 1.75 },
    { id: 'd', file: clip.d as string, transitionIn: { kind: 'crossfade', durationSec: 0.25 } },
  ],
});

describe('EDL', () => {
  it('reads back as the timeline: order, source and record timecodes, dissolves', async () => {
    const plan = planExport(await probeTimeline(timeline()), 'match');
    const file = await writeEdl(plan, path.join(dir, 'out', 'cut list.edl'));
    const edl = parseEdl(readFileSync(file, 'utf8'));
    expect(edl.title).toBe('cut list');
    expect(edl.fcm).toBe('NON-DROP FRAME');
    const base = 12;
    const row = (e: EdlEvent | undefined) => e && [e.num, e.channel, e.transition, e.frames, ...e.src.map((t) => tcFrames(t, base)), ...e.rec.map((t) => tcFrames(t, base) - 3600 * base)];
    // Frames at 12 fps. A: rec 0-18 (its last 6 frames are the dissolve's handle). B: rec 18-30, dissolve of 6.
    // C: source 6-21, rec 30-45. D: rec 42-54, dissolve of 3 from C at source 18.
    expect(edl.events.map(row)).toEqual([
      [1, 'AA/V', 'C', undefined, 0, 18, 0, 18],
      [2, 'AA/V', 'C', undefined, 18, 18, 18, 18],
      [2, 'AA/V', 'D', 6, 0, 12, 18, 30],
      [3, 'AA/V', 'C', undefined, 6, 18, 30, 42],
      [4, 'AA/V', 'C', undefined, 18, 18, 42, 42],
      [4, 'V', 'D', 3, 0, 12, 42, 54],
    ]);
    expect(edl.events[0]?.comments).toEqual([`FROM CLIP NAME: A roll.mp4`, `SOURCE FILE: ${clip.a}`]);
    expect(edl.events[2]?.comments).toContain('TO CLIP NAME: b #1 50%?.mp4');
    // A line break in a name cannot break the list: it becomes a space.
    expect(edl.events[5]?.comments.join('\n')).toContain(path.basename(clip.d as string).replace(/\n/g, ' '));
    // The record side ends where the export ends.
    expect((tcFrames(edl.events[5]?.rec[1] as string, base) - 3600 * base) / base).toBeCloseTo(plan.expectedDurationSec, 6);
  });
});

describe('FCPXML', () => {
  it('reads back as the timeline: assets with file URLs, storyline order, trims, dissolves, total = rendered duration', async () => {
    const plan = planExport(await probeTimeline(timeline()), 'match');
    const file = await writeFcpxml(plan, path.join(dir, 'out', 'project.fcpxml'));
    const xml = readFileSync(file, 'utf8');
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE fcpxml>')).toBe(true);
    const root = parseXml(xml);
    expect(root.name).toBe('fcpxml');
    expect(Number(root.attrs.version)).toBeGreaterThanOrEqual(1.9);

    const assets = new Map(find(root, 'asset').map((a) => [a.attrs.id, a]));
    const srcOf = (ref: string | undefined) => fileURLToPath(only(assets.get(ref as string) as XmlNode, 'media-rep').attrs.src as string);
    const spine = only(root, 'spine');
    const frames = (t: string | undefined) => (t === undefined ? undefined : Math.round(secs(t) * 12));
    const items = spine.children.map((c) => ({
      kind: c.name,
      file: c.name === 'asset-clip' ? srcOf(c.attrs.ref) : undefined,
      offset: frames(c.attrs.offset),
      start: frames(c.attrs.start),
      duration: frames(c.attrs.duration),
    }));
    // In frames at 12 fps. Each crossfade of d frames puts the edit floor(d/2) into the overlap: A 0-21, B 21-30
    // (from frame 3 of its source), C 30-43 (from 6, its in point), D 43-54 (from 1).
    expect(items).toEqual([
      { kind: 'asset-clip', file: clip.a, offset: 0, start: 0, duration: 21 },
      { kind: 'transition', file: undefined, offset: 18, start: undefined, duration: 6 },
      { kind: 'asset-clip', file: clip.b, offset: 21, start: 3, duration: 9 },
      { kind: 'asset-clip', file: clip.c, offset: 30, start: 6, duration: 13 },
      { kind: 'transition', file: undefined, offset: 42, start: undefined, duration: 3 },
      { kind: 'asset-clip', file: clip.d, offset: 43, start: 1, duration: 11 },
    ]);
    // The storyline is gapless, and lasts what the sequence says.
    const clips = items.filter((i) => i.kind === 'asset-clip');
    clips.forEach((c, i) => i > 0 && expect(c.offset).toBe((clips[i - 1]?.offset ?? 0) + (clips[i - 1]?.duration ?? 0)));
    const sequence = only(root, 'sequence');
    expect(secs(sequence.attrs.duration)).toBe(4.5);
    const dissolve = find(root, 'effect').find((e) => e.attrs.name === 'Cross Dissolve') as XmlNode;
    const crossfade = find(root, 'effect').find((e) => e.attrs.name === 'Audio Crossfade') as XmlNode;
    expect(find(root, 'filter-video').map((f) => f.attrs.ref)).toEqual([dissolve.attrs.id, dissolve.attrs.id]);
    // Each transition carries the sound across too.
    expect(find(root, 'filter-audio').map((f) => f.attrs.ref)).toEqual([crossfade.attrs.id, crossfade.attrs.id]);
    // D had no audio; its asset says so.
    expect([...assets.values()].map((a) => a.attrs.hasAudio)).toEqual(['1', '1', '1', '0']);

    // And it is exactly as long as the rendered export.
    const report = await exportPlan(plan, { out: path.join(dir, 'out', 'render.mp4'), encoder: { x264Preset: 'ultrafast' } });
    const probed = await ffprobeData(report.output);
    expect(Math.abs(Number(probed.format.duration) - secs(sequence.attrs.duration))).toBeLessThanOrEqual(0.1);
  });

  it('carries a music bed as a connected clip below the storyline', async () => {
    const plan = planExport(await probeTimeline({ ...timeline(), music: { file: clip.e as string, volume: 0.5, fadeOutSec: 1 } }), 'match');
    const root = parseXml(readFileSync(await writeFcpxml(plan, path.join(dir, 'out', 'music.fcpxml')), 'utf8'));
    const first = only(root, 'spine').children[0] as XmlNode;
    const bed = first.children.find((c) => c.name === 'asset-clip');
    expect(bed?.attrs).toMatchObject({ lane: '-1', offset: '0s', audioRole: 'music', duration: '1s' });
  });
});

describe('contact sheet', () => {
  it('is a PNG with one thumbnail per clip, 4 across', async () => {
    const plan = planExport(await probeTimeline({ clips: ['a', 'b', 'c', 'd', 'e'].map((k) => ({ id: k, file: clip[k] as string })) }), 'match');
    const sheet = await writeContactSheet(plan, path.join(dir, 'out', 'sheet.png'));
    expect(contactSheetSize(5, 4, 320, 180)).toMatchObject({ columns: 4, rows: 2 });
    expect(sheet).toMatchObject(contactSheetSize(5, 4, 320, 180));
    const probed = await ffprobeData(sheet.output);
    expect(probed.streams[0]).toMatchObject({ codec_name: 'png', width: sheet.width, height: sheet.height });
    expect(sheet.width).toBe(4 * 320 + 3 * 4 + 2 * 8);
    expect(sheet.height).toBe(2 * 180 + 4 + 2 * 8);
  });

  it('the hand-off files are never overwritten either', async () => {
    const plan = planExport(await probeTimeline(timeline()), 'match');
    const taken = path.join(dir, 'taken');
    mkdirSync(taken, { recursive: true });
    for (const n of ['x.edl', 'x.fcpxml', 'x.png']) writeFileSync(path.join(taken, n), 'mine');
    await expect(writeEdl(plan, path.join(taken, 'x.edl'))).rejects.toBeInstanceOf(OutputExistsError);
    await expect(writeFcpxml(plan, path.join(taken, 'x.fcpxml'))).rejects.toBeInstanceOf(OutputExistsError);
    await expect(writeContactSheet(plan, path.join(taken, 'x.png'))).rejects.toBeInstanceOf(OutputExistsError);
    for (const n of ['x.edl', 'x.fcpxml', 'x.png']) expect(readFileSync(path.join(taken, n), 'utf8')).toBe('mine');
    await writeEdl(plan, path.join(taken, 'x.edl'), { overwrite: true });
    expect(readFileSync(path.join(taken, 'x.edl'), 'utf8')).toMatch(/^TITLE: x/);
  });
});
