/**
 * An export is only reported done once ffprobe agrees with the plan: it lasts the sum of the (trimmed) clips minus
 * the crossfade overlaps, within 0.1 s, in the container and in each stream; it has the frame, codec and audio the
 * path promised; and a conformed file really is constant frame rate (average rate = nominal rate).
 */
import type ffmpeg from 'fluent-ffmpeg';
import { runFfprobe } from './ffprobe-run';
import { fpsValue, type FrameRate } from './frame-rate';
import { readMp4Header } from './mp4-header';

export const DURATION_TOLERANCE_SEC = 0.1;

export interface ExportExpectation {
  durationSec: number;
  toleranceSec?: number;
  width?: number;
  height?: number;
  videoCodec?: string;
  /** Checked as constant: r_frame_rate and avg_frame_rate both equal to it. */
  constantFps?: FrameRate;
  audio: boolean;
  /** 48 kHz stereo, for the conform path. */
  audioFormat?: { sampleRate: number; channels: number };
}

export interface ExportVerification {
  ok: boolean;
  problems: string[];
  durationSec: number;
  videoDurationSec: number | undefined;
  audioDurationSec: number | undefined;
  width: number | undefined;
  height: number | undefined;
  videoCodec: string | undefined;
  frameRate: string | undefined;
  avgFrameRate: string | undefined;
  audioCodec: string | undefined;
  sampleRate: number | undefined;
  channels: number | undefined;
}

export class ExportVerificationError extends Error {
  override readonly name = 'ExportVerificationError';
  constructor(readonly verification: ExportVerification) {
    super(`The export did not pass its check: ${verification.problems.join('; ')}`);
  }
}

function ratio(r: string | undefined): number | undefined {
  if (!r) return undefined;
  const [n, d] = r.split('/').map(Number);
  return n && d ? n / d : undefined;
}

const num = (v: unknown): number | undefined => {
  const n = Number(v);
  return v === undefined || v === null || v === 'N/A' || !Number.isFinite(n) ? undefined : n;
};

/** ffprobe's full answer (through ffprobe-run.ts: file protocol only, no VENICE_* in its environment). */
export function ffprobeData(file: string): Promise<ffmpeg.FfprobeData> {
  return runFfprobe(file).catch((e: Error) => {
    throw new Error(`ffprobe could not read ${file}: ${e.message.replace(/^ffprobe could not read the file: /, '')}`);
  });
}

/** The output as the checks below see it: from the MP4's own header (in process), else from ffprobe. */
async function outputView(file: string): Promise<Omit<ExportVerification, 'ok' | 'problems'>> {
  try {
    const h = await readMp4Header(file);
    const v = h.video;
    const a = h.audio;
    const rate = v?.frameRate;
    const avg = v?.frames && v.durationSec ? v.frames / v.durationSec : undefined;
    return {
      durationSec: h.durationSec,
      videoDurationSec: v?.durationSec,
      audioDurationSec: a?.durationSec,
      width: v?.width,
      height: v?.height,
      videoCodec: v?.codec,
      frameRate: rate ? `${rate.num}/${rate.den}` : undefined,
      // Written as ffprobe would: the nominal rate itself when the average is exactly it.
      avgFrameRate: avg === undefined ? undefined : rate && Math.abs(avg - rate.num / rate.den) < 1e-6 ? `${rate.num}/${rate.den}` : `${Math.round(avg * 1000)}/1000`,
      audioCodec: a?.codec,
      sampleRate: a?.sampleRate,
      channels: a?.channels,
    };
  } catch {
    const data = await ffprobeData(file);
    const v = data.streams.find((s) => s.codec_type === 'video');
    const a = data.streams.find((s) => s.codec_type === 'audio');
    return {
      durationSec: num(data.format.duration) ?? 0,
      videoDurationSec: num(v?.duration),
      audioDurationSec: num(a?.duration),
      width: v?.width,
      height: v?.height,
      videoCodec: v?.codec_name,
      frameRate: v?.r_frame_rate,
      avgFrameRate: v?.avg_frame_rate,
      audioCodec: a?.codec_name,
      sampleRate: num(a?.sample_rate),
      channels: a?.channels,
    };
  }
}

/**
 * Checks the finished file once. It reads the MP4's own boxes in process (the lossless path is over in a few tenths
 * of a second; an ffprobe start would be a good part of that), and falls back to ffprobe for anything else.
 */
export async function verifyExport(file: string, expect: ExportExpectation): Promise<ExportVerification> {
  const view = await outputView(file);
  const tol = expect.toleranceSec ?? DURATION_TOLERANCE_SEC;
  const out: ExportVerification = { ok: true, problems: [], ...view };
  const v = view.videoCodec !== undefined || view.width !== undefined ? view : undefined;
  const a = view.audioCodec !== undefined ? view : undefined;
  const p = out.problems;
  const want = expect.durationSec;
  const off = (label: string, got: number | undefined) => {
    if (got !== undefined && Math.abs(got - want) > tol) p.push(`${label} lasts ${got.toFixed(3)} s, expected ${want.toFixed(3)} s (±${tol} s)`);
  };
  off('the file', out.durationSec);
  if (!v) p.push('no video stream');
  off('the video stream', out.videoDurationSec);
  if (expect.audio && !a) p.push('no audio stream');
  if (!expect.audio && a) p.push('an unexpected audio stream');
  off('the audio stream', out.audioDurationSec);
  if (expect.width !== undefined && (v?.width !== expect.width || v?.height !== expect.height)) {
    p.push(`the frame is ${v?.width}x${v?.height}, expected ${expect.width}x${expect.height}`);
  }
  if (expect.videoCodec && view.videoCodec !== expect.videoCodec) p.push(`the video codec is ${view.videoCodec}, expected ${expect.videoCodec}`);
  if (expect.constantFps) {
    const fps = fpsValue(expect.constantFps);
    const r = ratio(view.frameRate);
    const avg = ratio(view.avgFrameRate);
    if (r === undefined || Math.abs(r - fps) > 0.01 || avg === undefined || Math.abs(avg - fps) > 0.01) {
      p.push(`the frame rate is ${view.frameRate} (average ${view.avgFrameRate}), expected a constant ${fps.toFixed(3)} fps`);
    }
  }
  if (expect.audioFormat && a && (out.sampleRate !== expect.audioFormat.sampleRate || out.channels !== expect.audioFormat.channels)) {
    p.push(`the audio is ${out.sampleRate} Hz ${out.channels} ch, expected ${expect.audioFormat.sampleRate} Hz ${expect.audioFormat.channels} ch`);
  }
  out.ok = p.length === 0;
  return out;
}
