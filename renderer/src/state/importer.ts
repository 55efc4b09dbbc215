/** A sheet being imported: its preview (validation and prices) until it is queued. */
import { create } from 'zustand';
import type { CallOutput } from '../../../main/contract';
import { importSheet } from '../editor/sheet';
import { editedCsv, type EditRow } from '../editor/rows';
import { reportError } from './app';
import { useBatchStore } from './batches';
import { bridge } from './bridge';
import { useEditorStore } from './editor';

type Preview = CallOutput<'batch:importSheet'>;

interface ImportState {
  busy: boolean;
  preview: Preview | undefined;
  /** The batch-default model the pending import was read with. */
  modelAtImport: string;
  problem: string | undefined;
  /** The model for rows that name none (a batch default): applies to the edited rows without reading the file again. */
  model: string;
  setModel: (model: string) => void;
  read: (file: File, opts: { rehearsal: boolean }) => Promise<void>;
  /**
   * Queues the rows as edited. Unedited rows go by the pending import; edited ones are first sent again as CSV (main
   * re-reads and re-validates them). With real money, a changed price stops there so the user confirms it again.
   */
  queue: (opts: { confirmSpend: boolean; allowDuplicate: boolean }) => Promise<'queued' | 'repriced' | 'refused'>;
  clear: () => void;
}

function base64Of(bytes: Uint8Array): string {
  let text = '';
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}

/** The same reader main uses, run in the page so every cell can be edited; the preview's rows if it fails. */
async function editableRows(bytes: Uint8Array, fileName: string, preview: Preview): Promise<{ rows: EditRow[]; mapping: Record<string, string> }> {
  try {
    const sheet = await importSheet(bytes, { fileName });
    return { rows: sheet.rows.map((r) => ({ ...r, key: r.index })), mapping: sheet.mapping };
  } catch {
    const rows = preview.rows.map((r) => {
      const raw = { prompt: r.prompt, ...(r.name ? { name: r.name } : {}), ...(r.model ? { model: r.model } : {}), ...(r.duration ? { duration: r.duration } : {}) };
      return { key: r.row, index: r.row, sourceRow: r.sourceRow, prompt: r.prompt, extras: {}, raw, ...(r.name ? { name: r.name } : {}), ...(r.model ? { model: r.model } : {}), ...(r.duration ? { duration: r.duration } : {}) };
    });
    return { rows, mapping: preview.mapping };
  }
}

const edited = () => {
  const e = useEditorStore.getState();
  return e.rows !== e.baseline;
};

const csvName = (fileName: string) => `${fileName.replace(/\.[a-z0-9]+$/i, '')}.csv`;

export const useImportStore = create<ImportState>((set, get) => ({
  busy: false,
  preview: undefined,
  modelAtImport: '',
  problem: undefined,
  model: '',
  setModel: (model) => set({ model }),
  read: async (file, { rehearsal }) => {
    set({ busy: true, problem: undefined, preview: undefined });
    useEditorStore.getState().clear();
    try {
      const bytes = new Uint8Array(await file.arrayBuffer());
      const model = get().model;
      const r = await bridge.batch.importSheet({
        fileName: file.name,
        base64: base64Of(bytes),
        rehearsal,
        ...(model ? { defaults: { model } } : {}),
      });
      if (!r.ok) {
        set({ problem: r.error.message });
        return;
      }
      const { rows, mapping } = await editableRows(bytes, file.name, r.value);
      useEditorStore.getState().load(rows, mapping);
      set({ preview: r.value, modelAtImport: model });
    } catch (e) {
      set({ problem: (e as Error).message });
    } finally {
      set({ busy: false });
    }
  },
  queue: async ({ confirmSpend, allowDuplicate }) => {
    let preview = get().preview;
    if (!preview) return 'refused';
    set({ busy: true, problem: undefined });
    try {
      const model = get().model;
      if (edited() || model !== get().modelAtImport) {
        const editor = useEditorStore.getState();
        const text = editedCsv(editor.rows, editor.mapping);
        const r = await bridge.batch.importSheet({ fileName: csvName(preview.fileName), text, rehearsal: preview.rehearsal, ...(model ? { defaults: { model } } : {}) });
        if (!r.ok) {
          set({ problem: r.error.message });
          return 'refused';
        }
        const before = preview;
        preview = r.value;
        editor.markSent();
        set({ preview, modelAtImport: model });
        if (preview.summary.invalid > 0) {
          set({ problem: 'Some rows still need fixing: see the Check column.' });
          return 'refused';
        }
        if (!preview.rehearsal && preview.totalUsd !== before.totalUsd) {
          set({ problem: 'Your edits changed the price: check the new total and confirm again.' });
          return 'repriced';
        }
      }
      const r = await bridge.batch.create({ importId: preview.importId, confirmSpend, allowDuplicate });
      if (!r.ok) {
        set({ problem: r.error.message });
        return 'refused';
      }
      set({ preview: undefined });
      useEditorStore.getState().clear();
      useBatchStore.getState().upsertBatch(r.value);
      await useBatchStore.getState().select(r.value.id);
      return 'queued';
    } catch (e) {
      reportError(e);
      return 'refused';
    } finally {
      set({ busy: false });
    }
  },
  clear: () => (set({ preview: undefined, problem: undefined }), useEditorStore.getState().clear()),
}));

