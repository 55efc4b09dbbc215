/**
 * XLSX bytes -> rows of text cells. Our own reader over the zip directory and SpreadsheetML, not exceljs: exceljs
 * drops a formula's saved result when it is FALSE, 0 or "" (so a cell reading FALSE arrived empty and the model's
 * dearer default was used), cannot tell that from a formula never calculated, unpacks every part whole before
 * looking at its size, and builds an object per cell. Here every part's size is checked against the limits from
 * the zip's directory before anything is unpacked, the sheet is parsed as it unpacks, and saved values are used
 * exactly as written. exceljs still writes the test workbooks.
 *
 * Which sheet: the one asked for; else the tab that was open when the workbook was saved; else the first visible one.
 * Hidden sheets (an old version kept by the studio) are listed as such and never read unless asked for by name.
 */
import { SheetReadError } from './errors';
import { formatMegabytes } from './format';
import { HEADER_SEARCH_ROWS, MAX_SHEET_ROWS, XLSX_MAX_CELLS, XLSX_MAX_UNPACKED_BYTES } from './limits';
import type { RawRows } from './types';
import { readDateStyles, readSharedStrings, readWorkbook, relsPathOf, workbookPartOf, type WorkbookInfo, type WorkbookSheet } from './xlsx-parts';
import { readWorksheet } from './xlsx-sheet';
import { readZipDirectory, unpackEntry, unpackText, type ZipEntry } from './zip';

export interface XlsxSheetInfo {
  name: string;
  hidden: boolean;
}

export interface XlsxReadResult extends RawRows {
  sheets: XlsxSheetInfo[];
  sheetName: string;
  /** Why this sheet was read when none was asked for (several sheets, or a hidden one skipped). */
  choice?: string;
}

export interface XlsxLimits {
  maxUnpackedBytes: number;
  maxCells: number;
}

const DEFAULT_LIMITS: XlsxLimits = { maxUnpackedBytes: XLSX_MAX_UNPACKED_BYTES, maxCells: XLSX_MAX_CELLS };

function unreadable(detail: string): SheetReadError {
  return new SheetReadError(
    'unreadable-workbook',
    `This file could not be read as an Excel workbook (${detail}). Open it in Excel, Numbers or Google Sheets and save or download it as .xlsx or CSV.`,
  );
}

interface Package {
  bytes: Uint8Array;
  entries: Map<string, ZipEntry>;
  workbook: WorkbookInfo;
}

async function optionalText(pkg: Pick<Package, 'bytes' | 'entries'>, part: string | null, limits: XlsxLimits): Promise<string | null> {
  const entry = part ? pkg.entries.get(part) : undefined;
  if (!entry) return null;
  if (entry.uncompressedSize > limits.maxUnpackedBytes) throw tooBig(entry.uncompressedSize, limits);
  return unpackText(pkg.bytes, entry);
}

function tooBig(bytes: number, limits: XlsxLimits): SheetReadError {
  return new SheetReadError(
    'too-large',
    `This workbook unpacks to ${formatMegabytes(bytes)}; the most this app reads is ${formatMegabytes(limits.maxUnpackedBytes)}. Save the sheet with your prompts on its own (or as CSV), then import that file.`,
  );
}

async function openPackage(bytes: Uint8Array, limits: XlsxLimits): Promise<Package> {
  const entries = readZipDirectory(bytes);
  const rootRels = await optionalText({ bytes, entries }, '_rels/.rels', limits);
  const workbookPart = workbookPartOf(rootRels);
  const workbookXml = await optionalText({ bytes, entries }, workbookPart, limits);
  if (workbookXml === null) {
    if (entries.has('content.xml')) throw new SheetReadError('not-a-sheet', 'This is an OpenDocument spreadsheet (.ods). Save it from LibreOffice as .xlsx or CSV, then import that file.');
    throw unreadable('it has no workbook part: it is a zip, but not an Excel workbook');
  }
  const rels = await optionalText({ bytes, entries }, relsPathOf(workbookPart), limits);
  return { bytes, entries, workbook: readWorkbook(workbookPart, workbookXml, rels) };
}

function sheetInfos(workbook: WorkbookInfo): XlsxSheetInfo[] {
  return workbook.sheets.map((s) => ({ name: s.name, hidden: s.state !== 'visible' }));
}

function listed(sheets: readonly WorkbookSheet[]): string {
  return sheets.map((s) => `"${s.name}"${s.state !== 'visible' ? ' (hidden)' : ''}`).join(', ');
}

