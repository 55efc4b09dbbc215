/**
 * Drafts: a sheet edited but not queued is saved in main's data folder (draft:save) a moment after each edit, so
 * opening another file by mistake, closing the window or restarting loses nothing. The open sheet writes to one
 * draft; queueing it deletes the draft; the list shows the others, to reopen or delete.
 */
import { create } from 'zustand';
import type { CallOutput } from '../../../main/contract';
import { overrideOf } from '../import/mapping';
import { unwrap } from '../bridge';
import { reportError } from './app';
import { bridge } from './bridge';
import { editedSheetBytes } from './edited-sheet';
import { useEditorStore } from './editor';
import { cleanDefaults, defaultsChanged, useImportStore } from './importer';

export type DraftSummary = CallOutput<'draft:list'>['drafts'][number];

const SAVE_DELAY_MS = 700;

interface DraftState {
  drafts: DraftSummary[];
  /** The draft the open sheet saves into, once it has been edited (or when it was opened from a draft). */
  currentId: string | undefined;
  saveState: 'idle' | 'saving' | 'saved' | 'error';
  load: () => Promise<void>;
  /** Saves the open sheet now, if it has anything to keep (an edit, or it came from a draft). */
  saveNow: () => Promise<void>;
  open: (id: string) => Promise<void>;
  remove: (id: string) => Promise<void>;
  /** The open sheet was queued: its draft has done its job. */
  queued: () => Promise<void>;
  /** The open sheet was closed (another file, Discard): its draft stays in the list. */
  detach: () => void;
}

/** True when the open sheet differs from the file it was read from: rows edited, or defaults changed since. */
export function sheetEdited(): boolean {
  const ed = useEditorStore.getState();
  const im = useImportStore.getState();
  if (!im.preview) return false;
  return ed.rows !== ed.baseline || defaultsChanged(im, ed.mapping);
}

let timer: ReturnType<typeof setTimeout> | undefined;
/** Bumped when the open sheet is queued: a save still on its way then saved a sheet that no longer needs keeping. */
let queuedCount = 0;
/**
 * One save at a time: the sheet's text is written in slices (the page stays live), so two saves could overlap, the
 * older landing last or both making a new draft. A save asked for while one runs waits for it, then saves the sheet
 * as it is by then; further asks meanwhile share that one.
 */
let saving: Promise<void> | undefined;
let next: Promise<void> | undefined;
/** Bumped when the open sheet is closed: a save on its way then belongs to a sheet no longer open. */
let detachedCount = 0;

type GetState = () => DraftState;
type SetState = (partial: Partial<DraftState> | ((s: DraftState) => Partial<DraftState>)) => void;

/** Saves the open sheet as it is now, if it has anything to keep (an edit, or it came from a draft). */
async function saveOnce(get: GetState, set: SetState): Promise<void> {
  const im = useImportStore.getState();
  const ed = useEditorStore.getState();
  const preview = im.preview;
  if (!preview || (!sheetEdited() && get().currentId === undefined)) return;
  set({ saveState: 'saving' });
  const generation = queuedCount;
  const detached = detachedCount;
  const id = get().currentId;
  const r = await bridge.draft.save({
    ...(id ? { id } : {}),
    title: preview.title,
    fileName: preview.fileName,
    rehearsal: preview.rehearsal,
    bytes: await editedSheetBytes(ed.rows, ed.mapping),
    mapping: ed.mapping,
    defaults: cleanDefaults(im.defaults),
    budgetUsd: im.budgetUsd,
    rows: ed.rows.length,
  });
  if (!r.ok) {
    set({ saveState: 'error' });
    reportError(new Error(`The edited sheet could not be saved as a draft: ${r.error.message}`));
    return;
  }
  // Queued while this save was on its way: the sheet is a batch now, and the draft just written goes again.
  if (generation !== queuedCount) {
    await bridge.draft.delete({ id: r.value.id });
    return;
  }
  // The sheet may have been closed (or another opened) while this save was on its way: it is still a draft, just
  // not the open one's.
  const stillOpen = detached === detachedCount && useImportStore.getState().preview !== undefined;
  set((s) => ({
    currentId: stillOpen ? r.value.id : s.currentId,
    saveState: stillOpen ? 'saved' : s.saveState,
    drafts: [r.value, ...s.drafts.filter((d) => d.id !== r.value.id)],
  }));
}

export const useDraftStore = create<DraftState>((set, get) => ({
  drafts: [],
  currentId: undefined,
  saveState: 'idle',
  load: async () => {
    const r = await bridge.draft.list();
    if (r.ok) set({ drafts: r.value.drafts });
  },
  saveNow: () => {
    clearTimeout(timer);
    if (next) return next;
    const start = (): Promise<void> => {
      saving = saveOnce(get, set)
        .catch(reportError)
        .finally(() => {
          saving = undefined;
        });
      return saving;
    };
    if (!saving) return start();
    next = saving.then(() => {
      next = undefined;
      return start();
    });
    return next;
  },
  open: async (id) => {
    try {
      const d = unwrap(await bridge.draft.get({ id }));
      const im = useImportStore.getState();
      im.setDefaults({ ...Object.fromEntries(Object.keys(im.defaults).map((k) => [k, undefined])), ...d.defaults });
      im.setBudget(d.budgetUsd);
      set({ currentId: d.id, saveState: 'saved' });
      const file = new File([d.csv], `${d.title}.csv`, { type: 'text/csv' });
      await im.read(file, { rehearsal: d.rehearsal, options: { mapping: overrideOf(d.mapping) }, own: true });
    } catch (e) {
      reportError(e);
    }
  },
  remove: async (id) => {
    const r = await bridge.draft.delete({ id });
    if (r.ok) set((s) => ({ drafts: r.value.drafts, currentId: s.currentId === id ? undefined : s.currentId }));
  },
  queued: async () => {
    clearTimeout(timer);
    queuedCount++;
    const id = get().currentId;
    set({ currentId: undefined, saveState: 'idle' });
    if (id) await get().remove(id);
  },
  detach: () => {
    clearTimeout(timer);
    detachedCount++;
    set({ currentId: undefined, saveState: 'idle' });
  },
}));

let watching = false;

/** Saves the open sheet a moment after each edit (rows, defaults, cap). Set up once, by the import panel. */
export function watchDrafts(): void {
  if (watching) return;
  watching = true;
  void useDraftStore.getState().load();
  const schedule = () => {
    if (!sheetEdited() && useDraftStore.getState().currentId === undefined) return;
    clearTimeout(timer);
    timer = setTimeout(() => void useDraftStore.getState().saveNow(), SAVE_DELAY_MS);
  };
  useEditorStore.subscribe((s, before) => {
    if (s.rows !== before.rows) schedule();
  });
  useImportStore.subscribe((s, before) => {
    if (s.preview && (s.defaults !== before.defaults || s.budgetUsd !== before.budgetUsd)) schedule();
  });
}
