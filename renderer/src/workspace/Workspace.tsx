/**
 * The workspace: panes instead of one long page, as an editing suite lays them out. Top left the batches and, under
 * them, the work pane (the sheet being prepared, the open batch in its own tab, the clip bin, the export); top right
 * the viewer; the timeline along the bottom. Every divider drags and the sizes are remembered; the timeline of a
 * finished batch is one click on its name in the batch list away.
 */
import { useEffect } from 'react';
import { BatchList } from '../components/Batches';
import { BatchRows } from '../components/BatchRows';
import { ClipBin } from '../components/ClipBin';
import { ExportPanel } from '../components/ExportPanel';
import { HandoffPanel } from '../components/HandoffPanel';
import { ImportPanel } from '../components/ImportPanel';
import { SequencePlayer } from '../components/SequencePlayer';
import { TimelinePanel } from '../components/TimelinePanel';
import { useBatchStore } from '../state/batches';
import { useImportStore } from '../state/importer';
import { useTimelineStore } from '../state/timeline';
import { PaneGroup } from './PaneGroup';
import { useWorkspace, type WorkTab } from './workspace-state';

function WorkTabs() {
  const tab = useWorkspace((s) => s.tab);
  const showTab = useWorkspace((s) => s.showTab);
  const batch = useBatchStore((s) => s.batches.find((b) => b.id === s.selectedId));
  const hasTimeline = useTimelineStore((s) => s.view !== undefined);
  const tabs: { id: WorkTab; label: string; disabled?: boolean }[] = [
    { id: 'sheet', label: 'Sheet' },
    { id: 'batch', label: batch ? `Batch: ${batch.name}` : 'Batch', disabled: !batch },
    { id: 'bin', label: 'Clip bin', disabled: !hasTimeline },
    { id: 'export', label: 'Export', disabled: !hasTimeline },
  ];
  return (
    <div className="pane-tabs" role="tablist" aria-label="Work pane">
      {tabs.map((t) => (
        <button
          key={t.id}
          role="tab"
          id={`tab-${t.id}`}
          aria-selected={tab === t.id}
          aria-controls={`tabpanel-${t.id}`}
          className={`pane-tab${tab === t.id ? ' active' : ''}`}
          disabled={t.disabled}
          title={t.label}
          onClick={() => showTab(t.id)}
        >
          {t.label}
        </button>
      ))}
    </div>
  );
}

/** A tab's content stays mounted when hidden, so a half-edited sheet or a scrolled batch is as it was left. */
function TabPanel({ id, children }: { id: WorkTab; children: React.ReactNode }) {
  const tab = useWorkspace((s) => s.tab);
  return (
    <div role="tabpanel" id={`tabpanel-${id}`} aria-labelledby={`tab-${id}`} className="pane-body" hidden={tab !== id}>
      {children}
    </div>
  );
}

function WorkPane() {
  const batch = useBatchStore((s) => s.batches.find((b) => b.id === s.selectedId));
  const view = useTimelineStore((s) => s.view);
  return (
    <section className="pane work-pane" aria-label="Sheet and batch" data-own-keys>
      <WorkTabs />
      <TabPanel id="sheet">
        <ImportPanel />
      </TabPanel>
      <TabPanel id="batch">
        <BatchRows />
      </TabPanel>
      <TabPanel id="bin">{view ? <ClipBin bin={view.bin} /> : <p className="muted">Open a batch with finished clips.</p>}</TabPanel>
      <TabPanel id="export">
        {view ? (
          <>
            <ExportPanel key={view.batchId} defaultName={`${(batch?.name ?? 'batch').replace(/[\\/]/g, '-')}.mp4`} />
            <HandoffPanel />
          </>
        ) : (
          <p className="muted">Open a batch with finished clips.</p>
        )}
      </TabPanel>
    </section>
  );
}

function BatchesPane() {
  return (
    <section className="pane batches-pane" aria-label="Batches" data-own-keys>
      <h2 className="pane-title">Batches</h2>
      <div className="pane-body">
        <BatchList />
      </div>
    </section>
  );
}

/** The work pane's tab follows what the editor just did: a sheet read shows the sheet, a batch opened shows it. */
function useTabFollowsWork(): void {
  useEffect(() => {
    const offImport = useImportStore.subscribe((s, before) => {
      if ((s.file !== before.file && s.file) || (s.busy && !before.busy) || (s.problem && s.problem !== before.problem)) useWorkspace.getState().showTab('sheet');
    });
    const offBatch = useBatchStore.subscribe((s, before) => {
      if (s.selectedId !== undefined && s.selectedId !== before.selectedId) useWorkspace.getState().showTab('batch');
    });
    return () => {
      offImport();
      offBatch();
    };
  }, []);
}

export function Workspace() {
  useTabFollowsWork();
  return (
    <main className="workspace">
      <PaneGroup id="main" orientation="vertical" label="sheet and viewer above, timeline below">
        {{
          upper: (
            <PaneGroup id="upper" orientation="horizontal" label="sheet and batches beside the viewer">
              {{
                left: (
                  <PaneGroup id="left" orientation="vertical" label="batches above the sheet">
                    {{ batches: <BatchesPane />, work: <WorkPane /> }}
                  </PaneGroup>
                ),
                viewer: <SequencePlayer />,
              }}
            </PaneGroup>
          ),
          timeline: <TimelinePanel />,
        }}
      </PaneGroup>
    </main>
  );
}
