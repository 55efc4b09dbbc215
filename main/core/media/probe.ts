/** ffprobe through fluent-ffmpeg, reduced to what verification and export compare. */
import { stat } from 'node:fs/promises';
import ffmpeg from 'fluent-ffmpeg';
import { useMediaBinaries } from './ffmpeg-binaries';

export interface VideoStreamInfo {
  codec: string;
  width: number;
  height: number;
  pixFmt: string | undefined;
  /** Frames per second, from r_frame_rate. */
  fps: number | undefined;
  timeBase: string | undefined;
}

export interface AudioStreamInfo {
  codec: string;
  sampleRate: number | undefined;
  channels: number | undefined;
  channelLayout: string | undefined;
}

export interface MediaInfo {
  durationSec: number;
  sizeBytes: number;
  formatName: string;
  video: VideoStreamInfo | undefined;
  audio: AudioStreamInfo | undefined;
}

function rate(r: string | undefined): number | undefined {
  if (!r) return undefined;
  const [n, d] = r.split('/').map(Number);
  if (!n || !d) return undefined;
  return n / d;
}

export async function probeMedia(file: string): Promise<MediaInfo> {
  useMediaBinaries();
  const [data, st] = await Promise.all([
    new Promise<ffmpeg.FfprobeData>((resolve, reject) =>
      ffmpeg.ffprobe(file, (err, d) => (err ? reject(new Error(`ffprobe could not read the file: ${String(err.message).split('\n')[0]}`)) : resolve(d))),
    ),
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
        }
      : undefined,
    audio: a
      ? {
          codec: String(a.codec_name ?? ''),
          sampleRate: a.sample_rate === undefined ? undefined : Number(a.sample_rate),
          channels: a.channels,
          channelLayout: a.channel_layout,
        }
      : undefined,
  };
}
