/** The one event subscription, set up once at start: every store is fed from here, no component listens itself. */
import { unwrap } from '../bridge';
import { reportError, useAppStore } from './app';
import { useBatchStore } from './batches';
import { bridge } from './bridge';
import { useSettingsStore } from './settings';
import { useReportStore } from './report';

export async function startApp(): Promise<void> {
  const app = useAppStore.getState();
  const batches = useBatchStore.getState();
  bridge.on('batch:changed', (b) => useBatchStore.getState().upsertBatch(b));
  bridge.on('row:changed', (e) => useBatchStore.getState().upsertRow(e.row));
  bridge.on('balance', (b) => useAppStore.getState().setBalance(b));
  bridge.on('report:ready', (r) => useReportStore.getState().show(r));
  // "Every batch has finished" drives the desktop's when-done choice; on the page, each batch's own notice says it.
  bridge.on('notice', (n) => n.kind !== 'all-done' && useAppStore.getState().addNotice(n));
  try {
    app.setInfo(unwrap(await bridge.app.info()));
  } catch (e) {
    reportError(e);
  }
  await Promise.all([useSettingsStore.getState().load(), batches.load(), useReportStore.getState().load()]);
}

// Events missed while browser mode's stream was down are made up for by reloading once it is back.
useAppStore.subscribe((s, before) => {
  if (s.connected && !before.connected) void useBatchStore.getState().load();
});
