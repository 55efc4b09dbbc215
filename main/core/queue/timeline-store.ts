/**
 * The editor's saved timeline and music bed per batch, in the queue database (migration 2). The timeline is JSON
 * naming rows by id, never by path: a row's file is looked up when it is used, so a moved output folder or a
 * re-downloaded clip never leaves a stale path in here.
 */
import type { Db } from './db';

export interface SavedTimelineClip {
  rowId: number;
  inSec: number;
  outSec: number | null;
  transitionIn: { kind: 'cut' } | { kind: 'crossfade'; durationSec: number };
}

/** A note at a moment of the timeline (seconds on the record side); the hand-off files carry them. */
export interface SavedMarker {
  id: string;
  at: number;
  note: string;
}

export interface SavedTimeline {
  clips: SavedTimelineClip[];
  markers: SavedMarker[];
  updatedAt: number;
}

export interface MusicRecord {
  filePath: string;
  fileName: string;
  durationSec: number | null;
  volume: number;
  fadeOutSec: number;
  updatedAt: number;
}

export class TimelineStore {
  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
  ) {}

  getTimeline(batchId: number): SavedTimeline | undefined {
    const r = this.db.prepare('SELECT json, updated_at FROM timelines WHERE batch_id = ?').get(batchId) as { json: string; updated_at: number } | undefined;
    if (!r) return undefined;
    const parsed = JSON.parse(r.json) as { clips?: SavedTimelineClip[]; markers?: SavedMarker[] };
    return { clips: Array.isArray(parsed.clips) ? parsed.clips : [], markers: Array.isArray(parsed.markers) ? parsed.markers : [], updatedAt: r.updated_at };
  }

  saveTimeline(batchId: number, clips: readonly SavedTimelineClip[], markers: readonly SavedMarker[] = []): number {
    const at = this.now();
    this.db
      .prepare('INSERT INTO timelines (batch_id, json, updated_at) VALUES (?, ?, ?) ON CONFLICT(batch_id) DO UPDATE SET json = excluded.json, updated_at = excluded.updated_at')
      .run(batchId, JSON.stringify({ version: 1, clips, markers }), at);
    return at;
  }

  getMusic(batchId: number): MusicRecord | undefined {
    const r = this.db.prepare('SELECT * FROM music_beds WHERE batch_id = ?').get(batchId) as
      | { file_path: string; file_name: string; duration_sec: number | null; volume: number; fade_out_sec: number; updated_at: number }
      | undefined;
    if (!r) return undefined;
    return { filePath: r.file_path, fileName: r.file_name, durationSec: r.duration_sec, volume: r.volume, fadeOutSec: r.fade_out_sec, updatedAt: r.updated_at };
  }

  setMusicFile(batchId: number, filePath: string, fileName: string, durationSec: number | null): void {
    this.db
      .prepare(
        `INSERT INTO music_beds (batch_id, file_path, file_name, duration_sec, updated_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT(batch_id) DO UPDATE SET file_path = excluded.file_path, file_name = excluded.file_name,
           duration_sec = excluded.duration_sec, updated_at = excluded.updated_at`,
      )
      .run(batchId, filePath, fileName, durationSec, this.now());
  }

  setMusicMix(batchId: number, volume: number, fadeOutSec: number): void {
    this.db.prepare('UPDATE music_beds SET volume = ?, fade_out_sec = ?, updated_at = ? WHERE batch_id = ?').run(volume, fadeOutSec, this.now(), batchId);
  }

  clearMusic(batchId: number): void {
    this.db.prepare('DELETE FROM music_beds WHERE batch_id = ?').run(batchId);
  }
}
