/**
 * What export knows of a clip, from the cheapest source that is still true:
 *  1. the probe taken when the clip was verified at download, kept with the clip, trusted while the file's identity
 *     (size, mtime, inode) is unchanged: a re-download or an edit is a new identity, and nothing has to be read;
 *  2. the MP4's own header, read in process (mp4-header.ts);
 *  3. ffprobe, for anything else.
 */
import { stat } from 'node:fs/promises';
import { readMp4Header } from './mp4-header';
import { probeMedia, type MediaInfo } from './probe';

/** A probe remembered with the identity of the file it describes. */
export interface KnownProbe {
  size: number;
  mtimeMs: number;
  ino: number;
  info: MediaInfo;
}

export type InfoSource = 'stored' | 'header' | 'ffprobe';

export async function knownProbeOf(file: string, info: MediaInfo): Promise<KnownProbe> {
  const st = await stat(file);
  return { size: st.size, mtimeMs: st.mtimeMs, ino: st.ino, info };
}

export async function mediaInfoFor(file: string, known?: KnownProbe): Promise<{ info: MediaInfo; source: InfoSource }> {
  if (known) {
    const st = await stat(file);
    if (st.size === known.size && st.mtimeMs === known.mtimeMs && st.ino === known.ino) return { info: { ...known.info, sizeBytes: st.size }, source: 'stored' };
  }
  try {
    return { info: await readMp4Header(file), source: 'header' };
  } catch {
    return { info: await probeMedia(file), source: 'ffprobe' };
  }
}
