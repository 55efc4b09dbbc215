/**
 * The music bed's waveform for the timeline: ffmpeg decodes it once to 8 kHz mono 16-bit PCM, and the loudest
 * sample of every 1/PEAKS_PER_SEC s becomes one peak (0..255). The page draws the bed from these few numbers (a
 * 3-minute track is 9,000 of them) instead of decoding audio itself. Cached beside the thumbnails per file version.
 */
import { readFile, rename, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { cachedPath, cachedRender } from './thumbnail';

export const PEAKS_PER_SEC = 50;
const SAMPLE_RATE = 8000;
/** Longer beds are cut here: the page draws the first hour, and no sequence of clips lasts longer. */
const MAX_SEC = 3600;

export interface Waveform {
  peaksPerSec: number;
  durationSec: number;
  /** 0..255, the loudest sample of each slice. */
  peaks: number[];
}

export function peaksFromPcm(pcm: Buffer, sampleRate: number, perSec: number): number[] {
  const perPeak = Math.max(1, Math.round(sampleRate / perSec));
  const samples = Math.floor(pcm.length / 2);
  const peaks: number[] = [];
  for (let start = 0; start < samples; start += perPeak) {
    let max = 0;
    const end = Math.min(samples, start + perPeak);
    for (let i = start; i < end; i++) {
      const v = Math.abs(pcm.readInt16LE(i * 2));
      if (v > max) max = v;
    }
    peaks.push(Math.min(255, Math.round((max / 32768) * 255)));
  }
  return peaks;
}

/**
 * Waveforms being made, by their cache file: a second request for the same bed while the first is at work (the page
 * asks again on a re-render) shares its answer. Made twice at once, one would delete the samples the other was
 * about to read (ENOENT, seen in the timeline e2e test).
 */
const making = new Map<string, Promise<Waveform>>();

export async function waveformFor(opts: { file: string; key: string; cacheDir: string }): Promise<Waveform> {
  const json = await cachedPath({ ...opts, ext: 'peaks.json' });
  const cached = await readFile(json, 'utf8').then((t) => JSON.parse(t) as Waveform).catch(() => undefined);
  if (cached) return cached;
  const under = making.get(json);
  if (under) return under;
  const made = makeWaveform(opts, json).finally(() => making.delete(json));
  making.set(json, made);
  return made;
}

async function makeWaveform(opts: { file: string; key: string; cacheDir: string }, json: string): Promise<Waveform> {
  const pcmFile = await cachedRender({
    ...opts,
    ext: 'pcm',
    args: (temp) => ['-v', 'error', '-i', path.resolve(opts.file), '-vn', '-t', String(MAX_SEC), '-ac', '1', '-ar', String(SAMPLE_RATE), '-f', 's16le', '-acodec', 'pcm_s16le', '-y', temp],
  });
  try {
    const pcm = await readFile(pcmFile);
    const wave: Waveform = { peaksPerSec: PEAKS_PER_SEC, durationSec: pcm.length / 2 / SAMPLE_RATE, peaks: peaksFromPcm(pcm, SAMPLE_RATE, PEAKS_PER_SEC) };
    // Written whole then renamed, like every cached file, so a reader never sees half of it.
    const temp = `${json}.${process.pid}.tmp`;
    await writeFile(temp, JSON.stringify(wave));
    await rename(temp, json);
    return wave;
  } finally {
    // The peaks are all the page needs; the raw samples would only fill the cache.
    await unlink(pcmFile).catch(() => undefined);
  }
}
