/** App-wide state: what the app says about itself, the connection (browser mode), notices and the balance. */
import { create } from 'zustand';
import type { CallOutput, EventPayload } from '../../../main/contract';

export type Notice = EventPayload<'notice'> & { id: number };

interface AppState {
  info: CallOutput<'app:info'> | undefined;
  connected: boolean;
  notices: Notice[];
  balance: EventPayload<'balance'> | undefined;
  setInfo: (info: CallOutput<'app:info'>) => void;
  setConnected: (connected: boolean) => void;
  addNotice: (n: EventPayload<'notice'>) => void;
  dismiss: (id: number) => void;
  setBalance: (b: EventPayload<'balance'>) => void;
}

let nextId = 1;

export const useAppStore = create<AppState>((set) => ({
  info: undefined,
  connected: true,
  notices: [],
  balance: undefined,
  setInfo: (info) => set({ info }),
  setConnected: (connected) => set({ connected }),
  addNotice: (n) => set((s) => ({ notices: [...s.notices.slice(-4), { ...n, id: nextId++ }] })),
  dismiss: (id) => set((s) => ({ notices: s.notices.filter((n) => n.id !== id) })),
  setBalance: (balance) => set({ balance }),
}));

/** Shows an error from a call as a notice, in the app's own words. */
export function reportError(e: unknown): void {
  useAppStore.getState().addNotice({ level: 'error', message: (e as Error).message, kind: 'general', batchId: null });
}
