/**
 * An independent reader of the four hand-off formats, written from their public descriptions and NOT from our
 * writers (it shares no code with main/core/media): CMX 3600 (event lines, FCM, `* FROM CLIP NAME` / `* SOURCE FILE`
 * / `* LOC` comments, SMPTE 12M drop-frame counting), FCPXML 1.9 (rational times, formats, asset/asset-clip/
 * transition on the spine, markers in clip time), Final Cut Pro 7 XML (xmeml: clipitem start/end in sequence frames,
 * in/out in the clipitem's rate, transitionitem) and OpenTimelineIO JSON (Timeline.1/Stack.1/Track.1/Clip.1/
 * Transition.1/Marker.2, RationalTime values at their own rates).
 *
 * Every format is read into one shape: per clip, the record range where any of it is on screen (the dissolve
 * overlaps included) in timeline frames from the sequence start, and the matching source range in the clip's OWN
 * frames from the first frame of its media. The EDL does not carry source rates or media timecode, so its reader
 * asks the caller (the tests pass ffprobe's view of each file).
 */
import { fileURLToPath } from 'node:url';

export interface Rate {
  num: number;
  den: number;
}

export interface ReadClip {
  name: string;
  file: string;
  /** Source rate as the file declares it to this format (EDL: as the caller says). */
  rate: Rate;
  srcIn: number;
  srcOut: number;
  recIn: number;
  recOut: number;
  /** Dissolve frames leading into this clip. */
  fadeIn: number;
}

export interface ReadCut {
  rate: Rate;
  dropFrame: boolean;
  /** Record start (frames of `rate`, 01:00:00:00 usually). */
  start: number;
  clips: ReadClip[];
  markers: Array<{ frame: number; note: string }>;
  totalFrames: number;
}

// ---------------- timecode (SMPTE 12M) ----------------

export function tcToFrames(tc: string, fps: number): number {
  const m = /^(\d\d):(\d\d):(\d\d)([:;.,])(\d\d)$/.exec(tc);
  if (!m) throw new Error(`not a timecode: ${tc}`);
  const [hh, mm, ss, ff] = [m[1], m[2], m[3], m[5]].map(Number) as [number, number, number, number];
  const base = Math.round(fps);
  if (ff >= base) throw new Error(`frame field ${ff} does not exist at ${fps} fps (${tc})`);
  const nominal = (hh * 3600 + mm * 60 + ss) * base + ff;
  if (m[4] === ':') return nominal;
  // Drop frame: frame numbers 00 and 01 (00-03 at 59.94) are skipped each minute, except minutes divisible by 10.
  const skip = base === 60 ? 4 : 2;
  if (ss === 0 && ff < skip && mm % 10 !== 0) throw new Error(`${tc} is a skipped drop-frame label`);
  const minutes = hh * 60 + mm;
  return nominal - skip * (minutes - Math.floor(minutes / 10));
}

const rateOf = (fps: number): Rate => {
  const whole = Math.round(fps);
  if (Math.abs(fps - whole) < 1e-6) return { num: whole, den: 1 };
  return { num: Math.round((fps * 1001) / 1000) * 1000, den: 1001 };
};

// ---------------- CMX 3600 ----------------

export interface EdlSourceInfo {
  rate: Rate;
  /** The file's start timecode, as a label (absent: 00:00:00:00). */
  timecode?: string;
}

