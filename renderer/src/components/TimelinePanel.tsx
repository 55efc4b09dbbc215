/**
 * The timeline pane: the open batch's sequence drawn to scale, with its toolbar (undo/redo, zoom, snapping, a marker,
 * the running time and whether it is saved). The pane itself takes the focus when clicked, so the editing keys
 * (J/K/L, I/O, arrows...) reach it without landing on a button.
 */
import { useEffect } from 'react';
import { useBatchStore } from '../state/batches';
import { useTimelineStore, type SaveState } from '../state/timeline';
import { useTimelineView } from '../state/timeline-view';
import { addMarker, zoomBy, zoomToFit } from '../timeline/commands';
import { timecode } from '../timeline/frames';
import { ZOOM_STEP } from '../timeline/geometry';
import { useSequence, useTransportSync } from '../timeline/use-sequence';
import { TimelineTrack } from './TimelineTrack';

const SAVE_LABEL: Record<SaveState, string> = { saved: 'Saved', saving: 'Saving…', unsaved: 'Not saved yet', error: 'Not saved' };

function SaveStatus() {
  const state = useTimelineStore((s) => s.saveState);
  const error = useTimelineStore((s) => s.saveError);
  const save = useTimelineStore((s) => s.save);
  return (
    <span className={`save-state ${state}`} data-testid="save-state" aria-live="polite">
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

function Toolbar({ total, name }: { total: string; name: string | undefined }) {
  const { past, future, undo, redo, clips } = useTimelineStore();
  const snap = useTimelineView((s) => s.snap);
  const setSnap = useTimelineView((s) => s.setSnap);
  const message = useTimelineView((s) => s.message);
  const pps = useTimelineView((s) => s.pps);
  return (
    <div className="tl-toolbar">
      <h2>Timeline</h2>
      {name && <span className="tl-name">{name}</span>}
      <span data-testid="timeline-total" className="muted">
        {clips.length} clip{clips.length === 1 ? '' : 's'} · {total}
      </span>
      <span className="tl-tools">
        <button className="small" onClick={undo} disabled={!past.length} aria-label="Undo the last timeline edit" title="Undo (Ctrl+Z)">
          Undo
        </button>
        <button className="small" onClick={redo} disabled={!future.length} aria-label="Redo" title="Redo (Ctrl+Shift+Z)">
          Redo
        </button>
        <span className="tl-sep" />
        <button className="small" onClick={() => zoomBy(1 / ZOOM_STEP)} aria-label="Zoom out" title="Zoom out (-)">
          −
        </button>
        <button className="small" onClick={zoomToFit} title="Zoom to fit (\)">
          Fit
        </button>
        <button className="small" onClick={() => zoomBy(ZOOM_STEP)} aria-label="Zoom in" title="Zoom in (=)">
          +
        </button>
        <span className="muted tl-zoom" data-testid="timeline-zoom" title="Pixels per second at this zoom">
          {pps < 10 ? pps.toFixed(1) : Math.round(pps)} px/s
        </span>
        <span className="tl-sep" />
        <label className="tl-snap" title="Snap edges to edits, the playhead and markers (S)">
          <input type="checkbox" checked={snap} onChange={(e) => setSnap(e.target.checked)} /> Snap
        </label>
        <button className="small" onClick={addMarker} disabled={!clips.length} title="Marker at the playhead (M)">
          Marker
        </button>
      </span>
      <span className="tl-message" data-testid="timeline-message" aria-live="polite">
        {message}
      </span>
      <span className="spacer" />
      <SaveStatus />
    </div>
  );
}

export function TimelinePanel() {
  const batchId = useBatchStore((s) => s.selectedId);
  const batch = useBatchStore((s) => s.batches.find((b) => b.id === s.selectedId));
  const hasDone = useBatchStore((s) => s.rows.some((r) => r.state === 'done'));
  const view = useTimelineStore((s) => s.view);
  const loadError = useTimelineStore((s) => s.loadError);
  const load = useTimelineStore((s) => s.load);
  const { clips, bin, lay, drafting } = useSequence();
  useTransportSync(lay, drafting);

  useEffect(() => {
    if (batchId !== undefined && hasDone) void load(batchId);
  }, [batchId, hasDone, load]);

  const showing = batchId !== undefined && hasDone && view?.batchId === batchId;
  return (
    <section className="pane timeline-pane" aria-label="Timeline" tabIndex={-1} data-testid="timeline-pane" onPointerDown={(e) => !(e.target as HTMLElement).closest('input,select,textarea,button,label') && e.currentTarget.focus({ preventScroll: true })}>
      <Toolbar total={showing ? timecode(lay.totalFrames, lay.rate) : '–'} name={showing ? batch?.name : undefined} />
      {batchId === undefined || !hasDone ? (
        <p className="muted tl-empty">
          {batchId === undefined ? 'Import a sheet and queue it: its finished clips land here, in order, ready to cut.' : 'The timeline opens here as soon as a clip of this batch has finished.'}
        </p>
      ) : !showing && loadError ? (
        <p className="error tl-empty" role="alert">
          Could not load the timeline: {loadError}{' '}
          <button className="small" onClick={() => void load(batchId)}>
            Try again
          </button>
        </p>
      ) : !showing ? (
        <p className="muted tl-empty">Loading the timeline…</p>
      ) : (
        <>
          {(view.problems.length > 0 || lay.problem) && (
            <div className="tl-problems">
              {[...view.problems, ...(lay.problem ? [`The export would refuse this timeline: ${lay.problem}`] : [])].map((p) => (
                <p key={p} className="warn">
                  {p}
                </p>
              ))}
            </div>
          )}
          {clips.length ? <TimelineTrack clips={clips} bin={bin} lay={lay} /> : <p className="muted tl-empty">The timeline is empty: add clips from the clip bin.</p>}
        </>
      )}
    </section>
  );
}
