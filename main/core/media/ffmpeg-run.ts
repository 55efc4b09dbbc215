/**
 * Runs ffmpeg the one way export allows: an argument array (never a shell, so no file name is ever parsed as
 * syntax), progress read from `-progress pipe:1` against the known total, cancellation through an AbortSignal
 * (SIGTERM, then SIGKILL if ffmpeg lingers), and the full command line returned for the job log, as LosslessCut does.
 */
import { spawn } from 'node:child_process';
import { mediaChildEnv, useMediaBinaries } from './ffmpeg-binaries';

export interface FfmpegProgress {
  /** Seconds of output written so far. */
  seconds: number;
  /** 0..1 against `totalSec`, when it was given. */
  fraction: number | undefined;
}

export interface FfmpegRunOptions {
  args: readonly string[];
  /** ffmpeg's working directory: export runs it inside its own work folder and passes only relative, app-made names. */
  cwd?: string;
  totalSec?: number;
  signal?: AbortSignal;
  onProgress?: (p: FfmpegProgress) => void;
  /** The child's pid, as soon as it exists (tests check it is gone after a cancel). */
  onSpawn?: (pid: number) => void;
  /** The full command line, before ffmpeg starts: the log has it even when ffmpeg then fails or hangs. */
  onCommand?: (commandLine: string) => void;
}

export interface FfmpegRunResult {
  commandLine: string;
  /** ffmpeg's last stderr lines (warnings), kept for the log. */
  stderrTail: string;
}

export class FfmpegError extends Error {
  override readonly name = 'FfmpegError';
  constructor(
    message: string,
    readonly commandLine: string,
    readonly stderrTail: string,
    readonly exitCode: number | null,
  ) {
    super(message);
  }
}

/** Thrown when the AbortSignal fires; named like the platform's own so callers can test `name === 'AbortError'`. */
export class ExportCancelledError extends Error {
  override readonly name = 'AbortError';
  constructor() {
    super('The export was cancelled.');
  }
}

export function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new ExportCancelledError();
}

/** POSIX shell quoting, for display in the log only: the process itself is spawned from the array. */
export function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

export function commandLineOf(bin: string, args: readonly string[]): string {
  return [bin, ...args].map(shellQuote).join(' ');
}

const KILL_GRACE_MS = 3_000;
const STDERR_KEEP = 8_000;

/** Parses the `key=value` lines of `-progress`: out_time_us (microseconds) or out_time=HH:MM:SS.micro. */
export function progressSeconds(line: string): number | undefined {
  const us = /^out_time_(?:us|ms)=(\d+)$/.exec(line.trim());
  if (us) return Number(us[1]) / 1e6;
  const t = /^(?:out_)?time=(\d+):(\d+):(\d+(?:\.\d+)?)/.exec(line.trim());
  if (t) return Number(t[1]) * 3600 + Number(t[2]) * 60 + Number(t[3]);
  return undefined;
}

export function runFfmpeg(opts: FfmpegRunOptions): Promise<FfmpegRunResult> {
  const bin = useMediaBinaries().ffmpeg;
  const args = ['-nostdin', '-hide_banner', '-loglevel', 'error', '-nostats', '-progress', 'pipe:1', ...opts.args];
  const commandLine = commandLineOf(bin, args);
  throwIfCancelled(opts.signal);
  opts.onCommand?.(commandLine);
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { cwd: opts.cwd, env: mediaChildEnv(), stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
    if (child.pid !== undefined) opts.onSpawn?.(child.pid);
    let stderr = '';
    let pending = '';
    let cancelled = false;
    let killTimer: NodeJS.Timeout | undefined;
    const onAbort = () => {
      cancelled = true;
      child.kill('SIGTERM');
      killTimer = setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS);
      killTimer.unref();
    };
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        const s = progressSeconds(line);
        if (s === undefined || !opts.onProgress) continue;
        const total = opts.totalSec;
        opts.onProgress({ seconds: s, fraction: total && total > 0 ? Math.min(1, s / total) : undefined });
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-STDERR_KEEP);
    });
    child.once('error', (e) => {
      opts.signal?.removeEventListener('abort', onAbort);
      reject(new FfmpegError(`ffmpeg could not start: ${e.message}`, commandLine, stderr, null));
    });
    child.once('close', (code) => {
      opts.signal?.removeEventListener('abort', onAbort);
      if (killTimer) clearTimeout(killTimer);
      if (cancelled) return reject(new ExportCancelledError());
      if (code === 0) return resolve({ commandLine, stderrTail: stderr.trim() });
      const last = stderr.trim().split('\n').slice(-3).join(' | ');
      reject(new FfmpegError(`ffmpeg failed (exit ${code ?? 'signal'}): ${last || 'no message'}`, commandLine, stderr.trim(), code));
    });
  });
}
