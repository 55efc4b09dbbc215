/**
 * The probe of each downloaded clip, as verification took it (migration 4), keyed by the clip's final path with the
 * identity of the file it describes. Kept so an export need not probe fifty clips again: media-info.ts trusts an
 * entry only while size, mtime and inode still match, so a re-downloaded or edited file is simply probed afresh.
 * Best effort on both sides: a missing or unreadable entry only costs one probe.
 */
import type { Db } from './db';
import type { KnownProbe } from '../media/media-info';

export function saveClipProbe(db: Db, filePath: string, probe: KnownProbe, now = Date.now()): void {
  db.prepare(
    `INSERT INTO clip_probes (file_path, size, mtime_ms, ino, info_json, updated_at) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT(file_path) DO UPDATE SET size = excluded.size, mtime_ms = excluded.mtime_ms, ino = excluded.ino,
       info_json = excluded.info_json, updated_at = excluded.updated_at`,
  ).run(filePath, probe.size, probe.mtimeMs, probe.ino, JSON.stringify(probe.info), now);
}

export function clipProbe(db: Db, filePath: string): KnownProbe | undefined {
  try {
    const r = db.prepare('SELECT size, mtime_ms, ino, info_json FROM clip_probes WHERE file_path = ?').get(filePath) as
      | { size: number; mtime_ms: number; ino: number; info_json: string }
      | undefined;
    return r ? { size: r.size, mtimeMs: r.mtime_ms, ino: r.ino, info: JSON.parse(r.info_json) as KnownProbe['info'] } : undefined;
  } catch {
    return undefined;
  }
}
