/**
 * The selected batch's timeline: loaded from the app, edited locally with undo/redo, saved on its own a moment after
 * the last edit (so a drag or a typed trim is one save, not many), and the batch's export job, fed by its events.
 * The edits themselves are pure functions in ../timeline/edit.
 */
import { create } from 'zustand';
import { BridgeError, unwrap } from '../bridge';
import { totalDuration } from '../timeline/edit';
import type { ExportJob, HandoffFile, Marker, PresetName, TimelineClip, TimelineView, Waveform } from '../timeline/types';
import { reportError } from './app';
import { useBatchStore } from './batches';
import { bridge } from './bridge';

export type SaveState = 'saved' | 'saving' | 'unsaved' | 'error';
type MusicSettings = { volume: number; fadeOutSec: number } | null;
interface Snapshot {
  clips: TimelineClip[];
  music: MusicSettings;
  markers: Marker[];
}

const SAVE_DELAY_MS = 600;
const HISTORY_LIMIT = 100;

interface TimelineState {
  batchId: number | undefined;
  view: TimelineView | undefined;
  clips: TimelineClip[];
  music: MusicSettings;
  markers: Marker[];
  past: Snapshot[];
  future: Snapshot[];
  selected: number | undefined;
  saveState: SaveState;
  saveError: string | undefined;
  job: ExportJob | null;
  handoff: HandoffFile[];
  /** The music bed's peaks for the timeline's music track (made in main), null without music or until loaded. */
  waveform: Waveform | null;
  busy: boolean;
  /** Why the timeline could not be loaded, shown in the panel with a way to try again. */
  loadError: string | undefined;
  /** The export was refused because the file is already there: the panel offers to replace it. */
  exists: string | undefined;
  load: (batchId: number) => Promise<void>;
  /** Applies an edit to the clip list (one undo step) and schedules the save. */
  edit: (fn: (clips: TimelineClip[]) => TimelineClip[]) => void;
  setMusic: (music: MusicSettings) => void;
  /** Replaces the markers (one undo step), e.g. one added at the playhead or a note changed. */
  setMarkers: (fn: (markers: Marker[]) => Marker[]) => void;
  select: (index: number | undefined) => void;
  undo: () => void;
  redo: () => void;
  save: () => Promise<void>;
  uploadMusic: (fileName: string, base64: string) => Promise<void>;
  startExport: (preset: PresetName, fileName: string, overwrite?: boolean) => Promise<void>;
  cancelExport: () => Promise<void>;
  writeHandoff: () => Promise<void>;
  onProgress: (job: ExportJob) => void;
  duration: () => number;
}

let saveTimer: ReturnType<typeof setTimeout> | undefined;
/** Bumped on every edit, so a save's answer does not overwrite edits made while it was on its way. */
let editSeq = 0;

