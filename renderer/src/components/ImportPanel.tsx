import { useCallback, useEffect, useRef, useState } from 'react';
import { downloadTemplate, SHEET_ACCEPT } from '../import/files';
import { useOpenSheetShortcut, useSheetDrop } from '../import/use-sheet-drop';
import { sheetEdited, useDraftStore, watchDrafts } from '../state/drafts';
import { useImportStore } from '../state/importer';
import { useSettingsStore } from '../state/settings';
import { BatchDefaults } from './BatchDefaults';
import { ColumnMapping } from './ColumnMapping';
import { DraftList, ReplaceConfirm } from './Drafts';
import { ReadOptionsBar } from './ReadOptionsBar';
import { SheetPreview } from './SheetPreview';

export function ImportPanel() {
  const settings = useSettingsStore((s) => s.settings);
  const modelsWarning = useSettingsStore((s) => s.modelsWarning);
  const { busy, preview, info, problem, read, clear, defaults } = useImportStore();
  // A refused drop is the import's problem like any other: shown where the sheet is (and the sheet's tab comes forward).
  const setRefused = useCallback((message: string | undefined) => useImportStore.setState({ problem: message }), []);
  // A new key remounts the file input, emptying it once its sheet is queued or discarded.
  const [inputKey, setInputKey] = useState(0);
  const input = useRef<HTMLInputElement>(null);
  const rehearsal = settings?.rehearsal ?? true;

  /** What waits for the user's answer before it replaces an edited sheet. */
  const [pending, setPending] = useState<{ name: string; go: () => Promise<void> } | undefined>();
  const [kept, setKept] = useState<string | undefined>();
  useEffect(() => watchDrafts(), []);

  const reset = () => setInputKey((k) => k + 1);
  const drafts = useDraftStore.getState;

  /** Replaces the open sheet, asking first when it has edits (which stay as a draft either way). */
  const replace = useCallback(
    (name: string, go: () => Promise<void>) => {
      setRefused(undefined);
      setKept(undefined);
      const switchTo = async () => {
        await drafts().saveNow();
        drafts().detach();
        await go();
      };
      if (sheetEdited()) setPending({ name, go: switchTo });
      else void switchTo();
    },
    [drafts],
  );
  const load = useCallback(
    (f: File | undefined) => {
      if (f) replace(f.name, () => read(f, { rehearsal }));
    },
    [read, rehearsal, replace],
  );
  const openDraft = (id: string, title: string) => replace(title, () => drafts().open(id));
  const discard = async () => {
    const edited = sheetEdited();
    const title = preview?.title;
    await drafts().saveNow();
    drafts().detach();
    clear();
    reset();
    if (edited && title) setKept(`Your edits to “${title}” are kept as a draft.`);
  };
  const queued = () => {
    reset();
    void drafts().queued();
  };
  // A dropped file replaces the picked one: empty the picker so it does not name the old file.
  const loadDropped = useCallback((f: File) => (setInputKey((k) => k + 1), load(f)), [load]);
  const over = useSheetDrop(loadDropped, setRefused);
  useOpenSheetShortcut(useCallback(() => input.current?.click(), []));

  return (
    <section className="panel import-panel" aria-label="Import a sheet" data-testid="import-panel">
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
          <input
            ref={input}
            key={inputKey}
            type="file"
            accept={SHEET_ACCEPT}
            data-testid="sheet-input"
            // Emptied as the picker opens: choosing the same file again (saved anew in Excel) is a change, and re-imports it.
            onClick={(e) => (e.currentTarget.value = '')}
            onChange={(e) => load(e.target.files?.[0])}
          />
        </label>
        <button onClick={() => downloadTemplate(defaults.model)} data-testid="download-template">
          Download template
        </button>
      </div>
      <BatchDefaults />
      {modelsWarning && <p className="warn">{modelsWarning}</p>}
      {busy && <p className="muted">Reading and pricing the sheet…</p>}
      {info && <ReadOptionsBar info={info} />}
      {info && info.headers.length > 0 && <ColumnMapping key={info.headers.join('\u0000')} info={info} />}
      {problem && (
        <p className="error" role="alert">
          {problem}
        </p>
      )}
      {pending && preview && (
        <ReplaceConfirm
          current={preview.title}
          next={pending.name}
          onReplace={() => {
            const go = pending.go;
            setPending(undefined);
            void go();
          }}
          onKeep={() => {
            setPending(undefined);
            reset();
          }}
        />
      )}
      {kept && (
        <p className="muted" role="status">
          {kept}
        </p>
      )}
      <DraftList onOpen={openDraft} />
      {preview && <SheetPreview onQueued={queued} onDiscard={() => void discard()} />}
    </section>
  );
}
