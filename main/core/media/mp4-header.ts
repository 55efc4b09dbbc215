/**
 * Reads what export needs from an MP4/MOV's own boxes (ISO/IEC 14496-12), in process: an ffprobe costs a process
 * start (0.1-0.4 s here), and fifty of them were most of a lossless export. Only the `moov` box is read (bounded),
 * never the media data, except the 4 bytes of a `tmcd` sample that hold the embedded start timecode.
 * Anything this reader does not understand (fragmented files, other containers, damaged boxes) is an error, and the
 * caller falls back to ffprobe: this is a fast path, not a second opinion.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { timecodeLabel } from './timecode';
import type { MediaInfo } from './probe';

/** A moov larger than this is not a clip from a video model; ffprobe can deal with it. */
const MAX_MOOV_BYTES = 64 * 1024 * 1024;
const MAX_TOP_LEVEL_BOXES = 10_000;

export class Mp4HeaderError extends Error {
  override readonly name = 'Mp4HeaderError';
}

interface Box {
  type: string;
  /** Payload start and end, relative to the buffer. */
  start: number;
  end: number;
}

function boxes(buf: Buffer, from: number, to: number): Box[] {
  const out: Box[] = [];
  let p = from;
  while (p + 8 <= to) {
    let size = buf.readUInt32BE(p);
    const type = buf.toString('latin1', p + 4, p + 8);
    let header = 8;
    if (size === 1) {
      if (p + 16 > to) break;
      size = Number(buf.readBigUInt64BE(p + 8));
      header = 16;
    } else if (size === 0) size = to - p;
    if (size < header || p + size > to) throw new Mp4HeaderError(`box ${type} overruns its parent`);
    out.push({ type, start: p + header, end: p + size });
    p += size;
  }
  return out;
}

const child = (buf: Buffer, b: Box | undefined, type: string, skip = 0): Box | undefined =>
  b ? boxes(buf, b.start + skip, b.end).find((c) => c.type === type) : undefined;

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/** Finds `moov` among the top-level boxes and reads it whole. */
async function readMoov(fh: FileHandle, size: number): Promise<Buffer> {
  const head = Buffer.alloc(16);
  let p = 0;
  for (let n = 0; p + 8 <= size && n < MAX_TOP_LEVEL_BOXES; n++) {
    await fh.read(head, 0, 16, p);
    let len = head.readUInt32BE(0);
    const type = head.toString('latin1', 4, 8);
    let hdr = 8;
    if (len === 1) {
      len = Number(head.readBigUInt64BE(8));
      hdr = 16;
    } else if (len === 0) len = size - p;
    if (len < hdr) throw new Mp4HeaderError(`top-level box ${JSON.stringify(type)} has an impossible size`);
    if (type === 'moof') throw new Mp4HeaderError('fragmented MP4');
    if (type === 'moov') {
      if (len > MAX_MOOV_BYTES || p + len > size) throw new Mp4HeaderError('moov box too large or truncated');
      const buf = Buffer.alloc(len - hdr);
      await fh.read(buf, 0, buf.length, p + hdr);
      return buf;
    }
    p += len;
  }
  throw new Mp4HeaderError('no moov box');
}

interface Track {
  handler: string;
  timescale: number;
  durationTs: number;
  entry: Box | undefined;
  stbl: Box | undefined;
  tkhdWidth: number;
  tkhdHeight: number;
  /** Length the edit list shows (movie timescale), e.g. AAC without its priming samples; undefined without one. */
  editDuration: number | undefined;
}

function fullBoxVersion(buf: Buffer, b: Box): number {
  return buf.readUInt8(b.start);
}

function readTrack(buf: Buffer, trak: Box): Track {
  const mdia = child(buf, trak, 'mdia');
  const mdhd = child(buf, mdia, 'mdhd');
  const hdlr = child(buf, mdia, 'hdlr');
  const tkhd = child(buf, trak, 'tkhd');
  if (!mdhd || !hdlr || !tkhd) throw new Mp4HeaderError('track without mdhd/hdlr/tkhd');
  const v1 = fullBoxVersion(buf, mdhd) === 1;
  const timescale = buf.readUInt32BE(mdhd.start + (v1 ? 20 : 12));
  const durationTs = v1 ? Number(buf.readBigUInt64BE(mdhd.start + 24)) : buf.readUInt32BE(mdhd.start + 16);
  const tk1 = fullBoxVersion(buf, tkhd) === 1;
  const whAt = tkhd.start + (tk1 ? 88 : 76);
  const stbl = child(buf, child(buf, mdia, 'minf'), 'stbl');
  const stsd = child(buf, stbl, 'stsd');
  // stsd: version/flags (4) + entry count (4), then the sample entries.
  const entry = stsd ? boxes(buf, stsd.start + 8, stsd.end)[0] : undefined;
  const elst = child(buf, child(buf, trak, 'edts'), 'elst');
  let editDuration: number | undefined;
  if (elst && buf.readUInt32BE(elst.start + 4) >= 1) {
    const e1 = fullBoxVersion(buf, elst) === 1;
    editDuration = 0;
    // Sum the segments that show media (media_time -1 is an empty edit: a delay, not a duration of the stream).
    for (let i = 0, n = buf.readUInt32BE(elst.start + 4), at = elst.start + 8; i < n && at < elst.end; i++, at += e1 ? 20 : 12) {
      const seg = e1 ? Number(buf.readBigUInt64BE(at)) : buf.readUInt32BE(at);
      const mediaTime = e1 ? Number(buf.readBigInt64BE(at + 8)) : buf.readInt32BE(at + 4);
      if (mediaTime !== -1) editDuration += seg;
    }
  }
  return {
    editDuration,
    handler: buf.toString('latin1', hdlr.start + 8, hdlr.start + 12),
    timescale,
    durationTs,
    entry,
    stbl,
    tkhdWidth: buf.readUInt32BE(whAt) / 65536,
    tkhdHeight: buf.readUInt32BE(whAt + 4) / 65536,
  };
}

