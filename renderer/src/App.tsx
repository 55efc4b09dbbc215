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
import { useWorkspace } from './workspace/workspace-state';

export function App() {
  useEffect(() => {
    void startApp();
    watchTimeline();
    return installKeys();
  }, []);
  const rehearsal = useSettingsStore((s) => s.settings?.rehearsal);
  const dialog = useWorkspace((s) => s.dialog);
  const open = useWorkspace((s) => s.open);
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
      <MorningReport />
      <Workspace />
      <Dialog title="Settings" open={dialog === 'settings'} onClose={() => open(undefined)} className="settings-dialog">
        <SettingsPanel />
      </Dialog>
      <Dialog title="Keyboard shortcuts" open={dialog === 'shortcuts'} onClose={() => open(undefined)} className="shortcuts-dialog">
        <ShortcutSheet />
      </Dialog>
    </div>
  );
}
