import { useEffect } from 'react';
import { Header } from './components/Header';
import { MorningReport } from './components/MorningReport';
import { Notices } from './components/Notices';
import { SettingsPanel } from './components/SettingsPanel';
import { useSettingsStore } from './state/settings';
import { startApp } from './state/start';
import { watchTimeline } from './state/timeline';
import { Dialog } from './workspace/Dialog';
import { installKeys } from './workspace/keys';
import { ShortcutSheet } from './workspace/ShortcutSheet';
import { Workspace } from './workspace/Workspace';
import { useWorkspace, type DialogName } from './workspace/workspace-state';

export function App() {
  useEffect(() => {
    void startApp();
    watchTimeline();
    return installKeys();
  }, []);
  const rehearsal = useSettingsStore((s) => s.settings?.rehearsal);
  const dialog = useWorkspace((s) => s.dialog);
  const open = useWorkspace((s) => s.open);
  // A dialog's close event arrives a moment after Escape: by then another dialog may have been opened (? pressed
  // at once), which must stay open.
  const closeIf = (name: DialogName) => () => useWorkspace.getState().dialog === name && open(undefined);
  return (
    <div className="app">
      <Header />
      {rehearsal && (
        <div className="banner rehearsal" role="status">
          Rehearsal mode: batches run on the built-in Venice simulator. Nothing is charged and the clips are placeholders. Turn it off in Settings to
          generate for real.
        </div>
      )}
      <Notices />
      <div className="app-reports">
        <MorningReport />
      </div>
      <Workspace />
      <Dialog title="Settings" open={dialog === 'settings'} onClose={closeIf('settings')} className="settings-dialog">
        <SettingsPanel />
      </Dialog>
      <Dialog title="Keyboard shortcuts" open={dialog === 'shortcuts'} onClose={closeIf('shortcuts')} className="shortcuts-dialog">
        <ShortcutSheet />
      </Dialog>
    </div>
  );
}
