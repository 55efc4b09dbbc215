import { useEffect } from 'react';
import { BatchList } from './components/Batches';
import { BatchRows } from './components/BatchRows';
import { Header } from './components/Header';
import { ImportPanel } from './components/ImportPanel';
import { MorningReport } from './components/MorningReport';
import { Notices } from './components/Notices';
import { SettingsPanel } from './components/SettingsPanel';
import { TimelinePanel } from './components/TimelinePanel';
import { useSettingsStore } from './state/settings';
import { startApp } from './state/start';
import { watchTimeline } from './state/timeline';

export function App() {
  useEffect(() => {
    void startApp();
    watchTimeline();
  }, []);
  const rehearsal = useSettingsStore((s) => s.settings?.rehearsal);
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
      <main className="layout">
        <div className="column">
          <ImportPanel />
          <section className="panel">
            <h2>Batches</h2>
            <BatchList />
          </section>
          <BatchRows />
          <TimelinePanel />
        </div>
        <aside className="column narrow">
          <SettingsPanel />
        </aside>
      </main>
    </div>
  );
}
