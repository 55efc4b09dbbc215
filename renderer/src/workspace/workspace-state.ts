/**
 * Which view each pane shows and which dialog is open. The work pane's tab follows what the editor just did:
 * reading a sheet shows the sheet, opening or queueing a batch shows that batch (its own tab, named after it).
 */
import { create } from 'zustand';

export type WorkTab = 'sheet' | 'batch' | 'bin' | 'export';
export type DialogName = 'settings' | 'shortcuts';

interface WorkspaceState {
  tab: WorkTab;
  dialog: DialogName | undefined;
  /** Bumped by "Reset layout": the pane groups re-read their (now default) sizes. */
  layoutVersion: number;
  showTab: (tab: WorkTab) => void;
  open: (dialog: DialogName | undefined) => void;
  bumpLayout: () => void;
}

export const useWorkspace = create<WorkspaceState>((set) => ({
  tab: 'sheet',
  dialog: undefined,
  layoutVersion: 0,
  showTab: (tab) => set({ tab }),
  open: (dialog) => set({ dialog }),
  bumpLayout: () => set((s) => ({ layoutVersion: s.layoutVersion + 1 })),
}));
