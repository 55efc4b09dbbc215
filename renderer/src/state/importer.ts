/**
 * A sheet being imported: how it is read (encoding, delimiter, sheet, column mapping), the batch defaults and budget,
 * its preview (validation and prices) until it is queued, and the saved mapping profiles.
 */
import { create } from 'zustand';
import type { CallInput, CallOutput } from '../../../main/contract';
import { isSheetReadError, type SheetReadErrorDetails, type BatchDefaults, type ColumnMapping } from '../editor/sheet';
import { type EditRow } from '../editor/rows';
import { editedSheetBytes } from './edited-sheet';
import { readSheet, type ReadSheet } from '../import/read-sheet';
import { overrideOf, profileToApply, type SavedProfile } from '../import/mapping';
import { reportError } from './app';
import { useBatchStore } from './batches';
import { bridge } from './bridge';
import { readFrom } from '../bridge';
import { useEditorStore } from './editor';

type Preview = CallOutput<'batch:importSheet'>;
export interface CarryOver {
  defaults: BatchDefaults;
  budgetUsd: number | null;
}
export type ReadOptions = NonNullable<CallInput<'batch:importSheet'>['options']>;

/** What the preview bar and the mapping show: from the preview, or from the page's own read when main refused it. */
export type SheetInfo = Pick<
  Preview,
  'format' | 'encoding' | 'delimiter' | 'sheetNames' | 'sheetName' | 'hiddenSheets' | 'encodingSure' | 'encodingAlternatives' | 'headerRow' | 'headers'
> & { mapping: ColumnMapping };

interface ImportState {
  busy: boolean;
  preview: Preview | undefined;
  info: SheetInfo | undefined;
  file: { name: string; bytes: Uint8Array<ArrayBuffer> } | undefined;
  rehearsal: boolean;
  /** How the file is read now: empty means "detect everything". */
  options: ReadOptions;
  /** The profile applied to this sheet by itself (shown so the user knows why the mapping is what it is). */
  appliedProfile: string | undefined;
  /** The defaults (and the mapping) the pending import in main was read with: a change means "send again". */
  sentKey: string;
  problem: string | undefined;
  /** Batch defaults: rows whose own cell is empty take these. */
  defaults: BatchDefaults;
  setDefaults: (patch: Partial<BatchDefaults>) => void;
  /** Stop the batch if its spend would pass this many dollars; null = no cap. */
  budgetUsd: number | null;
  setBudget: (usd: number | null) => void;
  /**
   * Defaults and a cap still set from the previous sheet when a new one is opened: shown to the user, and nothing is
   * queued until they keep or reset them (a cap, or 3 takes a row, never applies to a sheet unseen).
   */
  carryOver: CarryOver | null;
  keepCarryOver: () => void;
  resetCarryOver: () => void;
  profiles: SavedProfile[];
  profilesWarning: string | null;
  loadProfiles: () => Promise<void>;
  saveProfile: (name: string) => Promise<string | undefined>;
  deleteProfile: (name: string) => Promise<void>;
  /**
   * Reads a newly opened file. `options` start the read (a draft's column mapping); `own` says the defaults and cap
   * in force belong to this file (a draft's), so there is nothing carried over to confirm.
   */
  read: (file: File, opts: { rehearsal: boolean; options?: ReadOptions; own?: boolean }) => Promise<void>;
  /** Reads the same file again with changed options (encoding, delimiter, sheet, mapping). */
  reread: (patch: Partial<ReadOptions>) => Promise<void>;
  /**
   * Queues the rows as edited. Unedited rows go by the pending import; edited ones (or changed defaults) are first
   * sent again as CSV (main re-reads and re-validates them). With real money, a changed price stops there so the user
   * confirms it again.
   */
  queue: (opts: { confirmSpend: boolean; allowDuplicate: boolean; confirmedUsd: number }) => Promise<'queued' | 'repriced' | 'refused'>;
  clear: () => void;
}

