/** The editor's saved timeline and music bed per batch, in the studio queue (same shapes as timeline-store.ts). */
import type { MusicRecord, SavedMarker, SavedTimeline, SavedTimelineClip } from '../timeline-store';
import type { TimelineStoreApi } from '../store-api';
import type { SqlRow } from '../store-records';
import type { Queryable } from './queryable';

export class PgTimelines implements TimelineStoreApi {
  constructor(private readonly q: Queryable) {}

  async getTimeline(batchId: number): Promise<SavedTimeline | undefined> {
    const r = (await this.q.query('SELECT json, updated_at FROM timelines WHERE batch_id = $1', [batchId])).rows[0] as SqlRow | undefined;
    if (!r) return undefined;
    // The same JSON as the local store's (timeline-store.ts), so a batch moved between them keeps its cut.
    const parsed = JSON.parse(String(r.json)) as { clips?: SavedTimelineClip[]; markers?: SavedMarker[] };
    return {
      clips: Array.isArray(parsed.clips) ? parsed.clips : [],
      markers: Array.isArray(parsed.markers) ? parsed.markers : [],
      updatedAt: Number(r.updated_at),
    };
  }

  async saveTimeline(batchId: number, clips: readonly SavedTimelineClip[], markers: readonly SavedMarker[] = []): Promise<number> {
    const r = await this.q.query(
      `INSERT INTO timelines (batch_id, json, updated_at) VALUES ($1, $2, vb_now_ms())
       ON CONFLICT (batch_id) DO UPDATE SET json = excluded.json, updated_at = excluded.updated_at RETURNING updated_at`,
      [batchId, JSON.stringify({ version: 1, clips, markers })],
    );
    return Number((r.rows[0] as SqlRow).updated_at);
  }

  async getMusic(batchId: number): Promise<MusicRecord | undefined> {
    const r = (await this.q.query('SELECT * FROM music_beds WHERE batch_id = $1', [batchId])).rows[0] as SqlRow | undefined;
    if (!r) return undefined;
    return {
      filePath: String(r.file_path),
      fileName: String(r.file_name),
      durationSec: r.duration_sec === null ? null : Number(r.duration_sec),
      volume: Number(r.volume),
      fadeOutSec: Number(r.fade_out_sec),
      updatedAt: Number(r.updated_at),
    };
  }

  async setMusicFile(batchId: number, filePath: string, fileName: string, durationSec: number | null): Promise<void> {
    await this.q.query(
      `INSERT INTO music_beds (batch_id, file_path, file_name, duration_sec, updated_at) VALUES ($1, $2, $3, $4, vb_now_ms())
       ON CONFLICT (batch_id) DO UPDATE SET file_path = excluded.file_path, file_name = excluded.file_name,
         duration_sec = excluded.duration_sec, updated_at = excluded.updated_at`,
      [batchId, filePath, fileName, durationSec],
    );
  }

  async setMusicMix(batchId: number, volume: number, fadeOutSec: number): Promise<void> {
    await this.q.query('UPDATE music_beds SET volume = $1, fade_out_sec = $2, updated_at = vb_now_ms() WHERE batch_id = $3', [volume, fadeOutSec, batchId]);
  }

  async clearMusic(batchId: number): Promise<void> {
    await this.q.query('DELETE FROM music_beds WHERE batch_id = $1', [batchId]);
  }
}