export const useTimelineStore = create<TimelineState>((set, get) => {
  const schedule = () => {
    clearTimeout(saveTimer);
    saveTimer = setTimeout(() => void get().save(), SAVE_DELAY_MS);
  };
  const snapshot = (): Snapshot => ({ clips: get().clips, music: get().music, markers: get().markers });
  const commit = (next: Snapshot) => {
    const { past } = get();
    editSeq++;
    set({ ...next, past: [...past, snapshot()].slice(-HISTORY_LIMIT), future: [], saveState: 'unsaved', saveError: undefined });
    schedule();
  };
  return {
    batchId: undefined,
    view: undefined,
    clips: [],
    music: null,
    markers: [],
    past: [],
    future: [],
    selected: undefined,
    saveState: 'saved',
    saveError: undefined,
    job: null,
    handoff: [],
    waveform: null,
    busy: false,
    loadError: undefined,
    exists: undefined,
    load: async (batchId) => {
      const switching = batchId !== get().batchId;
      if (switching) {
        // Leaving a batch with an edit still waiting: save it before its state is dropped.
        if (get().saveState === 'unsaved') await get().save();
        clearTimeout(saveTimer);
        set({ batchId, view: undefined, clips: [], music: null, markers: [], past: [], future: [], selected: undefined, job: null, handoff: [], waveform: null, exists: undefined, saveState: 'saved', saveError: undefined });
      } else if (get().saveState !== 'saved') {
        return; // local edits win over a reload; the save brings the new bin back anyway
      }
      try {
        const seq = editSeq;
        const [view, job] = await Promise.all([bridge.timeline.get({ batchId }).then(unwrap), bridge.export.status({ batchId }).then(unwrap)]);
        if (get().batchId !== batchId) return;
        if (view.music?.fileName !== get().view?.music?.fileName || !get().waveform) void loadWaveform(batchId, view);
        set({ view, job: job ?? get().job, loadError: undefined });
        if (seq === editSeq) set({ clips: view.clips, markers: view.markers, music: view.music && { volume: view.music.volume, fadeOutSec: view.music.fadeOutSec } });
      } catch (e) {
        if (get().batchId === batchId) set({ loadError: (e as Error).message });
      }
    },
    edit: (fn) => {
      const { clips, music, markers } = get();
      const next = fn(clips);
      if (JSON.stringify(next) === JSON.stringify(clips)) return;
      commit({ clips: next, music, markers });
      const { selected } = get();
      if (selected !== undefined && selected >= next.length) set({ selected: next.length ? next.length - 1 : undefined });
    },
    setMusic: (music) => commit({ ...snapshot(), music }),
    setMarkers: (fn) => {
      const next = fn(get().markers);
      if (JSON.stringify(next) === JSON.stringify(get().markers)) return;
      commit({ ...snapshot(), markers: next });
    },
    select: (selected) => set({ selected }),
    undo: () => {
      const { past, future } = get();
      const prev = past.at(-1);
      if (!prev) return;
      editSeq++;
      set({ ...prev, past: past.slice(0, -1), future: [snapshot(), ...future], saveState: 'unsaved' });
      schedule();
    },
    redo: () => {
      const { past, future } = get();
      const next = future[0];
      if (!next) return;
      editSeq++;
      set({ ...next, past: [...past, snapshot()], future: future.slice(1), saveState: 'unsaved' });
      schedule();
    },
    save: async () => {
      clearTimeout(saveTimer);
      const { batchId, clips, music, markers } = get();
      if (batchId === undefined) return;
      const seq = editSeq;
      set({ saveState: 'saving', saveError: undefined });
      try {
        const view = unwrap(await bridge.timeline.save({ batchId, clips, music, markers }));
        if (get().batchId !== batchId) return;
        set({ view });
        if (seq === editSeq) set({ saveState: 'saved', clips: view.clips, markers: view.markers });
      } catch (e) {
        if (get().batchId === batchId) set({ saveState: 'error', saveError: (e as Error).message });
      }
    },
    uploadMusic: async (fileName, base64) => {
      const { batchId } = get();
      if (batchId === undefined) return;
      if (get().saveState !== 'saved') await get().save();
      set({ busy: true });
      try {
        const view = unwrap(await bridge.timeline.setMusic({ batchId, fileName, base64 }));
        set({ view, music: view.music && { volume: view.music.volume, fadeOutSec: view.music.fadeOutSec }, waveform: null });
        void loadWaveform(batchId, view);
      } catch (e) {
        reportError(e);
      } finally {
        set({ busy: false });
      }
    },
    startExport: async (preset, fileName, overwrite) => {
      const { batchId } = get();
      if (batchId === undefined) return;
      // The export renders the saved timeline: save what is on screen first.
      if (get().saveState !== 'saved') await get().save();
      if (get().saveState === 'error') return;
      set({ exists: undefined });
      try {
        const started = unwrap(await bridge.export.start({ batchId, preset, fileName, overwrite }));
        // A quick export's final event can arrive before this answer: never put a finished job back to running.
        const current = get().job;
        if (!(current && current.jobId === started.jobId && current.state !== 'running')) set({ job: started });
      } catch (e) {
        if (isExistsError(e)) set({ exists: (e as Error).message });
        else reportError(e);
      }
    },
    cancelExport: async () => {
      const { job } = get();
      if (!job || job.state !== 'running') return;
      try {
        get().onProgress(unwrap(await bridge.export.cancel({ jobId: job.jobId })));
      } catch (e) {
        reportError(e);
      }
    },
    writeHandoff: async () => {
      const { batchId } = get();
      if (batchId === undefined) return;
      if (get().saveState !== 'saved') await get().save();
      set({ busy: true });
      try {
        set({ handoff: unwrap(await bridge.export.handoff({ batchId })).files });
      } catch (e) {
        reportError(e);
      } finally {
        set({ busy: false });
      }
    },
    onProgress: (job) => {
      const current = get().job;
      if (job.batchId !== get().batchId) return;
      // Events of an older job, or arriving after the final state of this one, must not move the bar back.
      if (current && current.jobId === job.jobId && current.state !== 'running' && job.state === 'running') return;
      if (current && current.jobId !== job.jobId && job.startedAt < current.startedAt) return;
      set({ job });
    },
    duration: () => totalDuration(get().clips, get().view?.bin ?? []),
  };
});

/** Fetches the music's waveform once per music file; a bed that cannot be read is drawn without one. */
async function loadWaveform(batchId: number, view: TimelineView): Promise<void> {
  if (!view.music) return useTimelineStore.setState({ waveform: null });
  const r = await bridge.timeline.waveform({ batchId });
  if (useTimelineStore.getState().batchId === batchId) useTimelineStore.setState({ waveform: r.ok ? r.value : null });
}

/** An export refused because its file is already there (never overwritten without asking). */
function isExistsError(e: unknown): boolean {
  return e instanceof BridgeError && (e.code === 'confirm' || e.code === 'conflict') && /exist/i.test(e.message);
}

let watching = false;

/** Feeds the store from the app: export progress events, and a reload when a row of the batch finishes. */
export function watchTimeline(): void {
  if (watching) return;
  watching = true;
  bridge.on('export:progress', (job) => useTimelineStore.getState().onProgress(job));
  let reloadTimer: ReturnType<typeof setTimeout> | undefined;
  useBatchStore.subscribe((s, before) => {
    const { batchId } = useTimelineStore.getState();
    if (batchId === undefined || s.selectedId !== batchId || s.rows === before.rows) return;
    const done = (rows: typeof s.rows) => rows.filter((r) => r.state === 'done').map((r) => r.id).join();
    if (done(s.rows) === done(before.rows)) return;
    clearTimeout(reloadTimer);
    reloadTimer = setTimeout(() => void useTimelineStore.getState().load(batchId), 400);
  });
}
