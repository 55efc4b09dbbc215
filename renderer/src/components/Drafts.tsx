/** Edited sheets kept as drafts (state/drafts.ts), and the question asked before another file replaces an edited one. */
import { useDraftStore } from '../state/drafts';

const when = (ms: number) => new Date(ms).toLocaleString([], { dateStyle: 'medium', timeStyle: 'short' });

export function DraftList({ onOpen }: { onOpen: (id: string, title: string) => void }) {
  const drafts = useDraftStore((s) => s.drafts);
  const currentId = useDraftStore((s) => s.currentId);
  const remove = useDraftStore((s) => s.remove);
  const others = drafts.filter((d) => d.id !== currentId);
  if (others.length === 0) return null;
  return (
    <section className="drafts" aria-label="Drafts" data-testid="drafts">
      <strong>Drafts</strong> <span className="muted">— edited sheets not queued yet, kept until you queue or delete them</span>
      <ul>
        {others.map((d) => (
          <li key={d.id} data-testid="draft">
            <span>
              <strong>{d.title}</strong> <span className="muted">({d.rows} {d.rows === 1 ? 'row' : 'rows'}{d.rehearsal ? ', Rehearsal' : ''}, saved {when(d.savedAt)})</span>
            </span>
            <button className="small" onClick={() => onOpen(d.id, d.title)} aria-label={`Open the draft ${d.title}`}>
              Open
            </button>
            <button className="small" onClick={() => void remove(d.id)} aria-label={`Delete the draft ${d.title}`}>
              Delete
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** Asked when a file (or a draft) would replace a sheet with edits: nothing happens until the user answers. */
export function ReplaceConfirm({ current, next, onReplace, onKeep }: { current: string; next: string; onReplace: () => void; onKeep: () => void }) {
  return (
    <div className="confirm-replace" role="alertdialog" aria-label={`Replace the edited sheet ${current}?`} data-testid="confirm-replace">
      <p>
        <strong>{current}</strong> has edits that are not queued. Open <strong>{next}</strong> instead? Your edits are kept as a draft: open them again
        from Drafts, even after a restart.
      </p>
      <button className="primary" onClick={onReplace}>
        Open {next}
      </button>{' '}
      <button autoFocus onClick={onKeep}>
        Keep editing {current}
      </button>
    </div>
  );
}