export function readEdl(text: string, recordRate: Rate, source: (file: string) => EdlSourceInfo): ReadCut & { title: string; longestLine: number } {
  const lines = text.split(/\r?\n/);
  let title = '';
  let dropFrame = false;
  type Ev = { num: number; tr: string; dur: number; src: [string, string]; rec: [string, string]; comments: string[] };
  const events: Ev[] = [];
  const locs: Array<{ tc: string; note: string }> = [];
  for (const line of lines) {
    if (line.startsWith('TITLE:')) title = line.slice(6).trim();
    else if (line.startsWith('FCM:')) dropFrame = line.slice(4).trim() === 'DROP FRAME';
    else if (line.startsWith('*')) {
      const loc = /^\*\s*LOC:\s*(\S+)\s+(\S+)\s*(.*)$/.exec(line);
      if (loc) locs.push({ tc: loc[1] as string, note: (loc[3] ?? '').trim() });
      else events[events.length - 1]?.comments.push(line.slice(1).trim());
    } else if (/^\d{3}\s/.test(line)) {
      const f = line.trim().split(/\s+/);
      // num reel channel transition [duration] srcIn srcOut recIn recOut
      const hasDur = f.length === 9;
      if (f.length !== (hasDur ? 9 : 8)) throw new Error(`event line with ${f.length} fields: ${line}`);
      if ((f[1] as string).length > 8) throw new Error(`reel name longer than 8 characters: ${line}`);
      const tcs = f.slice(hasDur ? 5 : 4) as [string, string, string, string];
      events.push({ num: Number(f[0]), tr: f[3] as string, dur: hasDur ? Number(f[4]) : 0, src: [tcs[0], tcs[1]], rec: [tcs[2], tcs[3]], comments: [] });
    } else if (line.trim()) throw new Error(`stray EDL line: ${JSON.stringify(line)}`);
  }
  const recFps = recordRate.num / recordRate.den;
  const rec = (tc: string) => tcToFrames(tc, recFps);
  const comment = (e: Ev, key: string) => e.comments.find((c) => c.startsWith(`${key}:`))?.slice(key.length + 1).trim();
  const start = events[0] ? rec(events[0].rec[0]) : 0;
  const clips: ReadClip[] = [];
  for (let i = 0; i < events.length; i++) {
    const e = events[i] as Ev;
    if (e.tr === 'C' && events[i + 1]?.num === e.num && events[i + 1]?.tr.startsWith('D')) continue; // the dissolve's from-side
    const file = comment(e, 'SOURCE FILE');
    if (!file) throw new Error(`event ${e.num} names no source file`);
    const info = source(file);
    const fps = info.rate.num / info.rate.den;
    const origin = info.timecode ? tcToFrames(info.timecode, fps) : 0;
    const fade = e.tr.startsWith('D') ? e.dur : 0;
    const c: ReadClip = {
      name: comment(e, e.tr.startsWith('D') ? 'TO CLIP NAME' : 'FROM CLIP NAME') ?? '',
      file,
      rate: info.rate,
      srcIn: tcToFrames(e.src[0], fps) - origin,
      srcOut: tcToFrames(e.src[1], fps) - origin,
      recIn: rec(e.rec[0]) - start,
      recOut: rec(e.rec[1]) - start,
      fadeIn: fade,
    };
    clips.push(c);
  }
  // The outgoing clip of a dissolve plays on under it: extend it (and its source) by the next dissolve's length.
  clips.forEach((c, i) => {
    const next = clips[i + 1];
    if (next && next.fadeIn) {
      c.recOut += next.fadeIn;
      c.srcOut += (next.fadeIn * c.rate.num * recordRate.den) / (c.rate.den * recordRate.num);
    }
  });
  const last = clips[clips.length - 1];
  return {
    title,
    rate: recordRate,
    dropFrame,
    start,
    clips,
    markers: locs.map((l) => ({ frame: rec(l.tc) - start, note: l.note })),
    totalFrames: last ? last.recOut : 0,
    longestLine: Math.max(...lines.map((l) => l.length)),
  };
}

// ---------------- XML ----------------

export interface XmlNode {
  name: string;
  attrs: Record<string, string>;
  children: XmlNode[];
  text: string;
}

function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#\d+|amp|lt|gt|quot|apos);/g, (_, e: string) => {
    if (e.startsWith('#x')) return String.fromCodePoint(parseInt(e.slice(2), 16));
    if (e.startsWith('#')) return String.fromCodePoint(parseInt(e.slice(1), 10));
    return ({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" } as Record<string, string>)[e] as string;
  });
}

