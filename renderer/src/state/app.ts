/** App-wide state: what the app says about itself, the connection (browser mode), notices and the balance. */
import { create } from 'zustand';
import type { CallOutput, EventPayload } from '../../../main/contract';

/** A notice as shown: identical ones are merged into one (`count`), and each can be dismissed. */
export type Notice = EventPayload<'notice'> & { id: number; count: number };
type BatchLike = { id: number; status: string; phase: string; pauseReason: string | null; waitingReason?: string | null };

interface AppState {
  info: CallOutput<'app:info'> | undefined;
  connected: boolean;
  notices: Notice[];
  balance: EventPayload<'balance'> | undefined;
  setInfo: (info: CallOutput<'app:info'>) => void;
  setConnected: (connected: boolean) => void;
  addNotice: (n: EventPayload<'notice'>) => void;
  dismiss: (id: number) => void;
  /** Drops the notices whose cause is gone (a paused batch runs again, a batch's rows were decided). */
  pruneNotices: (batches: readonly BatchLike[]) => void;
  setBalance: (b: EventPayload<'balance'>) => void;
}

/** At most this many notices at once: the oldest go first. */
const MAX_NOTICES = 4;

let nextId = 1;

const sameNotice = (a: EventPayload<'notice'>, b: EventPayload<'notice'>) =>
  a.level === b.level && a.kind === b.kind && a.batchId === b.batchId && a.message === b.message;

/** Whether a notice about a batch still describes it. Notices not about a batch stay until dismissed. */
export function stillTrue(n: Notice, batches: readonly BatchLike[]): boolean {
  if (n.batchId === null) return true;
  const b = batches.find((x) => x.id === n.batchId);
  if (!b) return true;
  switch (n.kind) {
    case 'batch-paused':
    case 'batch-paused-balance':
      // The notice quotes the reason it paused for; another reason (or running again) means this one is over.
      return b.status === 'paused' && b.pauseReason !== null && n.message.includes(b.pauseReason);
    case 'batch-needs-attention':
      return b.phase === 'needs-attention';
    case 'batch-waiting':
      // It carries on by itself: once it no longer waits, the notice is over.
      return Boolean(b.waitingReason);
    case 'batch-finished':
      return b.phase === 'finished';
    default:
      return true;
  }
}

export const useAppStore = create<AppState>((set) => ({
  info: undefined,
  connected: true,
  notices: [],
  balance: undefined,
  setInfo: (info) => set({ info }),
  setConnected: (connected) => set({ connected }),
  addNotice: (n) =>
    set((s) => {
      const same = s.notices.find((x) => sameNotice(x, n));
      // The same notice again is one notice said twice: counted, moved to the end (newest), never stacked.
      const rest = s.notices.filter((x) => x !== same);
      const merged: Notice = same ? { ...same, count: same.count + 1 } : { ...n, id: nextId++, count: 1 };
      return { notices: [...rest, merged].slice(-MAX_NOTICES) };
    }),
  dismiss: (id) => set((s) => ({ notices: s.notices.filter((n) => n.id !== id) })),
  pruneNotices: (batches) =>
    set((s) => {
      const kept = s.notices.filter((n) => stillTrue(n, batches));
      return kept.length === s.notices.length ? {} : { notices: kept };
    }),
  setBalance: (balance) => set({ balance }),
}));

/** Shows an error from a call as a notice, in the app's own words. */
export function reportError(e: unknown): void {
  useAppStore.getState().addNotice({ level: 'error', message: (e as Error).message, kind: 'general', batchId: null });
}
