/**
 * Finds ffmpeg and ffprobe in a fixed order: the user's setting, the copies bundled with the app, then PATH.
 * A missing binary is a plain message telling the user what to install, not a stack trace from a spawn.
 */
import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import ffmpeg from 'fluent-ffmpeg';

export interface MediaBinaries {
  ffmpeg: string;
  ffprobe: string;
  source: 'setting' | 'bundled' | 'path';
}

export class MediaToolsMissingError extends Error {
  override readonly name = 'MediaToolsMissingError';
}

const exe = (name: string) => (process.platform === 'win32' ? `${name}.exe` : name);

function executable(p: string): boolean {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(name: string, envPath: string | undefined): string | undefined {
  for (const dir of (envPath ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, exe(name));
    if (executable(candidate)) return candidate;
  }
  return undefined;
}

export function findMediaBinaries(opts: { settingDir?: string; bundledDir?: string; envPath?: string } = {}): MediaBinaries {
  const inDir = (dir: string | undefined) => {
    if (!dir) return undefined;
    const f = path.join(dir, exe('ffmpeg'));
    const p = path.join(dir, exe('ffprobe'));
    return executable(f) && executable(p) ? { ffmpeg: f, ffprobe: p } : undefined;
  };
  const fromSetting = inDir(opts.settingDir);
  if (fromSetting) return { ...fromSetting, source: 'setting' };
  const bundled = inDir(opts.bundledDir);
  if (bundled) return { ...bundled, source: 'bundled' };
  const envPath = opts.envPath ?? process.env.PATH;
  const f = onPath('ffmpeg', envPath);
  const p = onPath('ffprobe', envPath);
  if (f && p) return { ffmpeg: f, ffprobe: p, source: 'path' };
  throw new MediaToolsMissingError(
    'ffmpeg and ffprobe were not found. Install ffmpeg (Debian/Ubuntu: sudo apt-get install ffmpeg; macOS: brew install ffmpeg; ' +
      'Windows: winget install Gyan.FFmpeg) or choose its folder in Settings.',
  );
}

let configured: MediaBinaries | undefined;

/** Points fluent-ffmpeg at the binaries once per process. */
export function useMediaBinaries(opts: Parameters<typeof findMediaBinaries>[0] = {}): MediaBinaries {
  if (!configured) {
    configured = findMediaBinaries(opts);
    ffmpeg.setFfmpegPath(configured.ffmpeg);
    ffmpeg.setFfprobePath(configured.ffprobe);
  }
  return configured;
}

/**
 * The environment ffmpeg and ffprobe run with: ours minus every VENICE_* variable. A child has no use for the API
 * key, and a crash report, a core dump or a misbehaving filter must not be able to carry it off.
 */
export function mediaChildEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(env)) if (!/^VENICE_/i.test(k)) out[k] = v;
  return out;
}
