/**
 * Runs ffprobe on one local file, the careful way: the path handed over as `file:` with a protocol whitelist of
 * `file` (so a playlist or a reference inside the file can reach nothing but local files), optionally a forced
 * demuxer (downloaded clips are read as MP4 and nothing else: an HLS playlist named .mp4 would otherwise be
 * followed to whatever "segments" it lists), a time limit, and an environment without VENICE_* variables.
 * The answer has the same shape as fluent-ffmpeg's ffprobe, so callers read it the same way.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import type { FfprobeData } from 'fluent-ffmpeg';
import { mediaChildEnv, useMediaBinaries } from './ffmpeg-binaries';

export interface FfprobeOptions {
  /** Force a demuxer (`mp4`) instead of letting ffprobe guess from the content. */
  format?: 'mp4';
  timeoutMs?: number;
}

const MAX_OUTPUT_BYTES = 4 * 1024 * 1024;

export function runFfprobe(file: string, opts: FfprobeOptions = {}): Promise<FfprobeData> {
  const bin = useMediaBinaries().ffprobe;
  const args = [
    '-v', 'error',
    '-print_format', 'json',
    '-show_format',
    '-show_streams',
    '-protocol_whitelist', 'file',
    ...(opts.format ? ['-f', opts.format] : []),
    // `file:` so a name such as "http:x.mp4" or "concat:a|b" is never read as a protocol.
    `file:${path.resolve(file)}`,
  ];
  return new Promise((resolve, reject) => {
    execFile(
      bin,
      args,
      { env: mediaChildEnv(), timeout: opts.timeoutMs ?? 60_000, maxBuffer: MAX_OUTPUT_BYTES, windowsHide: true },
      (err, stdout, stderr) => {
        if (err) {
          const why = String(stderr || err.message).trim().split('\n').pop() ?? 'no message';
          return reject(new Error(`ffprobe could not read the file: ${why.replace(/^file:[^:]*: /, '')}`));
        }
        try {
          const data = JSON.parse(stdout) as Partial<FfprobeData>;
          resolve({ streams: data.streams ?? [], format: data.format ?? {}, chapters: data.chapters ?? [] });
        } catch {
          reject(new Error('ffprobe gave an answer that could not be read'));
        }
      },
    );
  });
}
