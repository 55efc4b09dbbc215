/**
 * Where export gets what it knows of a clip: the MP4 header read in process must say what ffprobe says (rates as
 * exact fractions, frame counts, codecs, pixel formats, audio, embedded timecode, drop-frame included); a probe kept
 * from download is trusted only while the file's identity is unchanged; anything else goes to ffprobe.
 */
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { knownProbeOf, mediaInfoFor } from '../../main/core/media/media-info';
import { readMp4Header } from '../../main/core/media/mp4-header';
import { probeMedia } from '../../main/core/media/probe';
import { synthClip, type SynthClipSpec } from '../../main/core/media/synth-clip';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'vb-media-info-'));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const SPECS: Array<[string, SynthClipSpec]> = [
  ['12 fps stereo', { width: 320, height: 180, fps: 12, seconds: 1, audio: { sampleRate: 48000, channels: 2 } }],
  ['16 fps mpeg4, no audio', { width: 320, height: 180, fps: 16, seconds: 1, codec: 'mpeg4' }],
  ['23.976 with timecode', { width: 320, height: 180, fps: '24000/1001', seconds: 1, timecode: '01:00:00:00' }],
  ['29.97 drop-frame', { width: 320, height: 180, fps: '30000/1001', seconds: 1, timecode: '00:59:59;28', audio: { sampleRate: 44100, channels: 1 } }],
  ['25 fps 4:4:4', { width: 320, height: 180, fps: 25, seconds: 1, pixFmt: 'yuv444p' }],
];

describe('MP4 header read in process', () => {
  it.each(SPECS)('%s: says what ffprobe says', async (name, spec) => {
    const file = await synthClip(path.join(dir, `${name.replace(/\W+/g, '-')}.mp4`), spec);
    const [mine, theirs] = await Promise.all([readMp4Header(file), probeMedia(file)]);
    expect(mine.video).toEqual(theirs.video);
    expect(mine.audio).toEqual(theirs.audio);
    expect(mine.timecode).toBe(theirs.timecode);
    expect(mine.durationSec).toBeCloseTo(theirs.durationSec, 3);
  });
});

describe('clip info sources', () => {
  it('trusts a stored probe only while size, mtime and inode are unchanged', async () => {
    const file = await synthClip(path.join(dir, 'stored.mp4'), { width: 320, height: 180, fps: 12, seconds: 1 });
    const known = await knownProbeOf(file, await probeMedia(file));
    expect((await mediaInfoFor(file, known)).source).toBe('stored');
    const later = new Date(Date.now() + 5000);
    utimesSync(file, later, later);
    expect((await mediaInfoFor(file, known)).source).toBe('header');
  });

  it('falls back to ffprobe for what is not an MP4', async () => {
    const wav = path.join(dir, 'tone.wav');
    // A WAV header by hand: 0.1 s of silence, 8 kHz mono 16-bit.
    const data = Buffer.alloc(1600);
    const h = Buffer.alloc(44);
    h.write('RIFF', 0);
    h.writeUInt32LE(36 + data.length, 4);
    h.write('WAVEfmt ', 8);
    h.writeUInt32LE(16, 16);
    h.writeUInt16LE(1, 20);
    h.writeUInt16LE(1, 22);
    h.writeUInt32LE(8000, 24);
    h.writeUInt32LE(16000, 28);
    h.writeUInt16LE(2, 32);
    h.writeUInt16LE(16, 34);
    h.write('data', 36);
    h.writeUInt32LE(data.length, 40);
    writeFileSync(wav, Buffer.concat([h, data]));
    const r = await mediaInfoFor(wav);
    expect(r.source).toBe('ffprobe');
    expect(r.info.audio?.sampleRate).toBe(8000);
  });
});
