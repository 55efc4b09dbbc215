/**
 * The batch's timeline as the editor sees it: the saved one (clips whose row is no longer done are dropped, with a
 * line in `problems`) or the default (every done sheet row in position order, its first finished take), the bin of
 * every done row with what ffprobe says about its file, and saving with the checks an export would otherwise fail
 * on much later: rows of this batch that are done, trims inside the clip, crossfades no longer than either clip.
 */
import path from 'node:path';
import type { MediaInfo } from '../media/probe';
import { ProbeCache } from '../media/probe-cache';
import type { QueueStoreApi, TimelineStoreApi } from '../queue/store-api';
import type { SavedMarker, SavedTimelineClip } from '../queue/timeline-store';
import type { RowRecord } from '../queue/types';
import { UserError } from './app-errors';

export interface BinClip {
  rowId: number;
  row: number;
  take: number;
  label: string;
  fileName: string;
  durationSec: number | null;
  width: number | null;
  height: number | null;
  fps: string | null;
  hasAudio: boolean | null;
  problem: string | null;
}

export interface TimelineView {
  batchId: number;
  saved: boolean;
  updatedAt: number | null;
  clips: SavedTimelineClip[];
  music: { fileName: string; durationSec: number | null; volume: number; fadeOutSec: number } | null;
  markers: SavedMarker[];
  bin: BinClip[];
  problems: string[];
}

export interface TimelineSaveInput {
  batchId: number;
  clips: SavedTimelineClip[];
  music: { volume: number; fadeOutSec: number } | null;
  /** Left out (an older caller), the saved markers are kept. */
  markers?: SavedMarker[];
}

/** How far past a probed duration a trim may reach (container durations round). */
const DURATION_SLACK_SEC = 0.05;

export const rowLabel = (r: RowRecord): string => r.name?.trim() || (r.filePath ? path.basename(r.filePath) : `Row ${r.rowIndex}`);

function fpsText(fps: number | undefined): string | null {
  if (!fps || !Number.isFinite(fps)) return null;
  return String(Math.round(fps * 1000) / 1000);
}

export class TimelineService {
  readonly timelines: TimelineStoreApi;
  readonly probes = new ProbeCache();

  constructor(
    private readonly store: Pick<QueueStoreApi, 'getBatch' | 'getRow' | 'listRows' | 'timelines'>,
    /** The clip of a done row, only when it is inside its batch's output folder (AppServices.mediaFile). */
    private readonly mediaFile: (rowId: number) => Promise<string | undefined>,
  ) {
    this.timelines = store.timelines;
  }

  async doneRows(batchId: number): Promise<RowRecord[]> {
    if (!(await this.store.getBatch(batchId))) throw new UserError('not_found', 'There is no such batch.');
    return (await this.store.listRows(batchId))
      .filter((r) => r.state === 'done' && r.filePath)
      .sort((a, b) => a.position - b.position || a.take - b.take);
  }

  /** Every done row with its probe; a missing or unreadable file is a `problem`, not an error. */
  async bin(batchId: number): Promise<BinClip[]> {
    const rows = await this.doneRows(batchId);
    const files = await Promise.all(rows.map((r) => this.mediaFile(r.id)));
    const infos = await this.probes.probeAll(files.map((f) => f ?? ''));
    return rows.map((r, i) => {
      const file = files[i];
      const info = infos[i];
      const base: BinClip = {
        rowId: r.id,
        row: r.rowIndex,
        take: r.take,
        label: rowLabel(r),
        fileName: path.basename(r.filePath as string),
        durationSec: null,
        width: null,
        height: null,
        fps: null,
        hasAudio: null,
        problem: null,
      };
      if (!file) return { ...base, problem: 'The file is missing from the batch folder.' };
      if (!info || info instanceof Error) return { ...base, problem: 'The file could not be read as a video.' };
      return withInfo(base, info);
    });
  }

  async get(batchId: number): Promise<TimelineView> {
    const bin = await this.bin(batchId);
    const byId = new Map(bin.map((c) => [c.rowId, c]));
    const saved = await this.timelines.getTimeline(batchId);
    const problems: string[] = [];
    let clips: SavedTimelineClip[];
    if (saved) {
      clips = [];
      for (const c of saved.clips) {
        const b = byId.get(c.rowId);
        if (!b) {
          const row = await this.store.getRow(c.rowId);
          problems.push(`${row ? `"${rowLabel(row)}"` : 'A clip'} was taken off the timeline: its row is no longer finished.`);
          continue;
        }
        clips.push(c);
      }
      if (clips[0]) clips[0] = { ...clips[0], transitionIn: { kind: 'cut' } };
    } else {
      // The first finished take of each sheet row, in the order the rows stand in the batch.
      const seen = new Set<number>();
      clips = [];
      for (const b of [...bin].sort((x, y) => x.take - y.take)) {
        if (seen.has(b.row) || b.problem) continue;
        seen.add(b.row);
        clips.push({ rowId: b.rowId, inSec: 0, outSec: null, transitionIn: { kind: 'cut' } });
      }
      const order = new Map(bin.map((b, i) => [b.rowId, i]));
      clips.sort((x, y) => (order.get(x.rowId) ?? 0) - (order.get(y.rowId) ?? 0));
    }
    for (const c of clips) {
      const p = byId.get(c.rowId)?.problem;
      if (p) problems.push(`"${byId.get(c.rowId)?.label}": ${p}`);
    }
    const m = await this.timelines.getMusic(batchId);
    return {
      batchId,
      saved: saved !== undefined,
      updatedAt: saved?.updatedAt ?? null,
      clips,
      music: m ? { fileName: m.fileName, durationSec: m.durationSec, volume: m.volume, fadeOutSec: m.fadeOutSec } : null,
      markers: saved?.markers ?? [],
      bin,
      problems,
    };
  }

