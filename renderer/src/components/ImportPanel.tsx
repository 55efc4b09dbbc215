import { useMemo, useState } from 'react';
import { usd } from '../format';
import { useEditorStore, validationOf } from '../state/editor';
import { useImportStore } from '../state/importer';
import { useSettingsStore } from '../state/settings';
import { BatchEditor } from './BatchEditor';

export function ImportPanel() {
  const settings = useSettingsStore((s) => s.settings);
  const models = useSettingsStore((s) => s.models);
  const modelsWarning = useSettingsStore((s) => s.modelsWarning);
  const { busy, preview, problem, read, queue, clear, model, setModel } = useImportStore();
  const rows = useEditorStore((s) => s.rows);
  const mapping = useEditorStore((s) => s.mapping);
  const edited = useEditorStore((s) => s.rows !== s.baseline);
  const checks = useMemo(() => validationOf(rows, models, model ? { model } : {}, mapping), [rows, models, model, mapping]);
  const summary = useMemo(() => {
    const valid = checks.filter((c) => c.valid).length;
    return { valid, invalid: checks.length - valid };
  }, [checks]);
  const [confirmSpend, setConfirmSpend] = useState(false);
  const [allowDuplicate, setAllowDuplicate] = useState(false);
  // A new key remounts the file input, emptying it once its sheet is queued or discarded.
  const [inputKey, setInputKey] = useState(0);
  const rehearsal = settings?.rehearsal ?? true;

  const reset = () => {
    setInputKey((k) => k + 1);
  };

  const load = (f: File | undefined) => {
    setConfirmSpend(false);
    setAllowDuplicate(false);
    if (f) void read(f, { rehearsal });
  };

  const ready = preview && summary.invalid === 0 && summary.valid > 0;
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
            onChange={(e) => load(e.target.files?.[0])}
          />
        </label>
        <label>
          Model for rows that name none{' '}
          <select value={model} onChange={(e) => (setModel(e.target.value), setConfirmSpend(false))} data-testid="model-select">
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
            <strong>{preview.fileName}</strong>
            {edited && <span className="muted"> (edited)</span>}: <span data-testid="editor-summary">{summary.valid} row(s) ready
            {summary.invalid > 0 && <span className="error">, {summary.invalid} need fixing</span>}</span>
            {edited ? (
              <> · {preview.rehearsal ? 'Rehearsal: nothing is charged' : 'edited rows are priced again before anything is spent'}</>
            ) : (
              preview.totalUsd !== null && (
                <>
                  {' '}
                  · about {usd(preview.totalUsd)} {preview.rehearsal ? '(Rehearsal: nothing is charged)' : 'of real money'}
                </>
              )
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
          <BatchEditor rows={rows} checks={checks} defaultModel={model} />
          {preview.existingBatchId !== null && (
            <label className="confirm">
              <input type="checkbox" checked={allowDuplicate} onChange={(e) => setAllowDuplicate(e.target.checked)} /> This sheet was already queued
              as batch {preview.existingBatchId}. Queue it again anyway{preview.rehearsal ? '' : ' (every row is paid again)'}.
            </label>
          )}
          {needsConfirm && (
            <label className="confirm">
              <input type="checkbox" checked={confirmSpend} onChange={(e) => setConfirmSpend(e.target.checked)} /> I understand this spends about{' '}
              {usd(preview.totalUsd)} of my Venice balance{edited ? ' (priced before my edits: if they change the price, I confirm again)' : ''}.
            </label>
          )}
          <div className="controls">
            <button
              className="primary"
              disabled={!canQueue}
              onClick={() =>
                void queue({ confirmSpend, allowDuplicate }).then((result) => {
                  if (result === 'queued') reset();
                  if (result === 'repriced') setConfirmSpend(false);
                })
              }
            >
              {preview.rehearsal ? `Queue ${summary.valid} clip(s) in Rehearsal` : `Queue ${summary.valid} clip(s)`}
            </button>
            <button onClick={() => (clear(), reset())}>Discard</button>
          </div>
        </div>
      )}
    </section>
  );
}
