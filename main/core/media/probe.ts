/** ffprobe (see ffprobe-run.ts: file protocol only, no VENICE_* in its environment), reduced to what verification and export compare. */
import { stat } from 'node:fs/promises';
import { runFfprobe, type FfprobeOptions } from './ffprobe-run';
import type { FrameRate } from './frame-rate';

export interface VideoStreamInfo {
  codec: string;
  width: number;
  height: number;
  pixFmt: string | undefined;
  /** Frames per second, from r_frame_rate. */
  fps: number | undefined;
  timeBase: string | undefined;
  /** The exact rate (`30000/1001`), when known; `fps` is its float. */
  frameRate?: FrameRate;
  /** Frames in the stream (nb_frames), when the container says. */
  frames?: number;
  durationSec?: number;
}

export interface AudioStreamInfo {
  codec: string;
  sampleRate: number | undefined;
  channels: number | undefined;
  channelLayout: string | undefined;
  durationSec?: number;
}

export interface MediaInfo {
  durationSec: number;
  sizeBytes: number;
  formatName: string;
  video: VideoStreamInfo | undefined;
  audio: AudioStreamInfo | undefined;
  /** Embedded start timecode (`01:00:00;00`), when the file carries one. */
  timecode?: string;
}

function exactRate(r: string | undefined): FrameRate | undefined {
  const [n, d] = (r ?? '').split('/').map(Number);
  return n && d ? { num: n, den: d } : undefined;
}

const optNum = (v: unknown): number | undefined => (v === undefined || v === null || v === 'N/A' || !Number.isFinite(Number(v)) ? undefined : Number(v));

function rate(r: string | undefined): number | undefined {
  if (!r) return undefined;
  const [n, d] = r.split('/').map(Number);
  if (!n || !d) return undefined;
  return n / d;
}

export async function probeMedia(file: string, opts: FfprobeOptions = {}): Promise<MediaInfo> {
  const [data, st] = await Promise.all([
    runFfprobe(file, opts),
    stat(file),
  ]);
  const v = data.streams.find((s) => s.codec_type === 'video');
  const a = data.streams.find((s) => s.codec_type === 'audio');
  const duration = Number(data.format.duration ?? v?.duration ?? 0);
  return {
    durationSec: Number.isFinite(duration) ? duration : 0,
    sizeBytes: st.size,
    formatName: String(data.format.format_name ?? ''),
    video: v
      ? {
          codec: String(v.codec_name ?? ''),
          width: Number(v.width ?? 0),
          height: Number(v.height ?? 0),
          pixFmt: v.pix_fmt,
          fps: rate(v.r_frame_rate),
          timeBase: v.time_base,
          frameRate: exactRate(v.r_frame_rate),
          frames: optNum(v.nb_frames),
          durationSec: optNum(v.duration),
        }
      : undefined,
    audio: a
      ? {
          codec: String(a.codec_name ?? ''),
          sampleRate: a.sample_rate === undefined ? undefined : Number(a.sample_rate),
          channels: a.channels,
          channelLayout: a.channel_layout,
          durationSec: optNum(a.duration),
        }
      : undefined,
    timecode: [v?.tags?.timecode, data.format.tags?.timecode, ...data.streams.map((s) => s.tags?.timecode)].find((t): t is string => typeof t === 'string'),
  };
}