  async save(input: TimelineSaveInput): Promise<TimelineView> {
    const bin = await this.bin(input.batchId);
    const byId = new Map(bin.map((c) => [c.rowId, c]));
    const lengths: number[] = [];
    for (const [i, c] of input.clips.entries()) {
      const b = byId.get(c.rowId);
      const where = `Clip ${i + 1}`;
      if (!b) {
        const row = await this.store.getRow(c.rowId);
        if (!row || row.batchId !== input.batchId) throw new UserError('invalid', `${where} is not a clip of this batch.`);
        throw new UserError('invalid', `${where} ("${rowLabel(row)}") has not finished, so it cannot go on the timeline.`);
      }
      const name = `${where} ("${b.label}")`;
      if (b.problem || b.durationSec === null) throw new UserError('invalid', `${name}: ${b.problem ?? 'its length is unknown.'}`);
      const dur = b.durationSec;
      const out = c.outSec ?? dur;
      if (c.inSec >= dur) throw new UserError('invalid', `${name} is ${dur.toFixed(2)} s long: its in point (${c.inSec.toFixed(2)} s) must come before the end.`);
      if (c.outSec !== null && c.outSec > dur + DURATION_SLACK_SEC) throw new UserError('invalid', `${name} is ${dur.toFixed(2)} s long: its out point (${c.outSec.toFixed(2)} s) is past the end.`);
      if (out <= c.inSec) throw new UserError('invalid', `${name}: the out point must come after the in point.`);
      lengths.push(Math.min(out, dur) - c.inSec);
    }
    input.clips.forEach((c, i) => {
      if (i === 0 || c.transitionIn.kind !== 'crossfade') return;
      const d = c.transitionIn.durationSec;
      const longest = Math.min(lengths[i - 1] as number, lengths[i] as number);
      if (d > longest + 1e-6) {
        const label = byId.get(c.rowId)?.label ?? '';
        throw new UserError('invalid', `The crossfade into clip ${i + 1} ("${label}") lasts ${d} s, longer than ${d > (lengths[i] as number) ? 'that clip' : 'the clip before it'} (${longest.toFixed(2)} s after trims): shorten it.`);
      }
    });
    const music = await this.timelines.getMusic(input.batchId);
    if (input.music && !music) throw new UserError('invalid', 'Add a music file before setting its volume and fade.');
    const markers = input.markers === undefined ? ((await this.timelines.getTimeline(input.batchId))?.markers ?? []) : checkMarkers(input.markers);
    const clips = input.clips.map((c, i) => ({ rowId: c.rowId, inSec: c.inSec, outSec: c.outSec, transitionIn: i === 0 ? ({ kind: 'cut' } as const) : c.transitionIn }));
    await this.timelines.saveTimeline(input.batchId, clips, markers);
    if (input.music) await this.timelines.setMusicMix(input.batchId, input.music.volume, input.music.fadeOutSec);
    else if (music) await this.timelines.clearMusic(input.batchId);
    return this.get(input.batchId);
  }
}

/**
 * Markers in time order, each id once, the note without surrounding blanks. A marker past the end of the sequence
 * is kept (a ripple edit may have moved the end before it; the editor sees it and decides): the hand-off skips it.
 */
function checkMarkers(markers: readonly SavedMarker[]): SavedMarker[] {
  const ids = new Set<string>();
  for (const m of markers) {
    if (ids.has(m.id)) throw new UserError('invalid', `Two markers share the id "${m.id}": each marker needs its own.`);
    ids.add(m.id);
    if (!Number.isFinite(m.at) || m.at < 0) throw new UserError('invalid', `The marker "${m.note || m.id}" is not at a time on the timeline.`);
  }
  return [...markers].map((m) => ({ id: m.id, at: m.at, note: m.note.trim() })).sort((a, b) => a.at - b.at);
}

function withInfo(base: BinClip, info: MediaInfo): BinClip {
  if (!info.video) return { ...base, durationSec: info.durationSec, problem: 'The file has no video stream.' };
  return { ...base, durationSec: info.durationSec, width: info.video.width, height: info.video.height, fps: fpsText(info.video.fps), hasAudio: info.audio !== undefined };
}
