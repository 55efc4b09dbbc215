import { useCallback, useMemo, useRef, useState } from 'react';
import { usd } from '../format';
import { downloadTemplate, SHEET_ACCEPT } from '../import/files';
import { useOpenSheetShortcut, useSheetDrop } from '../import/use-sheet-drop';
import { useEditorStore, validationOf } from '../state/editor';
import { defaultsChanged, useImportStore } from '../state/importer';
import { useSettingsStore } from '../state/settings';
import { BatchDefaults } from './BatchDefaults';
import { BatchEditor } from './BatchEditor';
import { ColumnMapping } from './ColumnMapping';
import { ReadOptionsBar } from './ReadOptionsBar';

export function ImportPanel() {
  const settings = useSettingsStore((s) => s.settings);
  const models = useSettingsStore((s) => s.models);
  const modelsWarning = useSettingsStore((s) => s.modelsWarning);
  const { busy, preview, info, problem, read, queue, clear, defaults, budgetUsd, setBudget } = useImportStore();
  const rows = useEditorStore((s) => s.rows);
  const mapping = useEditorStore((s) => s.mapping);
  const rowsEdited = useEditorStore((s) => s.rows !== s.baseline);
  const sentKey = useImportStore((s) => s.sentKey);
  // Changed defaults count as an edit: the rows are sent again (and priced again) before queueing.
  const edited = rowsEdited || (preview !== undefined && defaultsChanged({ defaults, sentKey }, mapping));
  const checks = useMemo(() => validationOf(rows, models, defaults, mapping), [rows, models, defaults, mapping]);
  const summary = useMemo(() => {
    const valid = checks.filter((c) => c.valid).length;
    return { valid, invalid: checks.length - valid };
  }, [checks]);
  const [confirmSpend, setConfirmSpend] = useState(false);
  const [allowDuplicate, setAllowDuplicate] = useState(false);
  const [refused, setRefused] = useState<string | undefined>();
  const [budgetText, setBudgetText] = useState(budgetUsd === null ? '' : String(budgetUsd));
  // A new key remounts the file input, emptying it once its sheet is queued or discarded.
  const [inputKey, setInputKey] = useState(0);
  const input = useRef<HTMLInputElement>(null);
  const rehearsal = settings?.rehearsal ?? true;

  const reset = () => setInputKey((k) => k + 1);

  const load = useCallback(
    (f: File | undefined) => {
      setConfirmSpend(false);
      setAllowDuplicate(false);
      setRefused(undefined);
      if (f) void read(f, { rehearsal });
    },
    [read, rehearsal],
  );
  // A dropped file replaces the picked one: empty the picker so it does not name the old file.
  const loadDropped = useCallback((f: File) => (setInputKey((k) => k + 1), load(f)), [load]);
  const over = useSheetDrop(loadDropped, setRefused);
  useOpenSheetShortcut(useCallback(() => input.current?.click(), []));

  const onBudget = (text: string) => {
    setBudgetText(text);
    const n = Number(text);
    setBudget(text.trim() !== '' && Number.isFinite(n) && n > 0 ? Math.min(n, 100_000) : null);
  };
  const overBudget = preview?.totalUsd != null && budgetUsd !== null && preview.totalUsd > budgetUsd;

  const ready = preview && summary.invalid === 0 && summary.valid > 0;
  const needsConfirm = preview && !preview.rehearsal;
  const canQueue = ready && !busy && (!needsConfirm || confirmSpend) && (!preview.existingBatchId || allowDuplicate);

  return (
    <section className="panel">
      {over && (
        <div className="drop-overlay" data-testid="drop-overlay" aria-live="polite">
          Drop a CSV, TSV or XLSX to import
        </div>
      )}
      <h2>Import a sheet</h2>
      <p className="muted">
        CSV, TSV or Excel (.xlsx) with a header row and a prompt column; one clip per row. Drop a file anywhere on the window, or press Ctrl+O.
      </p>
      <div className="controls">
        <label>
          Sheet{' '}
          <input ref={input} key={inputKey} type="file" accept={SHEET_ACCEPT} data-testid="sheet-input" onChange={(e) => load(e.target.files?.[0])} />
        </label>
        <button onClick={() => downloadTemplate(defaults.model)} data-testid="download-template">
          Download template
        </button>
      </div>
      <BatchDefaults />
      {modelsWarning && <p className="warn">{modelsWarning}</p>}
      {refused && (
        <p className="error" role="alert">
          {refused}
        </p>
      )}
      {busy && <p className="muted">Reading and pricing the sheet…</p>}
      {info && <ReadOptionsBar info={info} />}
      {info && <ColumnMapping key={info.headers.join('\u0000')} info={info} />}
      {problem && (
        <p className="error" role="alert">
          {problem}
        </p>
      )}
      {preview && (
        <div className="preview">
          <p>
            <strong>{preview.fileName}</strong>
            {edited && <span className="muted"> (edited)</span>}:{' '}
            <span data-testid="editor-summary">
              {summary.valid} row(s) ready
              {summary.invalid > 0 && <span className="error">, {summary.invalid} need fixing</span>}
            </span>
            {edited ? (
              <> · {preview.rehearsal ? 'Rehearsal: nothing is charged' : 'edited rows are priced again before anything is spent'}</>
            ) : (
              preview.totalUsd !== null && (
                <>
                  {' '}
                  · about <span data-testid="quote-total">{usd(preview.totalUsd)}</span> {preview.rehearsal ? '(Rehearsal: nothing is charged)' : 'of real money'}
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
          <BatchEditor rows={rows} checks={checks} defaults={defaults} />
          <div className="controls">
            <label>
              Stop if spend would pass ${' '}
              <input
                type="number"
                min="0.01"
                step="0.01"
                inputMode="decimal"
                className="narrow"
                data-testid="budget-input"
                aria-label="Budget cap in US dollars (empty: no cap)"
                value={budgetText}
                placeholder="no cap"
                onChange={(e) => onBudget(e.target.value)}
              />
            </label>
            {preview.totalUsd !== null && <span className="muted">quote total {usd(preview.totalUsd)}</span>}
            {overBudget && (
              <span className="warn" role="status" data-testid="budget-warning">
                The quote ({usd(preview.totalUsd)}) is above your cap: the batch will stop before it finishes.
              </span>
            )}
          </div>
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
