/**
 * Settings > Studio queue: which queue this app is on now (this computer's own, or a studio's shared PostgreSQL),
 * the address to use instead, checked by a real connection in main before it is saved, and what a person must know:
 * a change takes effect when the app restarts, and VENICE_BATCH_DB wins over it. This page never sees a password:
 * the saved address has none (main refuses one) and VENICE_BATCH_DB comes back masked.
 */
import { useEffect, useId, useState } from 'react';
import type { CallOutput } from '../../../main/contract';
import { unwrap } from '../bridge';
import { reportError } from '../state/app';
import { bridge } from '../state/bridge';

type View = CallOutput<'studio:queue'>;

export function StudioQueueSettings() {
  const [view, setView] = useState<View | undefined>();
  const [draft, setDraft] = useState('');
  const [problem, setProblem] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState<string | undefined>();
  const id = useId();

  useEffect(() => {
    void bridge.studio.queue().then(
      (r) => {
        const v = unwrap(r);
        setView(v);
        setDraft(v.setting ?? '');
      },
      (e: unknown) => reportError(e),
    );
  }, []);
  if (!view) return null;

  const save = async (url: string | null) => {
    setBusy(true);
    setProblem(undefined);
    setSaved(undefined);
    const r = await bridge.studio.setQueue({ url });
    setBusy(false);
    if (!r.ok) {
      setProblem(r.error.message.replace(/^\w+: /, ''));
      return;
    }
    setView(r.value);
    setDraft(r.value.setting ?? '');
    setSaved(url ? 'Connected and saved.' : 'Saved: this computer keeps its own queue.');
  };

  const onStudio = view.on.kind === 'studio';
  return (
    <section className="studio-queue" aria-labelledby={`${id}-title`} data-testid="studio-queue">
      <h3 id={`${id}-title`}>Studio queue</h3>
      <p data-testid="studio-queue-now">
        Now working on: <strong>{onStudio ? `the studio queue, ${view.on.description}` : "this computer's own queue"}</strong>
        {onStudio ? '. Every machine pointed at it shares its batches and one Venice account.' : '.'}
      </p>
      {view.on.problem && (
        <p className="warn" role="status">
          {view.on.problem}
        </p>
      )}
      {view.environment && (
        // Taller lines: a code span's background on the next line would otherwise cover this line's underscores.
        <p className="warn" data-testid="studio-queue-env" style={{ lineHeight: 1.8 }}>
          <code>VENICE_BATCH_DB</code> is set for this run (<code>{view.environment}</code>): it overrides the address below
          until it is unset.
        </p>
      )}
      <form
        className="setting-field"
        onSubmit={(e) => {
          e.preventDefault();
          void save(draft.trim() ? draft.trim() : null);
        }}
      >
        <label htmlFor={id}>Shared queue address (PostgreSQL)</label>
        <div className="controls">
          <input
            id={id}
            className="wide"
            type="text"
            spellCheck={false}
            autoComplete="off"
            placeholder="postgres://editor@studio-db:5432/venice"
            value={draft}
            aria-invalid={problem ? true : undefined}
            aria-describedby={`${id}-help${problem ? ` ${id}-problem` : ''}`}
            data-testid="studio-queue-url"
            onChange={(e) => {
              setDraft(e.target.value);
              setProblem(undefined);
              setSaved(undefined);
            }}
          />
          <button type="submit" disabled={busy || draft.trim() === (view.setting ?? '')} data-testid="studio-queue-save">
            {busy ? 'Connecting…' : 'Connect and save'}
          </button>
          {view.setting && (
            <button type="button" disabled={busy} onClick={() => void save(null)}>
              Use this computer&apos;s own queue
            </button>
          )}
        </div>
        {problem && (
          <p className="error" role="alert" id={`${id}-problem`}>
            {problem}
          </p>
        )}
        {saved && (
          <p className="muted" role="status">
            {saved}
          </p>
        )}
        <p className="muted" id={`${id}-help`}>
          Leave the password out: put it in <code>~/.pgpass</code> (or PGPASSWORD) on each computer. The address is checked by
          connecting before it is saved. It takes effect when the app restarts. To bring this computer&apos;s batches along, run{' '}
          <code>venice-batch studio import</code> once with the app closed.
        </p>
        {view.restartNeeded && (
          <p className="warn" data-testid="studio-queue-restart">
            Restart the app to switch to {view.environment || view.setting ? 'the studio queue above' : "this computer's own queue"}.
          </p>
        )}
      </form>
    </section>
  );
}
