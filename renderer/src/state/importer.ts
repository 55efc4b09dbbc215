/** A sheet being imported: its preview (validation and prices) until it is queued. */
import { create } from 'zustand';
import type { CallOutput } from '../../../main/contract';
import { reportError } from './app';
import { useBatchStore } from './batches';
import { bridge } from './bridge';

type Preview = CallOutput<'batch:importSheet'>;

interface ImportState {
  busy: boolean;
  preview: Preview | undefined;
  problem: string | undefined;
  read: (file: File, opts: { model?: string; rehearsal: boolean }) => Promise<void>;
  queue: (opts: { confirmSpend: boolean; allowDuplicate: boolean }) => Promise<void>;
  clear: () => void;
}

async function base64Of(file: File): Promise<string> {
  const url = await new Promise<string>((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(new Error('The file could not be read.'));
    reader.readAsDataURL(file);
  });
  return url.slice(url.indexOf(',') + 1);
}

export const useImportStore = create<ImportState>((set, get) => ({
  busy: false,
  preview: undefined,
  problem: undefined,
  read: async (file, { model, rehearsal }) => {
    set({ busy: true, problem: undefined, preview: undefined });
    try {
      const r = await bridge.batch.importSheet({
        fileName: file.name,
        base64: await base64Of(file),
        rehearsal,
        ...(model ? { defaults: { model } } : {}),
      });
      if (r.ok) set({ preview: r.value });
      else set({ problem: r.error.message });
    } catch (e) {
      set({ problem: (e as Error).message });
    } finally {
      set({ busy: false });
    }
  },
  queue: async ({ confirmSpend, allowDuplicate }) => {
    const preview = get().preview;
    if (!preview) return;
    set({ busy: true, problem: undefined });
    try {
      const r = await bridge.batch.create({ importId: preview.importId, confirmSpend, allowDuplicate });
      if (!r.ok) {
        set({ problem: r.error.message });
        return;
      }
      set({ preview: undefined });
      useBatchStore.getState().upsertBatch(r.value);
      await useBatchStore.getState().select(r.value.id);
    } catch (e) {
      reportError(e);
    } finally {
      set({ busy: false });
    }
  },
  clear: () => set({ preview: undefined, problem: undefined }),
}));

