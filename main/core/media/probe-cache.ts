/**
 * Remembers what each clip is per file path + mtime + size, so listing a 200-clip bin reads each clip once per
 * change instead of on every look. An MP4's own header is read in process (media-info.ts); only other files cost an
 * ffprobe process, so they run a few at a time.
 */
import { stat } from 'node:fs/promises';
import { mediaInfoFor } from './media-info';
import type { MediaInfo } from './probe';

const MAX_ENTRIES = 5_000;
const PARALLEL = 4;

export class ProbeCache {
  private readonly entries = new Map<string, Promise<MediaInfo>>();

  async probe(file: string): Promise<MediaInfo> {
    const st = await stat(file);
    const key = `${file}\u0000${st.mtimeMs}\u0000${st.size}`;
    let hit = this.entries.get(key);
    if (!hit) {
      hit = mediaInfoFor(file).then((r) => r.info);
      // A failed probe is not remembered: the file may be fixed (or finish downloading) and deserves another look.
      hit.catch(() => this.entries.delete(key));
      if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value as string);
      this.entries.set(key, hit);
    }
    return hit;
  }

  /** Probes every file, a few at a time; each answer is the info or the error's message. */
  async probeAll(files: readonly string[]): Promise<Array<MediaInfo | Error>> {
    const out: Array<MediaInfo | Error> = new Array(files.length);
    let next = 0;
    const worker = async () => {
      while (next < files.length) {
        const i = next++;
        try {
          out[i] = await this.probe(files[i] as string);
        } catch (e) {
          out[i] = e instanceof Error ? e : new Error(String(e));
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(PARALLEL, files.length) }, worker));
    return out;
  }
}
