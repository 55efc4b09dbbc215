/**
 * Decides whether a downloaded clip is the clip that was paid for: it must be an MP4 (ISO BMFF, told by its own
 * `ftyp` box, then read by ffprobe forced to the mp4 demuxer: nothing else is a clip, whatever its name or its
 * Content-Type), hold a video stream of the requested length, and not be one of the tiny placeholder clips some
 * models return (with a 200) when they silently moderate a prompt.
 */
import { open } from 'node:fs/promises';
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

/**
 * True when the file starts with an ISO BMFF `ftyp` box of a sane size (every MP4 does). An HLS playlist, a
 * Matroska or a transport stream does not, and is never handed to a demuxer that would guess what it is.
 */
export async function startsAsMp4(file: string): Promise<boolean> {
  const fh = await open(file, 'r');
  try {
    const head = Buffer.alloc(12);
    const { bytesRead } = await fh.read(head, 0, 12, 0);
    if (bytesRead < 12) return false;
    const size = head.readUInt32BE(0);
    return head.toString('latin1', 4, 8) === 'ftyp' && size >= 16 && size <= 4096;
  } finally {
    await fh.close();
  }
}

/** Heights by resolution name; anything unknown is treated as 4K (a generous bound, never a tight one). */
const HEIGHT: Record<string, number> = { '360p': 360, '480p': 480, '540p': 540, '576p': 576, '720p': 720, '1080p': 1080, '1440p': 1440, '2k': 1440, '2160p': 2160, '4k': 2160 };

/**
 * The most bytes a clip of this length and resolution can reasonably take: one bit per pixel per frame at 60 fps
 * (about ten times what video models actually send) plus an audio track and container slack, and never under
 * 16 MB. Downloads stop reading past it: 1.5 GB for a 1 s 480p clip is not a clip.
 */
export function clipSizeCap(spec: { durationSec: number; resolution?: string | null }): number {
  const height = HEIGHT[String(spec.resolution ?? '').toLowerCase()] ?? 2160;
  const pixels = height * Math.ceil((height * 16) / 9);
  const bytesPerSec = (pixels * 60) / 8 + 1_000_000 / 8;
  const seconds = Number.isFinite(spec.durationSec) && spec.durationSec > 0 ? spec.durationSec : 60;
  return Math.max(16 * 1024 * 1024, Math.ceil(seconds * bytesPerSec) + 8 * 1024 * 1024);
}

export async function verifyClip(file: string, expect: ClipExpectation): Promise<ClipVerdict> {
  let info: MediaInfo;
  try {
    if (!(await startsAsMp4(file))) {
      return { ok: false, reason: 'unreadable', message: "The downloaded file is not an MP4 video (it does not start with an MP4 'ftyp' header)." };
    }
    info = await probeMedia(file, { format: 'mp4' });
  } catch (e) {
    return { ok: false, reason: 'unreadable', message: `The downloaded file is not an MP4 video that ffprobe can read (${(e as Error).message}).` };
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