/** Drops empty defaults so "(none)" choices are not sent as empty strings the validator would reject. */
export function cleanDefaults(d: BatchDefaults): BatchDefaults {
  const out: BatchDefaults = {};
  for (const [k, v] of Object.entries(d) as Array<[keyof BatchDefaults, unknown]>) {
    if (v !== undefined && v !== '') (out as Record<string, unknown>)[k] = v;
  }
  return out;
}

const keyOf = (defaults: BatchDefaults, mapping: ColumnMapping) => JSON.stringify([cleanDefaults(defaults), overrideOf(mapping)]);

/**
 * The page's own read (the same reader main uses, in a worker: import/read-sheet.ts), so cells can be edited and a
 * refused sheet can still be mapped.
 */
async function readHere(bytes: Uint8Array, fileName: string, options: ReadOptions): Promise<{ sheet?: ReadSheet; headers?: string[]; failed?: SheetReadErrorDetails }> {
  try {
    return { sheet: await readSheet(bytes, { fileName, ...options }) };
  } catch (e) {
    if (!isSheetReadError(e)) return {};
    return { ...(e.details.headers ? { headers: e.details.headers } : {}), failed: e.details };
  }
}

/** What the read options bar shows when main refused the sheet: what the page's own read got before it failed. */
function infoOfFailure(fileName: string, options: ReadOptions, here: Awaited<ReturnType<typeof readHere>>): SheetInfo | undefined {
  const d = here.failed ?? {};
  const headers = here.sheet?.headers ?? here.headers;
  // A workbook of several sheets keeps its sheet picker even when this sheet has no header or no prompt column.
  if (!headers && !(d.sheetNames && d.sheetNames.length > 1)) return undefined;
  const xlsx = /\.xlsx$/i.test(fileName);
  return {
    format: xlsx ? 'xlsx' : 'csv',
    encoding: xlsx ? null : (options.encoding ?? d.encoding ?? null),
    delimiter: xlsx ? null : (options.delimiter ?? d.delimiter ?? null),
    sheetNames: d.sheetNames ?? null,
    sheetName: d.sheetName ?? null,
    hiddenSheets: d.hiddenSheets ?? null,
    encodingSure: d.encodingSure ?? true,
    encodingAlternatives: d.encodingAlternatives ?? [],
    headerRow: d.headerRow ?? 0,
    headers: headers ?? [],
    mapping: here.sheet?.mapping ?? mappingFromOptions(options),
  };
}

/** main/contract.ts PREVIEW_PAGE_MAX_ROWS (not imported: the contract's schemas stay out of the page's bundle). */
const PREVIEW_PAGE_ROWS = 5_000;

/** Rows of main's preview past its first answer, a page at a time (batch:importRows). */
async function restOfPreview(preview: Preview): Promise<Preview['rows']> {
  const rows = preview.rows.slice();
  while (rows.length < preview.summary.total) {
    const r = await bridge.batch.importRows({ importId: preview.importId, offset: rows.length, limit: PREVIEW_PAGE_ROWS });
    if (!r.ok) throw new Error(r.error.message);
    if (r.value.rows.length === 0) break;
    for (const row of r.value.rows) rows.push(row);
  }
  return rows;
}

/**
 * The editor's rows: the page's own read, or (when only main could read the sheet) main's preview rows, fetched in
 * pages. Those carry the fields main shows, not every cell of the sheet.
 */
async function rowsOf(sheet: ReadSheet | undefined, preview: Preview): Promise<{ rows: EditRow[]; mapping: ColumnMapping }> {
  if (sheet) return { rows: sheet.rows, mapping: sheet.mapping };
  const rows = (await restOfPreview(preview)).map((r) => {
    const raw = { prompt: r.prompt, ...(r.name ? { name: r.name } : {}), ...(r.model ? { model: r.model } : {}), ...(r.duration ? { duration: r.duration } : {}) };
    return { key: r.row, index: r.row, sourceRow: r.sourceRow, prompt: r.prompt, extras: {}, raw, ...(r.name ? { name: r.name } : {}), ...(r.model ? { model: r.model } : {}), ...(r.duration ? { duration: r.duration } : {}) };
  });
  return { rows, mapping: preview.mapping };
}

