/**
 * Decides whether a downloaded clip is the clip that was paid for: it must be readable, hold a video stream of the
 * requested length, and not be one of the tiny placeholder clips some models return (with a 200) when they
 * silently moderate a prompt.
 */
import { probeMedia, type MediaInfo } from './probe';

export interface ClipExpectation {
  durationSec: number;
  /** Bytes the server announced (Content-Length), when it did. */
  expectedBytes?: number;
}

export type ClipVerdict =
  | { ok: true; info: MediaInfo }
  | { ok: false; reason: 'unreadable' | 'no_video' | 'placeholder' | 'wrong_duration' | 'size_mismatch'; message: string; info?: MediaInfo };

/** A 720p, 5-second placeholder is "well under 100 KB"; real clips of that size are megabytes. */
const PLACEHOLDER_BYTES_PER_SECOND_720P = 20_000;
const MIN_REAL_SIDE_PX = 128;

export function durationTolerance(expectedSec: number): number {
  return Math.max(0.5, expectedSec * 0.1);
}

export async function verifyClip(file: string, expect: ClipExpectation): Promise<ClipVerdict> {
  let info: MediaInfo;
  try {
    info = await probeMedia(file);
  } catch (e) {
    return { ok: false, reason: 'unreadable', message: `The downloaded file is not a readable video (${(e as Error).message}).` };
  }
  if (expect.expectedBytes !== undefined && info.sizeBytes !== expect.expectedBytes) {
    return {
      ok: false,
      reason: 'size_mismatch',
      message: `The file has ${info.sizeBytes} bytes but Venice announced ${expect.expectedBytes}.`,
      info,
    };
  }
  if (!info.video) return { ok: false, reason: 'no_video', message: 'The downloaded file has no video stream.', info };
  const pixels = Math.max(1, info.video.width * info.video.height);
  const minBytes = PLACEHOLDER_BYTES_PER_SECOND_720P * expect.durationSec * Math.min(1, pixels / (1280 * 720));
  if (
    info.video.width < MIN_REAL_SIDE_PX ||
    info.video.height < MIN_REAL_SIDE_PX ||
    info.sizeBytes < minBytes ||
    info.durationSec < expect.durationSec * 0.5
  ) {
    return {
      ok: false,
      reason: 'placeholder',
      message:
        `Venice returned a placeholder clip (${Math.round(info.sizeBytes / 1024)} KB, ${info.video.width}x${info.video.height}, ` +
        `${info.durationSec.toFixed(1)} s) instead of the ${expect.durationSec} s video: the prompt was probably moderated. ` +
        'Rewording the prompt usually helps.',
      info,
    };
  }
  if (Math.abs(info.durationSec - expect.durationSec) > durationTolerance(expect.durationSec)) {
    return {
      ok: false,
      reason: 'wrong_duration',
      message: `The clip lasts ${info.durationSec.toFixed(2)} s; ${expect.durationSec} s was requested.`,
      info,
    };
  }
  return { ok: true, info };
}
