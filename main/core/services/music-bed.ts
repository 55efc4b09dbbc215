/**
 * Adds the batch's music bed: the file the editor picked is written into `<batch outputDir>/music/` under a
 * sanitized name, atomically (temp file, then a link that fails rather than replace someone else's file), probed
 * for an audio stream, and recorded. Only the batch's own previous music file is ever replaced.
 */
import { existsSync } from 'node:fs';
import { rename, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { probeMedia } from '../media/probe';
import { makeFolder } from '../media/output-folder';
import { freeTarget, linkNoClobber, sanitizeSegment } from '../queue/output-names';
import type { QueueOps, TimelineStoreApi } from '../queue/store-api';
import { UserError } from './app-errors';

const MUSIC_EXTS = new Set(['.mp3', '.wav', '.m4a', '.aac', '.flac', '.ogg', '.opus']);

export async function setMusic(store: Pick<QueueOps, 'getBatch'>, timelines: TimelineStoreApi, input: { batchId: number; fileName: string; base64: string }): Promise<void> {
  const batch = await store.getBatch(input.batchId);
  if (!batch) throw new UserError('not_found', 'There is no such batch.');
  const data = Buffer.from(input.base64, 'base64');
  if (!data.length) throw new UserError('invalid', 'The music file is empty.');
  const given = path.extname(input.fileName).toLowerCase();
  const ext = MUSIC_EXTS.has(given) ? given : '.mp3';
  const stem = sanitizeSegment(path.basename(input.fileName, path.extname(input.fileName))) || 'music';
  const dir = path.join(path.resolve(batch.outputDir), 'music');
  await makeFolder(dir, { maxNewLevels: 1 }); // inside the batch folder, which must already be there
  const temp = path.join(dir, `.music-${process.pid}-${Date.now()}${ext}.partial`);
  await writeFile(temp, data, { flag: 'wx' });
  try {
    let durationSec: number | null;
    try {
      const info = await probeMedia(temp);
      if (!info.audio) throw new Error('no audio');
      durationSec = info.durationSec || null;
    } catch {
      throw new UserError('invalid', `${input.fileName} is not a music file the app can read: pick a WAV or MP3 with sound in it.`);
    }
    const previous = await timelines.getMusic(input.batchId);
    const wanted = path.join(dir, `${stem}${ext}`);
    let target: string;
    if (previous && path.resolve(previous.filePath) === wanted && existsSync(wanted)) {
      // The batch's own earlier file of the same name: replaced in one step.
      await rename(temp, wanted);
      target = wanted;
    } else {
      target = '';
      for (let tries = 0; tries < 20 && !target; tries++) {
        const candidate = freeTarget(dir, stem, ext);
        if (await linkNoClobber(temp, candidate)) target = candidate;
      }
      if (!target) throw new UserError('conflict', 'Could not find a free name for the music file in the batch folder.');
    }
    await timelines.setMusicFile(input.batchId, target, path.basename(target), durationSec);
    if (previous && path.resolve(previous.filePath) !== target) await unlink(previous.filePath).catch(() => undefined);
  } finally {
    await unlink(temp).catch(() => undefined);
  }
}
