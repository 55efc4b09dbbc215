import { useState } from 'react';
import { usd } from '../format';
import { useImportStore } from '../state/importer';
import { useSettingsStore } from '../state/settings';

export function ImportPanel() {
  const settings = useSettingsStore((s) => s.settings);
  const models = useSettingsStore((s) => s.models);
  const modelsWarning = useSettingsStore((s) => s.modelsWarning);
  const { busy, preview, problem, read, queue, clear } = useImportStore();
  const [model, setModel] = useState('');
  const [file, setFile] = useState<File | undefined>();
  const [confirmSpend, setConfirmSpend] = useState(false);
  const [allowDuplicate, setAllowDuplicate] = useState(false);
  // A new key remounts the file input, emptying it once its sheet is queued or discarded.
  const [inputKey, setInputKey] = useState(0);
  const rehearsal = settings?.rehearsal ?? true;

  const reset = () => {
    setFile(undefined);
    setInputKey((k) => k + 1);
  };

  const load = (f: File | undefined, m: string) => {
    setFile(f);
    setConfirmSpend(false);
    setAllowDuplicate(false);
    if (f) void read(f, { model: m || undefined, rehearsal });
  };

  const ready = preview && preview.summary.invalid === 0 && preview.summary.valid > 0;
  const needsConfirm = preview && !preview.rehearsal;
  const canQueue = ready && !busy && (!needsConfirm || confirmSpend) && (!preview.existingBatchId || allowDuplicate);

  return (
    <section className="panel">
      <h2>Import a sheet</h2>
      <p className="muted">CSV, TSV or Excel (.xlsx) with a header row and a “prompt” column; one clip per row.</p>
      <div className="controls">
        <label>
          Sheet{' '}
          <input
            key={inputKey}
            type="file"
            accept=".csv,.tsv,.txt,.xlsx"
            data-testid="sheet-input"
            onChange={(e) => load(e.target.files?.[0], model)}
          />
        </label>
        <label>
          Model for rows that name none{' '}
          <select value={model} onChange={(e) => (setModel(e.target.value), load(file, e.target.value))} data-testid="model-select">
            <option value="">(the sheet’s own)</option>
            {models.map((m) => (
              <option key={m.id} value={m.id}>
                {m.name} — {m.durations.join(', ')}
              </option>
            ))}
          </select>
        </label>
      </div>
      {modelsWarning && <p className="warn">{modelsWarning}</p>}
      {busy && <p className="muted">Reading and pricing the sheet…</p>}
      {problem && (
        <p className="error" role="alert">
          {problem}
        </p>
      )}
      {preview && (
        <div className="preview">
          <p>
            <strong>{preview.fileName}</strong>: {preview.summary.valid} row(s) ready
            {preview.summary.invalid > 0 && <span className="error">, {preview.summary.invalid} need fixing</span>}
            {preview.totalUsd !== null && (
              <>
                {' '}
                · about {usd(preview.totalUsd)} {preview.rehearsal ? '(Rehearsal: nothing is charged)' : 'of real money'}
              </>
            )}
          </p>
          {preview.quoteProblem && <p className="warn">{preview.quoteProblem}</p>}
          {preview.catalogWarning && <p className="warn">{preview.catalogWarning}</p>}
          {preview.warnings.map((w, i) => (
            <p key={i} className="warn">
              {w.row !== null ? `Row ${w.row}: ` : ''}
              {w.message}
            </p>
          ))}
          <table className="rows">
            <thead>
              <tr>
                <th>#</th>
                <th>Prompt</th>
                <th>Model</th>
                <th>Length</th>
                <th>Price</th>
                <th>Check</th>
              </tr>
            </thead>
            <tbody>
              {preview.rows.map((r) => (
                <tr key={r.row} className={r.valid ? '' : 'invalid'}>
                  <td>{r.row}</td>
                  <td className="prompt">{r.name ? <strong>{r.name}: </strong> : null}{r.prompt}</td>
                  <td>{r.model ?? '—'}</td>
                  <td>{r.duration ?? '—'}</td>
                  <td>{usd(r.quoteUsd)}</td>
                  <td>{r.valid ? 'ok' : r.errors.map((e) => `${e.column ? `${e.column}: ` : ''}${e.message}`).join(' ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {preview.existingBatchId !== null && (
            <label className="confirm">
              <input type="checkbox" checked={allowDuplicate} onChange={(e) => setAllowDuplicate(e.target.checked)} /> This sheet was already queued
              as batch {preview.existingBatchId}. Queue it again anyway{preview.rehearsal ? '' : ' (every row is paid again)'}.
            </label>
          )}
          {needsConfirm && (
            <label className="confirm">
              <input type="checkbox" checked={confirmSpend} onChange={(e) => setConfirmSpend(e.target.checked)} /> I understand this spends about{' '}
              {usd(preview.totalUsd)} of my Venice balance.
            </label>
          )}
          <div className="controls">
            <button
              className="primary"
              disabled={!canQueue}
              onClick={() => void queue({ confirmSpend, allowDuplicate }).then(() => (useImportStore.getState().preview ? undefined : reset()))}
            >
              {preview.rehearsal ? `Queue ${preview.summary.valid} clip(s) in Rehearsal` : `Queue ${preview.summary.valid} clip(s)`}
            </button>
            <button onClick={() => (clear(), reset())}>Discard</button>
          </div>
        </div>
      )}
    </section>
  );
}