/** stts: total samples and the most common sample delta (a CFR clip has one entry). */
function sampleTiming(buf: Buffer, stbl: Box | undefined): { count: number; delta: number; constant: boolean } {
  const stts = child(buf, stbl, 'stts');
  if (!stts) return { count: 0, delta: 0, constant: false };
  const n = buf.readUInt32BE(stts.start + 4);
  let count = 0;
  let best = { delta: 0, n: -1 };
  const deltas = new Set<number>();
  for (let i = 0; i < n; i++) {
    const at = stts.start + 8 + i * 8;
    if (at + 8 > stts.end) throw new Mp4HeaderError('stts truncated');
    const c = buf.readUInt32BE(at);
    const d = buf.readUInt32BE(at + 4);
    count += c;
    if (c > best.n) best = { delta: d, n: c };
    if (c > 0) deltas.add(d);
  }
  // ffmpeg's muxer may give the last sample its own delta; that does not make a clip variable-rate.
  return { count, delta: best.delta, constant: deltas.size <= 2 };
}

const VIDEO_CODECS: Record<string, string> = { avc1: 'h264', avc3: 'h264', hvc1: 'hevc', hev1: 'hevc', mp4v: 'mpeg4', av01: 'av1', vp09: 'vp9', apcn: 'prores', apch: 'prores' };

/** Chroma format and bit depth from an avcC box (the extension exists for the High profiles). */
function avcPixFmt(buf: Buffer, avcC: Box | undefined): string | undefined {
  if (!avcC) return undefined;
  const profile = buf.readUInt8(avcC.start + 1);
  if (![100, 110, 122, 244].includes(profile)) return 'yuv420p';
  let p = avcC.start + 5;
  const sps = buf.readUInt8(p++) & 0x1f;
  for (let i = 0; i < sps; i++) p += 2 + buf.readUInt16BE(p);
  const pps = buf.readUInt8(p++);
  for (let i = 0; i < pps; i++) p += 2 + buf.readUInt16BE(p);
  if (p + 3 > avcC.end) return 'yuv420p';
  const chroma = buf.readUInt8(p) & 0x03;
  const depth = (buf.readUInt8(p + 1) & 0x07) + 8;
  const base = ['gray', 'yuv420p', 'yuv422p', 'yuv444p'][chroma] ?? 'yuv420p';
  return depth === 8 ? base : `${base}${depth}le`;
}

/** The AudioSpecificConfig inside esds: the real sample rate and channels of AAC (the sample entry may say 0). */
function aacConfig(buf: Buffer, esds: Box | undefined): { codec: string; sampleRate?: number; channels?: number } {
  if (!esds) return { codec: 'aac' };
  const bytes = buf.subarray(esds.start + 4, esds.end);
  // Walk the descriptors: ES (3) -> DecoderConfig (4) -> DecoderSpecificInfo (5).
  let p = 0;
  let objectType = 0x40;
  const len = () => {
    let n = 0;
    for (let i = 0; i < 4; i++) {
      const b = bytes[p++] ?? 0;
      n = (n << 7) | (b & 0x7f);
      if (!(b & 0x80)) break;
    }
    return n;
  };
  while (p < bytes.length) {
    const tag = bytes[p++];
    const l = len();
    if (tag === 3) {
      const flags = bytes[p + 2] ?? 0;
      p += 3 + (flags & 0x80 ? 2 : 0) + (flags & 0x20 ? 1 + (bytes[p + 3] ?? 0) : 0) + (flags & 0x40 ? 2 : 0);
    } else if (tag === 4) {
      objectType = bytes[p] ?? 0x40;
      p += 13;
    } else if (tag === 5) {
      const b0 = bytes[p] ?? 0;
      const b1 = bytes[p + 1] ?? 0;
      const freqIndex = ((b0 & 0x07) << 1) | (b1 >> 7);
      const channels = (b1 >> 3) & 0x0f;
      const rates = [96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350];
      return { codec: objectType === 0x6b || objectType === 0x69 ? 'mp3' : 'aac', sampleRate: rates[freqIndex], channels: channels || undefined };
    } else p += l;
  }
  return { codec: objectType === 0x6b || objectType === 0x69 ? 'mp3' : 'aac' };
}