/** A strict little XML reader: one root, quoted attributes, balanced tags, known entities only. */
export function parseXml(text: string): XmlNode {
  const doc: XmlNode = { name: '#document', attrs: {}, children: [], text: '' };
  const stack: XmlNode[] = [doc];
  const re = /<\?[\s\S]*?\?>|<!DOCTYPE[^>]*>|<!--[\s\S]*?-->|<\/([\w:.-]+)\s*>|<([\w:.-]+)((?:\s+[\w:.-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>|([^<]+)/g;
  let m: RegExpExecArray | null;
  let consumed = 0;
  while ((m = re.exec(text))) {
    if (m.index !== consumed) throw new Error(`unparsable XML near ${JSON.stringify(text.slice(consumed, consumed + 40))}`);
    consumed = re.lastIndex;
    const top = stack[stack.length - 1] as XmlNode;
    if (m[1]) {
      if (top.name !== m[1]) throw new Error(`</${m[1]}> closes <${top.name}>`);
      stack.pop();
    } else if (m[2]) {
      const node: XmlNode = { name: m[2], attrs: {}, children: [], text: '' };
      for (const a of (m[3] ?? '').matchAll(/([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
        const raw = a[2] ?? a[3] ?? '';
        if (raw.includes('<')) throw new Error(`raw < in attribute ${a[1]}`);
        if (a[1] as string in node.attrs) throw new Error(`duplicate attribute ${a[1]}`);
        node.attrs[a[1] as string] = decodeEntities(raw);
      }
      top.children.push(node);
      if (!m[4]) stack.push(node);
    } else if (m[5]) {
      if (stack.length === 1 && m[5].trim()) throw new Error('text outside the root element');
      top.text += decodeEntities(m[5]);
    }
  }
  if (consumed !== text.length || stack.length !== 1) throw new Error('unclosed elements');
  const roots = doc.children;
  if (roots.length !== 1) throw new Error('not one root element');
  return roots[0] as XmlNode;
}

export const all = (n: XmlNode, name: string): XmlNode[] => [...(n.name === name ? [n] : []), ...n.children.flatMap((c) => all(c, name))];
export const kid = (n: XmlNode | undefined, name: string): XmlNode | undefined => n?.children.find((c) => c.name === name);
const kidText = (n: XmlNode | undefined, name: string): string => (kid(n, name)?.text ?? '').trim();

// ---------------- FCPXML ----------------

/** FCPXML time: "0s", "5s", "1001/30000s" -> [numerator, denominator] seconds. */
export function fcpTime(t: string | undefined): [number, number] {
  const m = /^(-?\d+)(?:\/(\d+))?s$/.exec(t ?? '');
  if (!m) throw new Error(`not an FCPXML time: ${t}`);
  return [Number(m[1]), Number(m[2] ?? 1)];
}

/** Frames of `rate` in a rational time; throws when the time is not on a frame of that rate. */
function framesIn(t: [number, number], rate: Rate, what: string): number {
  const num = t[0] * rate.num;
  const den = t[1] * rate.den;
  if (num % den !== 0) throw new Error(`${what} (${t[0]}/${t[1]}s) is not on a frame boundary of ${rate.num}/${rate.den} fps`);
  return num / den;
}

const rateFromDuration = (fd: string | undefined): Rate => {
  const [n, d] = fcpTime(fd);
  return { num: d, den: n };
};

export function readFcpxml(text: string): ReadCut & { root: XmlNode } {
  const root = parseXml(text);
  const formats = new Map(all(root, 'format').map((f) => [f.attrs.id, f]));
  const assets = new Map(all(root, 'asset').map((a) => [a.attrs.id, a]));
  const sequence = all(root, 'sequence')[0];
  if (!sequence) throw new Error('no sequence');
  const seqRate = rateFromDuration(formats.get(sequence.attrs.format)?.attrs.frameDuration);
  const spine = kid(sequence, 'spine');
  if (!spine) throw new Error('no spine');
  const start = framesIn(fcpTime(sequence.attrs.tcStart ?? '0s'), seqRate, 'sequence tcStart');
  const clips: ReadClip[] = [];
  const markers: ReadCut['markers'] = [];
  let pendingFade: { offset: number; duration: number } | undefined;
  for (const item of spine.children) {
    if (item.name === 'transition') {
      pendingFade = { offset: framesIn(fcpTime(item.attrs.offset), seqRate, 'transition offset'), duration: framesIn(fcpTime(item.attrs.duration), seqRate, 'transition duration') };
      continue;
    }
    if (item.name !== 'asset-clip') throw new Error(`unexpected <${item.name}> in the spine`);
    const asset = assets.get(item.attrs.ref);
    if (!asset) throw new Error(`asset-clip refers to unknown ${item.attrs.ref}`);
    const rate = rateFromDuration(formats.get(asset.attrs.format)?.attrs.frameDuration);
    const origin = framesIn(fcpTime(asset.attrs.start ?? '0s'), rate, 'asset start');
    const offset = framesIn(fcpTime(item.attrs.offset), seqRate, 'clip offset');
    const duration = framesIn(fcpTime(item.attrs.duration), seqRate, 'clip duration');
    const clipStart = fcpTime(item.attrs.start ?? '0s');
    const srcIn = framesIn(clipStart, rate, `clip start of ${item.attrs.name}`) - origin;
    const src = kid(asset, 'media-rep')?.attrs.src as string;
    const toSrc = (seqFrames: number) => (seqFrames * rate.num * seqRate.den) / (rate.den * seqRate.num);
    const c: ReadClip = { name: item.attrs.name ?? '', file: fileURLToPath(src), rate, srcIn, srcOut: srcIn + toSrc(duration), recIn: offset, recOut: offset + duration, fadeIn: 0 };
    const prev = clips[clips.length - 1];
    if (pendingFade) {
      // The transition overlaps both neighbours around the cut at `offset`: extend both to cover it.
      const before = offset - pendingFade.offset;
      const after = pendingFade.offset + pendingFade.duration - offset;
      c.recIn -= before;
      c.srcIn -= toSrc(before);
      c.fadeIn = pendingFade.duration;
      if (prev) {
        prev.recOut += after;
        prev.srcOut += (after * prev.rate.num * seqRate.den) / (prev.rate.den * seqRate.num);
      }
      pendingFade = undefined;
    }
    for (const mk of item.children.filter((k) => k.name === 'marker')) {
      const t = fcpTime(mk.attrs.start);
      // Clip time -> sequence time: offset + (t - clip start).
      const rel: [number, number] = [t[0] * clipStart[1] - clipStart[0] * t[1], t[1] * clipStart[1]];
      markers.push({ frame: offset + framesIn(rel, seqRate, 'marker'), note: mk.attrs.value ?? '' });
    }
    clips.push(c);
  }
  return { root, rate: seqRate, dropFrame: sequence.attrs.tcFormat === 'DF', start, clips, markers, totalFrames: framesIn(fcpTime(sequence.attrs.duration), seqRate, 'sequence duration') };
}

// ---------------- Final Cut Pro 7 XML (xmeml) ----------------

function xmemlRate(n: XmlNode | undefined): Rate {
  const r = kid(n, 'rate');
  const tb = Number(kidText(r, 'timebase'));
  if (!tb) throw new Error('rate without timebase');
  return kidText(r, 'ntsc') === 'TRUE' ? { num: tb * 1000, den: 1001 } : { num: tb, den: 1 };
}

export function readXmeml(text: string): ReadCut {
  const root = parseXml(text);
  if (root.name !== 'xmeml') throw new Error(`root is <${root.name}>`);
  const seq = kid(root, 'sequence');
  if (!seq) throw new Error('no sequence');
  const rate = xmemlRate(seq);
  const tc = kid(seq, 'timecode');
  const files = new Map<string, XmlNode>();
  for (const f of all(seq, 'file')) if (kid(f, 'pathurl')) files.set(f.attrs.id as string, f);
  const track = kid(kid(kid(seq, 'media'), 'video'), 'track');
  const clips: ReadClip[] = [];
  let fade: { start: number; end: number } | undefined;
  for (const item of track?.children ?? []) {
    if (item.name === 'transitionitem') {
      fade = { start: Number(kidText(item, 'start')), end: Number(kidText(item, 'end')) };
      continue;
    }
    if (item.name !== 'clipitem') continue;
    const f = files.get(kid(item, 'file')?.attrs.id as string);
    const url = kidText(f, 'pathurl').replace(/^file:\/\/localhost\//, 'file:///');
    const cr = xmemlRate(item);
    const c: ReadClip = {
      name: kidText(item, 'name'),
      file: fileURLToPath(url),
      rate: cr,
      srcIn: Number(kidText(item, 'in')),
      srcOut: Number(kidText(item, 'out')),
      recIn: Number(kidText(item, 'start')),
      recOut: Number(kidText(item, 'end')),
      fadeIn: 0,
    };
    const prev = clips[clips.length - 1];
    if (fade) {
      const before = c.recIn - fade.start;
      const after = fade.end - c.recIn;
      c.recIn = fade.start;
      c.srcIn -= (before * cr.num * rate.den) / (cr.den * rate.num);
      c.fadeIn = fade.end - fade.start;
      if (prev) {
        prev.recOut += after;
        prev.srcOut += (after * prev.rate.num * rate.den) / (prev.rate.den * rate.num);
      }
      fade = undefined;
    }
    clips.push(c);
  }
  return {
    rate,
    dropFrame: kidText(tc, 'displayformat') === 'DF',
    start: Number(kidText(tc, 'frame')),
    clips,
    markers: seq.children.filter((k) => k.name === 'marker').map((mk) => ({ frame: Number(kidText(mk, 'in')), note: kidText(mk, 'comment') })),
    totalFrames: Number(kidText(seq, 'duration')),
  };
}

// ---------------- OpenTimelineIO ----------------

interface OtioTime {
  OTIO_SCHEMA: string;
  rate: number;
  value: number;
}
type OtioObj = Record<string, unknown> & { OTIO_SCHEMA: string };

const secondsOf = (t: OtioTime) => t.value / t.rate;

export function readOtio(text: string): ReadCut & { audioClips: number } {
  const tl = JSON.parse(text) as OtioObj;
  if (!String(tl.OTIO_SCHEMA).startsWith('Timeline.')) throw new Error(`not a timeline: ${tl.OTIO_SCHEMA}`);
  const stack = tl.tracks as OtioObj;
  const tracks = stack.children as OtioObj[];
  const video = tracks.find((t) => t.kind === 'Video');
  const audio = tracks.find((t) => t.kind === 'Audio');
  if (!video) throw new Error('no video track');
  const g = tl.global_start_time as OtioTime;
  const rate = rateOf(g.rate);
  const toTl = (t: OtioTime) => {
    const f = (secondsOf(t) * rate.num) / rate.den;
    if (Math.abs(f - Math.round(f)) > 1e-6) throw new Error(`${t.value}@${t.rate} is not on a timeline frame`);
    return Math.round(f);
  };
  const clips: ReadClip[] = [];
  let cursor = 0;
  let pending: { inOff: number; outOff: number } | undefined;
  for (const item of video.children as OtioObj[]) {
    if (String(item.OTIO_SCHEMA).startsWith('Transition.')) {
      pending = { inOff: toTl(item.in_offset as OtioTime), outOff: toTl(item.out_offset as OtioTime) };
      continue;
    }
    const sr = item.source_range as { start_time: OtioTime; duration: OtioTime };
    const dur = toTl(sr.duration);
    if (String(item.OTIO_SCHEMA).startsWith('Gap.')) {
      cursor += dur;
      continue;
    }
    const ref = item.media_reference as { target_url: string; available_range: { start_time: OtioTime } };
    const crate = rateOf(sr.start_time.rate);
    const toSrc = (tlFrames: number) => (tlFrames * crate.num * rate.den) / (crate.den * rate.num);
    const srcIn = Math.round(sr.start_time.value - (ref.available_range.start_time.value * sr.start_time.rate) / ref.available_range.start_time.rate);
    const c: ReadClip = { name: String(item.name), file: fileURLToPath(ref.target_url), rate: crate, srcIn, srcOut: srcIn + toSrc(dur), recIn: cursor, recOut: cursor + dur, fadeIn: 0 };
    const prev = clips[clips.length - 1];
    if (pending) {
      c.recIn -= pending.inOff;
      c.srcIn -= toSrc(pending.inOff);
      c.fadeIn = pending.inOff + pending.outOff;
      if (prev) {
        prev.recOut += pending.outOff;
        prev.srcOut += (pending.outOff * prev.rate.num * rate.den) / (prev.rate.den * rate.num);
      }
      pending = undefined;
    }
    cursor += dur;
    clips.push(c);
  }
  const markers = ((stack.markers as OtioObj[]) ?? []).map((m) => ({ frame: toTl((m.marked_range as { start_time: OtioTime }).start_time), note: String(m.comment ?? m.name) }));
  return {
    rate,
    dropFrame: false,
    start: Math.round(g.value),
    clips,
    markers,
    totalFrames: cursor,
    audioClips: ((audio?.children as OtioObj[]) ?? []).filter((c) => String(c.OTIO_SCHEMA).startsWith('Clip.')).length,
  };
}