function pickSheet(workbook: WorkbookInfo, wanted: string | number | undefined): { sheet: WorkbookSheet; choice?: string } {
  const sheets = workbook.sheets;
  const names = { sheetNames: sheets.map((s) => s.name), hiddenSheets: sheets.filter((s) => s.state !== 'visible').map((s) => s.name) };
  if (sheets.length === 0) throw new SheetReadError('unreadable-workbook', 'This workbook has no sheets. Save a workbook that has your prompts on a sheet.');
  const worksheets = sheets.filter((s) => s.part !== null);
  if (wanted !== undefined) {
    let found: WorkbookSheet | undefined;
    if (typeof wanted === 'number') {
      found = sheets[wanted];
      if (!found) {
        throw new SheetReadError('no-such-sheet', `This workbook has ${sheets.length} sheet(s); there is no sheet number ${wanted + 1}. Pick one of ${listed(sheets)}.`, names);
      }
    } else {
      const key = wanted.trim().toLowerCase();
      found = sheets.find((s) => s.name === wanted) ?? sheets.find((s) => s.name.trim().toLowerCase() === key);
      // "2" names the second tab when no sheet is called "2" (how a command line asks for one).
      if (!found && /^\d+$/.test(key) && Number(key) >= 1) found = sheets[Number(key) - 1];
      if (!found) throw new SheetReadError('no-such-sheet', `This workbook has no sheet named "${wanted}". Pick one of ${listed(sheets)}.`, names);
    }
    if (found.part === null) throw new SheetReadError('no-such-sheet', `"${found.name}" is a chart, not a sheet of cells. Pick one of ${listed(worksheets)}.`, names);
    return { sheet: found };
  }
  const visible = worksheets.filter((s) => s.state === 'visible');
  if (visible.length === 0) {
    if (worksheets.length === 0) throw new SheetReadError('unreadable-workbook', 'This workbook has only charts, no sheet of cells. Save a workbook that has your prompts on a sheet.');
    return { sheet: worksheets[0]!, choice: `Every sheet of this workbook is hidden; read "${worksheets[0]!.name}", the first.` };
  }
  const active = sheets[workbook.activeTab];
  const useActive = active !== undefined && active.part !== null && active.state === 'visible';
  const sheet = useActive ? active : visible[0]!;
  const hidden = sheets.filter((s) => s.state !== 'visible');
  if (sheets.length === 1) return { sheet };
  const why = useActive ? 'the sheet that was open when the workbook was saved' : 'the first visible sheet';
  const skipped = hidden.length > 0 ? ` Hidden ${hidden.length === 1 ? 'sheet' : 'sheets'} ${hidden.map((s) => `"${s.name}"`).join(', ')} ${hidden.length === 1 ? 'is' : 'are'} not read.` : '';
  return {
    sheet,
    choice: `Read "${sheet.name}", ${why}, of ${sheets.length} sheets (${listed(sheets)}).${skipped} Choose another sheet if your prompts are elsewhere.`,
  };
}

/** The workbook's sheets in tab order, with their hidden state (for a sheet picker), without reading any cells. */
export async function listSheets(bytes: Uint8Array, limits: XlsxLimits = DEFAULT_LIMITS): Promise<XlsxSheetInfo[]> {
  return sheetInfos((await openPackage(bytes, limits)).workbook);
}

/** The workbook's sheet names, in tab order. */
export async function listSheetNames(bytes: Uint8Array): Promise<string[]> {
  return (await listSheets(bytes)).map((s) => s.name);
}

/** Reads one sheet of an XLSX workbook as text cells. */
export async function readXlsx(bytes: Uint8Array, opts: { sheet?: string | number; limits?: XlsxLimits } = {}): Promise<XlsxReadResult> {
  const limits = opts.limits ?? DEFAULT_LIMITS;
  const pkg = await openPackage(bytes, limits);
  const { sheet, choice } = pickSheet(pkg.workbook, opts.sheet);
  const sheets = sheetInfos(pkg.workbook);
  const entry = pkg.entries.get(sheet.part!);
  if (!entry) throw unreadable(`the sheet "${sheet.name}" is missing from the file`);
  // Before anything big is unpacked: the parts this read needs, by the sizes the zip directory declares.
  const declared = [pkg.workbook.sharedStringsPart, pkg.workbook.stylesPart].reduce(
    (sum, part) => sum + ((part ? pkg.entries.get(part)?.uncompressedSize : 0) ?? 0),
    entry.uncompressedSize,
  );
  if (declared > limits.maxUnpackedBytes) throw tooBig(declared, limits);
  const sharedStrings = readSharedStrings(await optionalText(pkg, pkg.workbook.sharedStringsPart, limits));
  const dateStyles = readDateStyles(await optionalText(pkg, pkg.workbook.stylesPart, limits));
  const raw = await readWorksheet(unpackEntry(bytes, entry), {
    sharedStrings,
    dateStyles,
    date1904: pkg.workbook.date1904,
    maxCells: limits.maxCells,
    maxRows: MAX_SHEET_ROWS + 1 + HEADER_SEARCH_ROWS,
  });
  const hiddenNote = sheet.state !== 'visible' ? `"${sheet.name}" is hidden in this workbook; it was read because it was asked for by name.` : undefined;
  const note = [choice, hiddenNote].filter(Boolean).join(' ');
  return { ...raw, sheets, sheetName: sheet.name, ...(note ? { choice: note } : {}) };
}
