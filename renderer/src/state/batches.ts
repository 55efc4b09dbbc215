/** Batches and the rows of the open one, kept current by the app's events. */
import { create } from 'zustand';
import type { CallOutput } from '../../../main/contract';
import { unwrap } from '../bridge';
import { reportError, useAppStore } from './app';
import { bridge } from './bridge';
import { newerOf } from './progress';

export type BatchView = CallOutput<'batch:get'>['batch'];
export type RowView = CallOutput<'batch:get'>['rows'][number];
export type RowHistory = CallOutput<'rows:history'>;

interface BatchState {
  batches: BatchView[];
  selectedId: number | undefined;
  rows: RowView[];
  load: () => Promise<void>;
  select: (id: number) => Promise<void>;
  upsertBatch: (b: BatchView) => void;
  upsertRow: (r: RowView) => void;
  /** Pause, resume or cancel; a refusal (e.g. resuming at the spend cap) is kept in `problems` to show by the button. */
  act: (verb: 'pause' | 'resume' | 'cancel', id: number) => Promise<void>;
  /** Why the last action on a batch was refused, shown next to its controls until the next action or change. */
  problems: Record<number, string>;
  /** Raises, lowers or (null) removes a queued batch's spend cap; resolves to main's refusal, if any. */
  setBudget: (id: number, budgetUsd: number | null) => Promise<string | undefined>;
  retryFailed: () => Promise<void>;
  /** Retries the given failed rows (one button per row, or all failed at once). */
  retryRows: (ids: number[]) => Promise<void>;
  skipRows: (ids: number[]) => Promise<void>;
  /** The user's decision on an in-doubt row: send it again (may charge twice) or accept it as lost. */
  resolve: (rowId: number, decision: 'resubmit' | 'lost') => Promise<void>;
  /** A row refused under the content policy takes the prompt Venice suggested and is sent again. */
  useSuggestedPrompt: (rowId: number) => Promise<void>;
  /** The row whose history is open (one at a time), and that history, refreshed as the row changes. */
  historyRowId: number | undefined;
  history: RowHistory | undefined;
  toggleHistory: (rowId: number) => Promise<void>;
  loadHistory: (rowId: number) => Promise<void>;
}

export const useBatchStore = create<BatchState>((set, get) => ({
  batches: [],
  selectedId: undefined,
  rows: [],
  historyRowId: undefined,
  history: undefined,
  problems: {},
  toggleHistory: async (rowId) => {
    if (get().historyRowId === rowId) return set({ historyRowId: undefined, history: undefined });
    set({ historyRowId: rowId, history: undefined });
    await get().loadHistory(rowId);
  },
  loadHistory: async (rowId) => {
    try {
      const history = unwrap(await bridge.rows.history({ rowId }));
      if (get().historyRowId === rowId) set({ history });
    } catch (e) {
      reportError(e);
    }
  },
  load: async () => {
    try {
      const batches = newerOf(unwrap(await bridge.batch.list()), get().batches);
      set({ batches });
      useAppStore.getState().pruneNotices(batches);
      const { selectedId } = get();
      const first = batches[0];
      if (selectedId === undefined && first) await get().select(first.id);
      else if (selectedId !== undefined) await get().select(selectedId);
    } catch (e) {
      reportError(e);
    }
  },
  select: async (id) => {
    if (id !== get().selectedId) set({ historyRowId: undefined, history: undefined });
    set({ selectedId: id });
    try {
      const { batch, rows } = unwrap(await bridge.batch.get({ batchId: id }));
      // A row:changed event may have landed while this answer was on its way: keep whichever view is newer.
      if (get().selectedId === id) set((s) => ({ rows: newerOf(rows, s.rows) }));
      get().upsertBatch(batch);
    } catch (e) {
      reportError(e);
    }
  },
  upsertBatch: (b) => {
    set((s) => {
      const i = s.batches.findIndex((x) => x.id === b.id);
      // An answer older than the copy held (an event overtook it) changes nothing.
      if (i >= 0 && newerOf([b], s.batches)[0] !== b) return {};
      // A batch that runs again has nothing left to explain about a refused resume.
      const problems = b.status === 'active' ? without(s.problems, b.id) : s.problems;
      if (i < 0) return { batches: [b, ...s.batches], problems };
      const batches = s.batches.slice();
      batches[i] = b;
      return { batches, problems };
    });
    // Notices about a batch (paused, needs a decision) go once their cause is gone.
    useAppStore.getState().pruneNotices(get().batches);
  },
  upsertRow: (r) => {
    if (r.id === get().historyRowId) void get().loadHistory(r.id);
    set((s) => {
      if (r.batchId !== s.selectedId) return {};
      const i = s.rows.findIndex((x) => x.id === r.id);
      if (i < 0) return { rows: [...s.rows, r].sort((a, b) => a.position - b.position) };
      const rows = s.rows.slice();
      rows[i] = r;
      return { rows };
    });
  },
  act: async (verb, id) => {
    const r = await bridge.batch[verb]({ batchId: id });
    if (r.ok) {
      set((s) => ({ problems: without(s.problems, id) }));
      get().upsertBatch(r.value);
    } else set((s) => ({ problems: { ...s.problems, [id]: r.error.message } }));
  },
  setBudget: async (id, budgetUsd) => {
    const r = await bridge.batch.setBudget({ batchId: id, budgetUsd });
    if (!r.ok) return r.error.message.replace(/^budgetUsd: /, '');
    set((s) => ({ problems: without(s.problems, id) }));
    get().upsertBatch(r.value);
    return undefined;
  },
  retryFailed: async () => {
    const ids = get()
      .rows.filter((r) => r.state === 'failed')
      .map((r) => r.id);
    await get().retryRows(ids);
  },
  useSuggestedPrompt: async (rowId) => {
    try {
      get().upsertRow(unwrap(await bridge.rows.useSuggestedPrompt({ rowId })));
    } catch (e) {
      reportError(e);
    }
  },
  resolve: async (rowId, decision) => {
    try {
      get().upsertRow(unwrap(await bridge.rows.resolve({ rowId, decision })));
    } catch (e) {
      reportError(e);
    }
  },
  retryRows: (ids) => changeRows(get, ids, async (rowIds) => unwrap(await bridge.rows.retry({ rowIds }))),
  skipRows: (ids) => changeRows(get, ids, async (rowIds) => unwrap(await bridge.rows.skip({ rowIds }))),
}));

function without(problems: Record<number, string>, id: number): Record<number, string> {
  if (!(id in problems)) return problems;
  const next = { ...problems };
  delete next[id];
  return next;
}

/** Sends a change for many rows, then reloads the open batch so every row shows its new state. */
async function changeRows(get: () => BatchState, ids: number[], send: (rowIds: number[]) => Promise<unknown>): Promise<void> {
  if (!ids.length) return;
  try {
    await send(ids);
    const id = get().selectedId;
    if (id !== undefined) await get().select(id);
  } catch (e) {
    reportError(e);
  }
}