/** True when the defaults or the mapping changed since main last read the sheet: its prices may be out of date. */
export const defaultsChanged = (s: Pick<ImportState, 'defaults' | 'sentKey'>, mapping: ColumnMapping) => keyOf(s.defaults, mapping) !== s.sentKey;

const edited = () => {
  const e = useEditorStore.getState();
  return e.rows !== e.baseline;
};

/** The edited rows go to main as CSV named after the sheet (and its tab), so the batch keeps the sheet's name. */
const csvName = (preview: Preview) => `${preview.title}.csv`;

/** The defaults and cap a newly opened sheet would inherit, or null when there is nothing to inherit. */
function inherited(defaults: BatchDefaults, budgetUsd: number | null): CarryOver | null {
  const kept = cleanDefaults(defaults);
  return Object.keys(kept).length > 0 || budgetUsd !== null ? { defaults: kept, budgetUsd } : null;
}

export const useImportStore = create<ImportState>((set, get) => ({
  busy: false,
  preview: undefined,
  info: undefined,
  file: undefined,
  rehearsal: true,
  options: {},
  appliedProfile: undefined,
  sentKey: '',
  problem: undefined,
  defaults: {},
  setDefaults: (patch) => set({ defaults: { ...get().defaults, ...patch } }),
  budgetUsd: null,
  setBudget: (budgetUsd) => set({ budgetUsd }),
  carryOver: null,
  keepCarryOver: () => set({ carryOver: null }),
  resetCarryOver: () => set({ carryOver: null, defaults: {}, budgetUsd: null }),
  profiles: [],
  profilesWarning: null,
  loadProfiles: async () => {
    const r = await bridge.mapping.list();
    if (r.ok) set({ profiles: r.value.profiles, profilesWarning: r.value.warning });
  },
  saveProfile: async (name) => {
    const mapping = get().info?.mapping ?? {};
    const r = await bridge.mapping.save({ name, mapping });
    if (!r.ok) return r.error.message;
    set({ profiles: r.value.profiles, profilesWarning: r.value.warning, appliedProfile: name.trim() });
    return undefined;
  },
  deleteProfile: async (name) => {
    const r = await bridge.mapping.delete({ name });
    if (r.ok) set({ profiles: r.value.profiles, profilesWarning: r.value.warning });
  },
  read: async (file, { rehearsal, options, own }) => {
    set({ file: undefined, options: {}, appliedProfile: undefined, rehearsal, carryOver: own ? null : inherited(get().defaults, get().budgetUsd) });
    let bytes: Uint8Array<ArrayBuffer>;
    try {
      bytes = new Uint8Array(await file.arrayBuffer());
    } catch (e) {
      set({ problem: `The file could not be read: ${(e as Error).message}` });
      return;
    }
    readFrom(bytes, file);
    set({ file: { name: file.name, bytes } });
    await get().loadProfiles().catch(() => undefined);
    await get().reread(options ?? {});
  },
  reread: async (patch) => {
    const file = get().file;
    if (!file) return;
    let options: ReadOptions = { ...get().options, ...patch };
    for (const k of Object.keys(options) as Array<keyof ReadOptions>) if (options[k] === undefined) delete options[k];
    set({ busy: true, problem: undefined, preview: undefined, options });
    useEditorStore.getState().clear();
    try {
      let here = await readHere(file.bytes, file.name, options);
      // A saved profile that fits this sheet's headers, alone, is applied unless the user has chosen a mapping.
      const headers = here.sheet?.headers ?? here.headers;
      if (options.mapping === undefined && headers) {
        const profile = profileToApply(get().profiles, headers, here.sheet?.mapping ?? {});
        if (profile) {
          options = { ...options, mapping: overrideOf(profile.mapping) };
          set({ options, appliedProfile: profile.name });
          here = await readHere(file.bytes, file.name, options);
        }
      }
      const defaults = cleanDefaults(get().defaults);
      const r = await bridge.batch.importSheet({
        fileName: file.name,
        // The bytes as they are (a binary body in browser mode, cloned by Electron's IPC): base64 of 18 MB held the page for seconds.
        bytes: file.bytes,
        rehearsal: get().rehearsal,
        ...(Object.keys(options).length ? { options } : {}),
        ...(Object.keys(defaults).length ? { defaults } : {}),
      });
      if (!r.ok) {
        set({ problem: r.error.message, info: infoOfFailure(file.name, options, here) });
        return;
      }
      const p = r.value;
      const { rows, mapping } = await rowsOf(here.sheet, p);
      useEditorStore.getState().load(rows, mapping);
      set({
        preview: p,
        info: {
          format: p.format,
          encoding: p.encoding,
          delimiter: p.delimiter,
          sheetNames: p.sheetNames,
          sheetName: p.sheetName,
          hiddenSheets: p.hiddenSheets,
          encodingSure: p.encodingSure,
          encodingAlternatives: p.encodingAlternatives,
          headerRow: p.headerRow,
          headers: p.headers,
          mapping: p.mapping,
        },
        sentKey: keyOf(defaults, mapping),
      });
    } catch (e) {
      set({ problem: (e as Error).message });
    } finally {
      set({ busy: false });
    }
  },
  queue: async ({ confirmSpend, allowDuplicate, confirmedUsd }) => {
    let preview = get().preview;
    if (!preview) return 'refused';
    set({ busy: true, problem: undefined });
    try {
      const defaults = cleanDefaults(get().defaults);
      const editor = useEditorStore.getState();
      if (edited() || keyOf(defaults, editor.mapping) !== get().sentKey) {
        const sent = editor.rows;
        const bytes = await editedSheetBytes(sent, editor.mapping);
        // The CSV keeps the sheet's own headers, so the mapping goes with it (a "Beschreibung" column is not guessed).
        const r = await bridge.batch.importSheet({
          fileName: csvName(preview),
          bytes,
          rehearsal: preview.rehearsal,
          options: { mapping: overrideOf(editor.mapping) },
          ...(Object.keys(defaults).length ? { defaults } : {}),
        });
        if (!r.ok) {
          set({ problem: r.error.message });
          return 'refused';
        }
        preview = r.value;
        editor.markSent(sent);
        set({ preview, sentKey: keyOf(defaults, editor.mapping) });
        // A cell committed while the rows were on their way is not in what main checked and priced: queueing now
        // would make a batch without it, and the edit would vanish with the editor.
        if (useEditorStore.getState().rows !== sent) {
          set({ problem: 'You edited the sheet while it was being queued: check it and queue again.' });
          return 'refused';
        }
        if (preview.summary.invalid > 0) {
          set({ problem: 'Some rows still need fixing: see the Check column.' });
          return 'refused';
        }
        // The user confirmed the live quote on screen: main's own price of the rows must be that amount.
        if (!preview.rehearsal && (preview.totalUsd === null || Math.abs(preview.totalUsd - confirmedUsd) > 0.005)) {
          set({ problem: 'Your edits changed the price: check the new total and confirm again.' });
          return 'repriced';
        }
      }
      const budgetUsd = get().budgetUsd;
      const r = await bridge.batch.create({ importId: preview.importId, confirmSpend, allowDuplicate, ...(budgetUsd !== null ? { budgetUsd } : {}) });
      if (!r.ok) {
        set({ problem: r.error.message });
        return 'refused';
      }
      set({ preview: undefined, info: undefined, file: undefined, carryOver: null });
      useEditorStore.getState().clear();
      useBatchStore.getState().upsertBatch(r.value);
      await useBatchStore.getState().select(r.value.id);
      return 'queued';
    } catch (e) {
      reportError(e);
      return 'refused';
    } finally {
      set({ busy: false });
    }
  },
  clear: () => (
    set({ preview: undefined, problem: undefined, info: undefined, file: undefined, options: {}, appliedProfile: undefined, carryOver: null }),
    useEditorStore.getState().clear()
  ),
}));

function mappingFromOptions(options: ReadOptions): ColumnMapping {
  const out: ColumnMapping = {};
  for (const [k, v] of Object.entries(options.mapping ?? {})) if (typeof v === 'string' && v) out[k as keyof ColumnMapping] = v;
  return out;
}