/** The first sample of a tmcd track: a 32-bit frame counter, read from the file at its chunk offset. */
async function timecodeOf(fh: FileHandle, buf: Buffer, t: Track): Promise<string | undefined> {
  const e = t.entry;
  if (!e || e.type !== 'tmcd' || e.start + 26 > e.end) return undefined;
  const flags = buf.readUInt32BE(e.start + 12);
  const fps = buf.readUInt8(e.start + 24);
  const stco = child(buf, t.stbl, 'stco');
  const co64 = child(buf, t.stbl, 'co64');
  const offset = stco ? buf.readUInt32BE(stco.start + 8) : co64 ? Number(buf.readBigUInt64BE(co64.start + 8)) : undefined;
  if (offset === undefined || !fps) return undefined;
  const sample = Buffer.alloc(4);
  const { bytesRead } = await fh.read(sample, 0, 4, offset);
  if (bytesRead !== 4) return undefined;
  return timecodeLabel(sample.readUInt32BE(0), fps, (flags & 1) === 1);
}

function trackSeconds(t: Track, movieScale: number): number | undefined {
  if (t.editDuration !== undefined && movieScale) return t.editDuration / movieScale;
  return t.timescale ? t.durationTs / t.timescale : undefined;
}

export async function readMp4Header(file: string): Promise<MediaInfo> {
  const fh = await open(file, 'r');
  try {
    const st = await fh.stat();
    const moov = await readMoov(fh, st.size);
    const top: Box = { type: 'moov', start: 0, end: moov.length };
    const mvhd = child(moov, top, 'mvhd');
    if (!mvhd) throw new Mp4HeaderError('no mvhd');
    const v1 = fullBoxVersion(moov, mvhd) === 1;
    const movieScale = moov.readUInt32BE(mvhd.start + (v1 ? 20 : 12));
    const movieDur = v1 ? Number(moov.readBigUInt64BE(mvhd.start + 24)) : moov.readUInt32BE(mvhd.start + 16);
    const tracks = boxes(moov, 0, moov.length)
      .filter((b) => b.type === 'trak')
      .map((b) => readTrack(moov, b));
    const vt = tracks.find((t) => t.handler === 'vide');
    const at = tracks.find((t) => t.handler === 'soun');
    const tt = tracks.find((t) => t.handler === 'tmcd');
    const info: MediaInfo = {
      durationSec: movieScale ? movieDur / movieScale : 0,
      sizeBytes: st.size,
      formatName: 'mov,mp4,m4a,3gp,3g2,mj2',
      video: undefined,
      audio: undefined,
    };
    if (vt?.entry) {
      const e = vt.entry;
      const timing = sampleTiming(moov, vt.stbl);
      const g = timing.delta ? gcd(vt.timescale, timing.delta) : 1;
      const num = timing.delta ? vt.timescale / g : 0;
      const den = timing.delta ? timing.delta / g : 1;
      // Visual sample entry: 8 (base) + 16 (pre-defined/reserved) then width and height.
      const width = e.start + 28 <= e.end ? moov.readUInt16BE(e.start + 24) : Math.round(vt.tkhdWidth);
      const height = e.start + 28 <= e.end ? moov.readUInt16BE(e.start + 26) : Math.round(vt.tkhdHeight);
      const codec = VIDEO_CODECS[e.type] ?? e.type;
      const avcC = e.type.startsWith('avc') ? child(moov, e, 'avcC', 78) : undefined;
      info.video = {
        codec,
        width,
        height,
        pixFmt: codec === 'h264' ? avcPixFmt(moov, avcC) : codec === 'mpeg4' ? 'yuv420p' : undefined,
        fps: num ? num / den : undefined,
        timeBase: `1/${vt.timescale}`,
        frameRate: num ? { num, den } : undefined,
        frames: timing.count,
        durationSec: trackSeconds(vt, movieScale),
      };
    }
    if (at?.entry) {
      const e = at.entry;
      // Audio sample entry: 8 (base) + 8 (reserved) + channel count (2) + sample size (2) + 4 + rate (16.16).
      const channels = moov.readUInt16BE(e.start + 16);
      const rate = moov.readUInt32BE(e.start + 24) >>> 16;
      const esds = e.type === 'mp4a' ? child(moov, e, 'esds', 28) : undefined;
      const cfg = e.type === 'mp4a' ? aacConfig(moov, esds) : { codec: e.type };
      const ch = cfg.channels ?? channels;
      info.audio = {
        codec: cfg.codec,
        sampleRate: cfg.sampleRate ?? rate,
        channels: ch,
        channelLayout: ch === 1 ? 'mono' : ch === 2 ? 'stereo' : undefined,
        durationSec: trackSeconds(at, movieScale),
      };
    }
    if (tt) info.timecode = await timecodeOf(fh, moov, tt);
    return info;
  } finally {
    await fh.close();
  }
}
