/** Files for the editing suite: an EDL and an FCPXML referencing the downloaded clips, and a contact sheet. */
import { useTimelineStore } from '../state/timeline';

const KIND = { edl: 'CMX 3600 EDL (Premiere, Resolve, Avid)', fcpxml: 'FCPXML (Final Cut, Resolve)', xmeml: 'Final Cut 7 XML (Premiere)', otio: 'OpenTimelineIO (Resolve)', 'contact-sheet': 'Contact sheet (PNG)' } as const;

export function HandoffPanel() {
  const files = useTimelineStore((s) => s.handoff);
  const write = useTimelineStore((s) => s.writeHandoff);
  const busy = useTimelineStore((s) => s.busy);
  const empty = useTimelineStore((s) => s.clips.length === 0);
  return (
    <section className="handoff" aria-label="Hand-off to an editing suite">
      <h3>Hand-off to an editing suite</h3>
      <button onClick={() => void write()} disabled={busy || empty}>
        Write EDL, FCPXML and contact sheet
      </button>
      {files.length > 0 && (
        <ul className="handoff-files">
          {files.map((f) => (
            <li key={f.path}>
              {KIND[f.kind]}{f.media === 'conformed' ? ', with conformed media' : ''}: <strong>{f.fileName}</strong> <span className="muted path">{f.path}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
