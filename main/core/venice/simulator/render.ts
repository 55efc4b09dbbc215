/**
 * Renders each job's clip once, in the background, a couple at a time (two cores is what CI has). ffmpeg is spawned
 * with an argument list, never a shell, in the work directory so no path ever enters the filter graph. A render
 * writes `<id>.part.mp4` and is renamed to `<id>.mp4` only when ffmpeg succeeded: a killed or failed render never
 * leaves a file that looks finished. A failure is reported to the caller, never thrown into the server.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { link, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { findMediaBinaries } from '../../media/ffmpeg-binaries';
import { ffmpegArgs, type RenderArgsInput } from './render-args';

export const RENDER_CONCURRENCY = 2;

export interface RenderJob {
  queueId: string;
  caption: string;
  args: Omit<RenderArgsInput, 'textFile' | 'output'>;
}

export type RenderDone = (ok: boolean, error?: string) => void;

interface Pending {
  job: RenderJob;
  done: RenderDone;
}

export class Renderer {
  private readonly pending: Pending[] = [];
  /** With `shareRenders`: one render per clip spec (size, length, audio...), the first job's, linked for the rest. */
  private readonly shared = new Map<string, Promise<string | Error>>();
  private readonly running = new Set<ChildProcess>();
  private readonly exits = new Set<Promise<void>>();
  private closed = false;
  private ffmpeg: string | undefined;

  constructor(
    readonly dir: string,
    ffmpegPath?: string,
    /**
     * Benchmarks: the simulator's ffmpeg must not take the machine from the engine being measured (two renders at
     * a time are two cores here). Each job's clip is then a hard link to one render per spec, captioned for none.
     */
    private readonly shareRenders = false,
  ) {
    this.ffmpeg = ffmpegPath;
  }

  clipPath(queueId: string): string {
    return path.join(this.dir, `${queueId}.mp4`);
  }

  hasClip(queueId: string): boolean {
    return existsSync(this.clipPath(queueId));
  }

  async deleteClip(queueId: string): Promise<void> {
    await rm(this.clipPath(queueId), { force: true });
  }

  enqueue(job: RenderJob, done: RenderDone): void {
    if (this.closed) return;
    if (this.shareRenders) return this.linkShared(job, done);
    this.pending.push({ job, done });
    this.pump();
  }

  private linkShared(job: RenderJob, done: RenderDone): void {
    const key = JSON.stringify(job.args);
    let render = this.shared.get(key);
    if (!render) {
      const id = `shared-${this.shared.size + 1}`;
      render = new Promise((resolve) => {
        const shared = { queueId: id, caption: 'Venice simulator: one render shared by every job of this spec', args: job.args };
        this.pending.push({ job: shared, done: (ok, error) => resolve(ok ? this.clipPath(id) : new Error(error)) });
        this.pump();
      });
      this.shared.set(key, render);
    }
    void render.then(async (file) => {
      if (this.closed) return;
      if (file instanceof Error) {
        this.shared.delete(key); // the next job of this spec tries again
        return done(false, file.message);
      }
      try {
        await link(file, this.clipPath(job.queueId));
        done(true);
      } catch (e) {
        done(false, (e as Error).message);
      }
    });
  }

  /** Drops queued renders, kills running ones and waits for them to exit. */
  async close(): Promise<void> {
    this.closed = true;
    this.pending.length = 0;
    for (const child of this.running) child.kill('SIGKILL');
    await Promise.all([...this.exits]);
  }

  private pump(): void {
    while (!this.closed && this.running.size < RENDER_CONCURRENCY && this.pending.length > 0) {
      const next = this.pending.shift();
      if (next) this.start(next);
    }
  }

  private binary(): string {
    this.ffmpeg ??= findMediaBinaries().ffmpeg;
    return this.ffmpeg;
  }

  private start({ job, done }: Pending): void {
    const textFile = `${job.queueId}.txt`;
    const part = `${job.queueId}.part.mp4`;
    const finish = (ok: boolean, error?: string) => {
      void rm(path.join(this.dir, textFile), { force: true }).catch(() => undefined);
      if (!this.closed) done(ok, error);
    };
    let binary: string;
    try {
      binary = this.binary();
    } catch (e) {
      finish(false, (e as Error).message);
      return;
    }
    // One promise per render, from the caption write to the rename, so close() waits for every step of it.
    let release: () => void = () => undefined;
    const exited = new Promise<void>((resolve) => (release = resolve));
    this.exits.add(exited);
    let settled = false;
    const settle = (ok: boolean, error?: string) => {
      if (settled) return;
      settled = true;
      this.exits.delete(exited);
      release();
      finish(ok, error);
      this.pump();
    };
    writeFile(path.join(this.dir, textFile), job.caption, 'utf8').then(
      () => {
        if (this.closed) return settle(false, 'simulator closed');
        const child = spawn(binary, ffmpegArgs({ ...job.args, textFile, output: part }), {
          cwd: this.dir,
          // Rehearsal runs inside the app: its ffmpeg gets no VENICE_* variable (the real key among them).
          env: Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^VENICE_/i.test(k))),
          stdio: ['ignore', 'ignore', 'pipe'],
          windowsHide: true,
        });
        this.running.add(child);
        let stderr = '';
        child.stderr?.on('data', (chunk: Buffer) => {
          if (stderr.length < 4000) stderr += chunk.toString('utf8');
        });
        let failedToSpawn: Error | undefined;
        child.on('error', (e) => {
          failedToSpawn = e;
          // A binary that could not be started may never emit 'close'.
          if (child.pid === undefined) {
            this.running.delete(child);
            settle(false, `could not start ffmpeg (${binary}): ${e.message}`);
          }
        });
        child.on('close', (code) => {
          this.running.delete(child);
          if (failedToSpawn || code !== 0) {
            void rm(path.join(this.dir, part), { force: true }).catch(() => undefined);
            settle(false, failedToSpawn?.message ?? `ffmpeg exited with ${code}: ${stderr.trim().slice(0, 500)}`);
            return;
          }
          rename(path.join(this.dir, part), this.clipPath(job.queueId)).then(
            () => settle(true),
            (e: Error) => settle(false, e.message),
          );
        });
      },
      (e: Error) => settle(false, e.message),
    );
  }
}
