/** The selected marker: where it is, its note (saved with the timeline and written into the hand-off), delete. */
import { useState } from 'react';
import { seek } from '../state/transport';
import { useTimelineStore } from '../state/timeline';
import { useTimelineView } from '../state/timeline-view';
import { removeMarker, setMarkerNote } from '../timeline/commands';
import { timecode, toFrames, type Rate } from '../timeline/frames';

export function MarkerInspector({ id, rate }: { id: string; rate: Rate }) {
  const marker = useTimelineStore((s) => s.markers.find((m) => m.id === id));
  const selectMarker = useTimelineView((s) => s.selectMarker);
  const [note, setNote] = useState(marker?.note ?? '');
  if (!marker) return null;
  const frame = toFrames(marker.at, rate);
  const save = () => note !== marker.note && setMarkerNote(id, note.slice(0, 2000));
  return (
    <div className="inspector marker-inspector" aria-label="Marker" data-testid="marker-inspector">
      <div className="inspector-title">
        <strong>Marker at {timecode(frame, rate)}</strong>
        <button className="small" onClick={() => seek(frame)}>
          Playhead here
        </button>
        <button className="small" onClick={() => removeMarker(id)}>
          Delete marker
        </button>
        <button className="small" onClick={() => selectMarker(undefined)}>
          Done
        </button>
      </div>
      <label className="marker-note">
        Note{' '}
        <input
          autoFocus={!marker.note}
          value={note}
          maxLength={2000}
          placeholder="What to remember here (goes into the EDL and FCPXML)"
          aria-label="Marker note"
          onChange={(e) => setNote(e.target.value)}
          onBlur={save}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              save();
              (e.target as HTMLInputElement).blur();
            }
            if (e.key === 'Escape') {
              setNote(marker.note);
              (e.target as HTMLInputElement).blur();
            }
          }}
        />
      </label>
    </div>
  );
}
