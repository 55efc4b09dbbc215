/**
 * Scrubbing proxies: each clip re-encoded once as all-intra H.264 (every frame a keyframe), at most 540 lines high,
 * same frames at the same timestamps, so the viewer can seek to any frame by decoding that one frame instead of up
 * to a whole group of pictures. Made in the background, one at a time (two cores are shared with everything else),
 * for the clips of a timeline being opened; until a clip's proxy exists the viewer gets the clip itself. Cached per
 * file version like the thumbnails, so a proxy is made once.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { cachedPath, cachedRender } from './thumbnail';

export const PROXY_MAX_HEIGHT = 540;

export interface ProxySource {
  file: string;
  key: string;
  height: number | null;
  hasAudio: boolean;
}

export function proxyArgs(src: ProxySource, temp: string): string[] {
  const scale = src.height && src.height > PROXY_MAX_HEIGHT ? `scale=-2:${PROXY_MAX_HEIGHT}` : 'scale=trunc(iw/2)*2:trunc(ih/2)*2';
  return [
    '-v', 'error', '-i', path.resolve(src.file), '-map', '0:v:0', ...(src.hasAudio ? ['-map', '0:a:0', '-c:a', 'aac', '-b:a', '96k'] : ['-an']),
    // Every frame a keyframe and no reordering: a seek decodes exactly one frame. passthrough keeps each frame's time.
    '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'fastdecode', '-g', '1', '-bf', '0', '-crf', '26', '-pix_fmt', 'yuv420p',
    '-vf', scale, '-fps_mode', 'passthrough', '-movflags', '+faststart', '-f', 'mp4', '-y', temp,
  ];
}

export class ProxyMaker {
  private readonly queue: ProxySource[] = [];
  private readonly pending = new Set<string>();
  private running = false;
  /** Proxies made, for the log and the tests. */
  made = 0;

  constructor(private readonly cacheDir: string) {}

  /** The proxy's path when it is ready, else undefined (and it is queued). */
  async ready(src: ProxySource): Promise<string | undefined> {
    const target = await cachedPath({ ...src, ext: 'mp4', cacheDir: this.cacheDir }).catch(() => undefined);
    if (target && existsSync(target)) return target;
    this.enqueue(src);
    return undefined;
  }

  enqueue(src: ProxySource): void {
    if (this.pending.has(src.key)) return;
    this.pending.add(src.key);
    this.queue.push(src);
    void this.drain();
  }

  /** Resolves once nothing is queued or being made (tests and benches wait on it). */
  async idle(): Promise<void> {
    while (this.running || this.queue.length) await new Promise((r) => setTimeout(r, 50));
  }

  private async drain(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (let src = this.queue.shift(); src; src = this.queue.shift()) {
        try {
          await cachedRender({ ...src, ext: 'mp4', cacheDir: this.cacheDir, args: (temp) => proxyArgs(src!, temp) });
          this.made++;
        } catch {
          // A clip ffmpeg cannot re-encode keeps being served as it is: the viewer still plays it, only slower to seek.
        } finally {
          this.pending.delete(src.key);
        }
      }
    } finally {
      this.running = false;
    }
  }
}
