/** The selected batch's timeline, once it has finished clips: bin, track, trims, playback, music, export, hand-off. */
import { useEffect } from 'react';
import { totalDuration } from '../timeline/edit';
import { clock } from '../timeline/format';
import { useBatchStore } from '../state/batches';
import { useTimelineStore, type SaveState } from '../state/timeline';
import { ClipBin } from './ClipBin';
import { ClipInspector } from './ClipInspector';
import { ExportPanel } from './ExportPanel';
import { HandoffPanel } from './HandoffPanel';
import { MusicControl } from './MusicControl';
import { SequencePlayer } from './SequencePlayer';
import { TimelineTrack } from './TimelineTrack';

const SAVE_LABEL: Record<SaveState, string> = { saved: 'Saved', saving: 'Saving…', unsaved: 'Not saved yet', error: 'Not saved' };

function SaveStatus() {
  const state = useTimelineStore((s) => s.saveState);
  const error = useTimelineStore((s) => s.saveError);
  const save = useTimelineStore((s) => s.save);
  return (
    <span className={`save-state ${state}`} role="status" data-testid="save-state">
      {SAVE_LABEL[state]}
      {state === 'error' && (
        <>
          : {error}{' '}
          <button className="small" onClick={() => void save()}>
            Try again
          </button>
        </>
      )}
    </span>
  );
}

export function TimelinePanel() {
  const batchId = useBatchStore((s) => s.selectedId);
  const batch = useBatchStore((s) => s.batches.find((b) => b.id === s.selectedId));
  const hasDone = useBatchStore((s) => s.rows.some((r) => r.state === 'done'));
  const { view, clips, selected, past, future, undo, redo, load, loadError } = useTimelineStore();

  useEffect(() => {
    if (batchId !== undefined && hasDone) void load(batchId);
  }, [batchId, hasDone, load]);

  if (batchId === undefined || !hasDone) return null;
  const bin = view?.bin ?? [];
  const selectedClip = selected !== undefined ? clips[selected] : undefined;
  const onKey = (e: React.KeyboardEvent) => {
    const target = e.target as HTMLElement;
    if (target.tagName === 'INPUT' || target.tagName === 'SELECT') return;
    if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'z') {
      e.preventDefault();
      if (e.shiftKey) redo();
      else undo();
    }
  };
  return (
    <section className="panel timeline-panel" aria-label="Timeline" onKeyDown={onKey}>
      <div className="timeline-head">
        <h2>Timeline</h2>
        <span data-testid="timeline-total">
          {clips.length} clip{clips.length === 1 ? '' : 's'} · {clock(totalDuration(clips, bin))}
        </span>
        <span className="spacer" />
        <button className="small" onClick={undo} disabled={!past.length} aria-label="Undo the last timeline edit">
          Undo
        </button>
        <button className="small" onClick={redo} disabled={!future.length} aria-label="Redo">
          Redo
        </button>
        <SaveStatus />
      </div>
      {!view && loadError ? (
        <p className="error" role="alert">
          Could not load the timeline: {loadError}{' '}
          <button className="small" onClick={() => void load(batchId)}>
            Try again
          </button>
        </p>
      ) : !view ? (
        <p className="muted">Loading the timeline…</p>
      ) : (
        <>
          {view.problems.map((p) => (
            <p key={p} className="warn">
              {p}
            </p>
          ))}
          <h3>Clip bin</h3>
          <ClipBin bin={bin} />
          <h3>Sequence</h3>
          <p className="muted hint">Drag a card by its handle (or focus the handle, press Space, use the arrow keys, Space again) to move it. Pick a card to trim it.</p>
          <TimelineTrack clips={clips} bin={bin} />
          {selectedClip && <ClipInspector clip={selectedClip} index={selected!} bin={bin} key={`${selected}-${selectedClip.rowId}`} />}
          {clips.length > 0 && (
            <>
              <h3>Preview</h3>
              <SequencePlayer clips={clips} bin={bin} />
            </>
          )}
          <MusicControl batchId={batchId} music={view.music} />
          <ExportPanel key={batchId} defaultName={`${(batch?.name ?? 'batch').replace(/[\\/]/g, '-')}.mp4`} />
          <HandoffPanel />
        </>
      )}
    </section>
  );
}
