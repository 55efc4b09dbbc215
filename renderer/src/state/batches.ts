/** Batches and the rows of the open one, kept current by the app's events. */
import { create } from 'zustand';
import type { CallOutput } from '../../../main/contract';
import { unwrap } from '../bridge';
import { reportError } from './app';
import { bridge } from './bridge';

export type BatchView = CallOutput<'batch:get'>['batch'];
export type RowView = CallOutput<'batch:get'>['rows'][number];

interface BatchState {
  batches: BatchView[];
  selectedId: number | undefined;
  rows: RowView[];
  load: () => Promise<void>;
  select: (id: number) => Promise<void>;
  upsertBatch: (b: BatchView) => void;
  upsertRow: (r: RowView) => void;
  act: (verb: 'pause' | 'resume' | 'cancel', id: number) => Promise<void>;
  retryFailed: () => Promise<void>;
}

export const useBatchStore = create<BatchState>((set, get) => ({
  batches: [],
  selectedId: undefined,
  rows: [],
  load: async () => {
    try {
      const batches = unwrap(await bridge.batch.list());
      set({ batches });
      const { selectedId } = get();
      const first = batches[0];
      if (selectedId === undefined && first) await get().select(first.id);
      else if (selectedId !== undefined) await get().select(selectedId);
    } catch (e) {
      reportError(e);
    }
  },
  select: async (id) => {
    set({ selectedId: id });
    try {
      const { batch, rows } = unwrap(await bridge.batch.get({ batchId: id }));
      if (get().selectedId === id) set({ rows });
      get().upsertBatch(batch);
    } catch (e) {
      reportError(e);
    }
  },
  upsertBatch: (b) =>
    set((s) => {
      const i = s.batches.findIndex((x) => x.id === b.id);
      if (i < 0) return { batches: [b, ...s.batches] };
      const batches = s.batches.slice();
      batches[i] = b;
      return { batches };
    }),
  upsertRow: (r) =>
    set((s) => {
      if (r.batchId !== s.selectedId) return {};
      const i = s.rows.findIndex((x) => x.id === r.id);
      if (i < 0) return { rows: [...s.rows, r].sort((a, b) => a.position - b.position) };
      const rows = s.rows.slice();
      rows[i] = r;
      return { rows };
    }),
  act: async (verb, id) => {
    try {
      get().upsertBatch(unwrap(await bridge.batch[verb]({ batchId: id })));
    } catch (e) {
      reportError(e);
    }
  },
  retryFailed: async () => {
    const ids = get()
      .rows.filter((r) => r.state === 'failed')
      .map((r) => r.id);
    if (!ids.length) return;
    try {
      unwrap(await bridge.rows.retry({ rowIds: ids }));
      const id = get().selectedId;
      if (id !== undefined) await get().select(id);
    } catch (e) {
      reportError(e);
    }
  },
}));
