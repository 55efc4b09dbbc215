/**
 * The morning report shown on the page: the newest finished batch the user has not seen yet (asked for at start),
 * replaced by the report of any batch that ends while the page is open. Dismissing marks it seen in main, so it is
 * not shown again at the next start.
 */
import { create } from 'zustand';
import type { EventPayload } from '../../../main/contract';
import { unwrap } from '../bridge';
import { reportError } from './app';
import { bridge } from './bridge';

export type Report = EventPayload<'report:ready'>;

interface ReportState {
  report: Report | null;
  load: () => Promise<void>;
  show: (r: Report) => void;
  dismiss: () => Promise<void>;
}

export const useReportStore = create<ReportState>((set, get) => ({
  report: null,
  load: async () => {
    try {
      const r = unwrap(await bridge.report.get({}));
      if (r) set({ report: r });
    } catch (e) {
      reportError(e);
    }
  },
  show: (report) => set({ report }),
  dismiss: async () => {
    const r = get().report;
    set({ report: null });
    if (!r) return;
    try {
      unwrap(await bridge.report.markSeen({ batchId: r.batchId }));
    } catch (e) {
      reportError(e);
    }
  },
}));
