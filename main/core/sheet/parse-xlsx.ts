/**
 * XLSX bytes -> rows of text cells. The zip is fflate's and the XML saxes's; what is the product's own is which parts
 * are read and how far: every part a read needs is checked against the limits by the sizes the zip's directory
 * declares before anything is unpacked (a zip bomb is refused from its directory), saved values are used exactly as
 * written, and the sheet is parsed a slice at a time. exceljs drops a formula's saved FALSE, 0 or "" and cannot tell
 * it from a formula never calculated, so it only writes the test workbooks.
 *
 * Which sheet is read: xlsx-pick.ts. What a cell reads as: xlsx-cells.ts. Rows, merges and hidden parts: xlsx-sheet.ts.
 */
import { SheetReadError } from './errors';
import { formatMegabytes } from './format';
import { HEADER_SEARCH_ROWS, MAX_SHEET_ROWS, XLSX_MAX_CELLS, XLSX_MAX_UNPACKED_BYTES } from './limits';
import type { RawRows } from './types';
import { readDateStyles, readSharedStrings, readWorkbook, relsPathOf, workbookPartOf, type WorkbookInfo } from './xlsx-parts';
import { pickSheet } from './xlsx-pick';
import { readWorksheet, type HiddenParts } from './xlsx-sheet';
import { declaresTooLittle, damagedZip, listZip, unpackPartAsync, unpackParts, type ZipEntry } from './zip-parts';

export interface XlsxSheetInfo {
  name: string;
  hidden: boolean;
}

export interface XlsxReadResult extends RawRows {
  sheets: XlsxSheetInfo[];
  sheetName: string;
  /** Why this sheet was read when none was asked for (several sheets, or a hidden one skipped). */
  choice?: string;
  /** Hidden rows that were read, and hidden columns that hold values. */
  hidden: HiddenParts;
}

export interface XlsxLimits {
  maxUnpackedBytes: number;
  maxCells: number;
}

const DEFAULT_LIMITS: XlsxLimits = { maxUnpackedBytes: XLSX_MAX_UNPACKED_BYTES, maxCells: XLSX_MAX_CELLS };

function tooBig(bytes: number, limits: XlsxLimits): SheetReadError {
  return new SheetReadError(
    'too-large',
    `This workbook unpacks to ${formatMegabytes(bytes)}; the most this app reads is ${formatMegabytes(limits.maxUnpackedBytes)}. Save the sheet with your prompts on its own (or as CSV), then import that file.`,
  );
}

const lies = (entry: ZipEntry) => damagedZip(`the part ${entry.name} unpacks to more than its zip directory declares`);

interface Package {
  bytes: Uint8Array;
  entries: Map<string, ZipEntry>;
  workbook: WorkbookInfo;
}

/** The parts that exist among `names`, checked together by their declared sizes before any of them is unpacked. */
function checkDeclared(pkg: Pick<Package, 'entries'>, names: ReadonlyArray<string | null>, limits: XlsxLimits): ZipEntry[] {
  const entries = names.map((n) => (n ? pkg.entries.get(n) : undefined)).filter((e): e is ZipEntry => e !== undefined);
  let declared = 0;
  for (const entry of entries) {
    if (declaresTooLittle(entry)) throw lies(entry);
    declared += entry.size;
  }
  if (declared > limits.maxUnpackedBytes) throw tooBig(declared, limits);
  return entries;
}

function unpackChecked(pkg: Pick<Package, 'bytes' | 'entries'>, names: ReadonlyArray<string | null>, limits: XlsxLimits): Map<string, Uint8Array> {
  return unpackParts(pkg.bytes, checkDeclared(pkg, names, limits));
}

const utf8 = (bytes: Uint8Array | undefined) => (bytes ? new TextDecoder('utf-8').decode(bytes) : null);

function openPackage(bytes: Uint8Array, limits: XlsxLimits): Package {
  const entries = listZip(bytes);
  const rootRels = utf8(unpackChecked({ bytes, entries }, ['_rels/.rels'], limits).get('_rels/.rels'));
  const workbookPart = workbookPartOf(rootRels);
  const relsPart = relsPathOf(workbookPart);
  const parts = unpackChecked({ bytes, entries }, [workbookPart, relsPart], limits);
  const workbookXml = utf8(parts.get(workbookPart));
  if (workbookXml === null) {
    if (entries.has('content.xml')) throw new SheetReadError('not-a-sheet', 'This is an OpenDocument spreadsheet (.ods). Save it from LibreOffice as .xlsx or CSV, then import that file.');
    throw damagedZip('it has no workbook part: it is a zip, but not an Excel workbook');
  }
  return { bytes, entries, workbook: readWorkbook(workbookPart, workbookXml, utf8(parts.get(relsPart))) };
}

function sheetInfos(workbook: WorkbookInfo): XlsxSheetInfo[] {
  return workbook.sheets.map((s) => ({ name: s.name, hidden: s.state !== 'visible' }));
}

/** The workbook's sheets in tab order, with their hidden state (for a sheet picker), without reading any cells. */
export async function listSheets(bytes: Uint8Array, limits: XlsxLimits = DEFAULT_LIMITS): Promise<XlsxSheetInfo[]> {
  return sheetInfos(openPackage(bytes, limits).workbook);
}

/** The workbook's sheet names, in tab order. */
export async function listSheetNames(bytes: Uint8Array): Promise<string[]> {
  return (await listSheets(bytes)).map((s) => s.name);
}

/** Reads one sheet of an XLSX workbook as text cells. */
export async function readXlsx(bytes: Uint8Array, opts: { sheet?: string | number; limits?: XlsxLimits } = {}): Promise<XlsxReadResult> {
  const limits = opts.limits ?? DEFAULT_LIMITS;
  const pkg = openPackage(bytes, limits);
  const { sheet, choice } = pickSheet(pkg.workbook, opts.sheet);
  const sheets = sheetInfos(pkg.workbook);
  const entry = pkg.entries.get(sheet.part!);
  if (!entry) throw damagedZip(`the sheet "${sheet.name}" is missing from the file`);
  // The parts this read needs: their declared sizes together are what the limit is about, checked before any is
  // unpacked. The sheet is unpacked on its own, without holding the thread: it is the one large inflate.
  const { sharedStringsPart, stylesPart } = pkg.workbook;
  const [sheetEntry, ...others] = checkDeclared(pkg, [sheet.part, sharedStringsPart, stylesPart], limits);
  const parts = unpackParts(bytes, others);
  const sharedStrings = await readSharedStrings(sharedStringsPart ?? '', (sharedStringsPart && parts.get(sharedStringsPart)) || null);
  const dateStyles = readDateStyles(stylesPart ?? '', (stylesPart && utf8(parts.get(stylesPart))) || null);
  parts.clear();
  const sheetBytes = await unpackPartAsync(bytes, sheetEntry!);
  const raw = await readWorksheet(
    sheet.part!,
    sheetBytes,
    { sharedStrings, dateStyles, date1904: pkg.workbook.date1904, maxCells: limits.maxCells, maxRows: MAX_SHEET_ROWS + 1 + HEADER_SEARCH_ROWS },
    // Unpacked into exactly its declared size, a part whose directory understated it ends mid-way.
    'its XML stops before its end: it may be cut short, or unpack to more than its zip directory declares',
  );
  const hiddenNote = sheet.state !== 'visible' ? `"${sheet.name}" is hidden in this workbook; it was read because it was asked for by name.` : undefined;
  const note = [choice, hiddenNote].filter(Boolean).join(' ');
  return { ...raw, sheets, sheetName: sheet.name, ...(note ? { choice: note } : {}) };
}
