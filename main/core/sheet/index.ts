/**
 * Spreadsheet import: bytes in, rows out. Pure TypeScript (no Node-only imports) so the renderer and the CLI read a
 * sheet identically. Long sheets are read in slices that give the event loop a turn (pace.ts), so neither the window
 * nor Electron's main process freezes while 200,000 rows are read.
 */
import { columnLetter, mapColumns, type ColumnPlan } from './columns';
import { decodeBytesInSlices, encodingName } from './decode';
import { SheetReadError, tooManyRows, type SheetReadErrorDetails } from './errors';
import { formatCount, formatMegabytes } from './format';
import { chooseHeader } from './header-row';
import { hiddenNote } from './hidden-note';
import { HEADER_SEARCH_ROWS, MAX_SHEET_ROWS, MAX_TEXT_SHEET_BYTES } from './limits';
import { Pacer } from './pace';
import type { CsvRecordReader } from './csv-records';
import { detectDelimiter, sepLine } from './parse-csv';
import { buildRows, RowBuilder } from './rows';
import type { CanonicalColumn, Delimiter, ImportedSheet, ImportOptions, RawRows, ReadIssue, SheetIssue, SheetRow } from './types';

export * from './types';
export { SheetReadError, isSheetReadError, type SheetReadErrorCode, type SheetReadErrorDetails } from './errors';
export { decodeBytes, encodingName, canonicalEncoding, type DecodedText, type DetectedEncoding } from './decode';
export { parseCsv, detectDelimiter, type CsvParseResult, type CsvIssue } from './parse-csv';
export { mapColumns, matchHeader, headerKey, columnLetter, type ColumnPlan } from './columns';
export {
  cleanCell,
  normaliseAspectRatio,
  normaliseAudio,
  normaliseDuration,
  normaliseResolution,
} from './normalise';
export { validateRow, MAX_TAKES, type BatchDefaults, type ResolvedRow, type RowIssue, type RowValidation, type SheetValidation } from './validate';
export { validateSheet, unknownModelMessage, type ValidateSheetOptions } from './validate-sheet';
export { classifyImage, imageKindOf, type CheckFile, type FileCheck, type ImageRef } from './image';
export { IMAGE_LIMIT_BYTES, NEGATIVE_PROMPT_LIMIT, DEFAULT_PROMPT_LIMIT, MAX_SHEET_ROWS } from './limits';
export { toCsv, rowsToCsv, rowsToCsvSlices, rowsToTable, templateCsv, escapeFormula, type CsvWriteOptions } from './serialize';

const WHAT_TO_SAVE = 'Save it from Excel, Numbers or Google Sheets as .xlsx or CSV.';

function startsWith(bytes: Uint8Array, ...prefix: number[]): boolean {
  return bytes.length >= prefix.length && prefix.every((b, i) => bytes[i] === b);
}

function extension(fileName: string | undefined): string {
  const m = /\.([a-z0-9]+)$/i.exec(fileName ?? '');
  return m ? m[1]!.toLowerCase() : '';
}

/** Throws for files that are plainly not a CSV or an XLSX workbook. Returns 'xlsx' for a zip, else 'text'. */
function sniffFormat(bytes: Uint8Array, fileName: string | undefined): 'xlsx' | 'text' {
  if (bytes.length === 0) {
    throw new SheetReadError('empty', 'The file is empty. Choose a CSV or Excel (.xlsx) file with a header row and one prompt per row.');
  }
  const ext = extension(fileName);
  if (startsWith(bytes, 0x50, 0x4b, 0x03, 0x04) || startsWith(bytes, 0x50, 0x4b, 0x05, 0x06)) {
    if (ext === 'numbers') throw new SheetReadError('not-a-sheet', `This is an Apple Numbers file. In Numbers choose File > Export To > CSV or Excel, then import that file.`);
    if (ext === 'ods') throw new SheetReadError('not-a-sheet', `This is an OpenDocument spreadsheet (.ods). ${WHAT_TO_SAVE}`);
    return 'xlsx';
  }
  if (startsWith(bytes, 0xd0, 0xcf, 0x11, 0xe0)) {
    // Excel wraps a password-protected .xlsx in the same container as an old .xls.
    if (ext === 'xlsx' || ext === 'xlsm') {
      throw new SheetReadError('encrypted', 'This workbook is password-protected. Open it in Excel, remove the password (or save an unprotected copy), then import that file.');
    }
    throw new SheetReadError('old-excel', 'This is an old-style Excel file (.xls). Open it in Excel and save it as .xlsx or CSV, then import that file.');
  }
  if (startsWith(bytes, 0x25, 0x50, 0x44, 0x46)) throw new SheetReadError('not-a-sheet', `This is a PDF, not a spreadsheet. ${WHAT_TO_SAVE}`);
  if (bytes.length > MAX_TEXT_SHEET_BYTES) {
    throw new SheetReadError('too-large', `This file is ${formatMegabytes(bytes.length)}; the most this app reads as CSV or TSV is ${formatMegabytes(MAX_TEXT_SHEET_BYTES)}. Split it into smaller sheets.`);
  }
  return 'text';
}

/**
 * Decoded text that is really binary (an image, an executable...) shows NULs and other control characters. U+FFFD is
 * not counted: it means a wrong encoding, which the user can change.
 */
function looksBinary(text: string): boolean {
  const sample = text.slice(0, 4096);
  if (sample.length === 0) return false;
  let control = 0;
  for (let i = 0; i < sample.length; i++) {
    const c = sample.charCodeAt(i);
    if (c === 0) return true;
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || (c >= 0x80 && c < 0xa0)) control++;
  }
  return control / sample.length > 0.05;
}

type Base = Pick<ImportedSheet, 'format' | 'encoding' | 'delimiter' | 'sheetNames' | 'sheetName' | 'hiddenSheets' | 'encodingSure' | 'encodingAlternatives'>;

interface Read {
  /** The rows read so far: all of a workbook's; a text file's first rows, enough to find the header. */
  raw: RawRows;
  /** A text file's reader, positioned after `raw`: the rest is built into rows as it is read. */
  rest: CsvRecordReader | null;
  base: Base;
  /** A workbook's hidden rows (that hold something) and hidden columns (that hold values). */
  hidden?: { rows: number[]; columns: number[] };
}

async function readText(bytes: Uint8Array, opts: ImportOptions, notes: SheetIssue[]): Promise<Read> {
  const decoded = await decodeBytesInSlices(bytes, opts.encoding, () => new Promise((resolve) => setTimeout(resolve, 0)));
  if (looksBinary(decoded.text)) throw new SheetReadError('not-a-sheet', `This file does not look like a spreadsheet. ${WHAT_TO_SAVE}`);
  if (opts.encoding === undefined && decoded.encoding !== 'utf-8' && !decoded.encoding.startsWith('utf-16')) {
    const others = decoded.alternatives.map(encodingName);
    notes.push({
      message: decoded.sure
        ? `This file is not UTF-8; it was read as ${encodingName(decoded.encoding)}, judged from its accented letters. If they look wrong, choose another encoding.`
        : `This file is not UTF-8, and its encoding is not certain: it was read as ${encodingName(decoded.encoding)}, but ${others.join(' or ')} would also fit. Check the accented letters in the prompts, and choose another encoding if they look wrong.`,
    });
  }
  const sep = opts.delimiter ? null : sepLine(decoded.text);
  const body = sep ? decoded.text.slice(sep.length) : decoded.text;
  const delimiter: Delimiter = opts.delimiter ?? sep?.delimiter ?? (await detectDelimiter(body)) ?? ',';
  // The `sep=` line is not a row of the sheet (Excel hides it too), so row numbers count from the line after it.
  const { CsvRecordReader } = await import('./csv-records');
  const reader = new CsvRecordReader(body, delimiter);
  const raw: RawRows = { rows: [], sourceRows: [], issues: reader.issues };
  // Only the first rows are held as cells (to find the header); the rest become rows as they are read.
  while ((raw.rows.length <= HEADER_SEARCH_ROWS || (opts.headerRow !== undefined && reader.row < opts.headerRow)) && (await reader.next())) {
    raw.rows.push(reader.cells);
    raw.sourceRows.push(reader.row);
  }
  return {
    raw,
    rest: reader,
    base: {
      format: delimiter === '\t' ? 'tsv' : 'csv',
      encoding: decoded.encoding,
      delimiter,
      encodingSure: decoded.sure,
      encodingAlternatives: decoded.alternatives,
    },
  };
}

async function readWorkbookRows(bytes: Uint8Array, opts: ImportOptions, notes: SheetIssue[]): Promise<Read> {
  const { readXlsx } = await import('./parse-xlsx');
  const read = await readXlsx(bytes, opts.sheet === undefined ? {} : { sheet: opts.sheet });
  if (read.choice) notes.push({ message: read.choice });
  const hidden = read.sheets.filter((s) => s.hidden).map((s) => s.name);
  return {
    raw: read,
    rest: null,
    hidden: read.hidden,
    base: {
      format: 'xlsx',
      encoding: null,
      delimiter: null,
      sheetNames: read.sheets.map((s) => s.name),
      sheetName: read.sheetName,
      hiddenSheets: hidden,
      encodingSure: true,
      encodingAlternatives: [],
    },
  };
}

/** Read issues land on their row: an error stops the row when its cell feeds a field, else it is a note. */
function placeIssues(issues: readonly ReadIssue[], headerRow: number, headers: readonly string[], plan: ColumnPlan, indexBySource: ReadonlyMap<number, number>) {
  const fieldAt = new Map<number, CanonicalColumn>();
  for (const [field, at] of Object.entries(plan.indexOf) as Array<[CanonicalColumn, number]>) fieldAt.set(at, field);
  const errors: SheetIssue[] = [];
  const notes: SheetIssue[] = [];
  for (const issue of issues) {
    if (issue.sourceRow < headerRow) continue; // above the header: a title, not read
    const row = indexBySource.get(issue.sourceRow);
    const entry: SheetIssue = row === undefined ? { message: issue.message } : { row, message: issue.message };
    const field = issue.column === undefined ? undefined : fieldAt.get(issue.column);
    if (issue.column !== undefined) {
      if (field) entry.field = field;
      entry.column = headers[issue.column] || `Column ${columnLetter(issue.column)}`;
    }
    const matters = issue.column === undefined || field !== undefined;
    if (issue.severity === 'error' && matters && row !== undefined) errors.push(entry);
    else notes.push(entry);
  }
  return { errors, notes };
}

/** The rest of a text file, read and built into rows one record at a time (no second copy of every cell). */
async function buildRest(reader: CsvRecordReader, built: { rows: SheetRow[]; warnings: SheetIssue[] }, plan: ColumnPlan, headerWidth: number): Promise<void> {
  const builder = new RowBuilder(plan, headerWidth);
  const pacer = new Pacer();
  while (await reader.next()) {
    if (built.rows.length >= MAX_SHEET_ROWS) {
      reader.stop();
      throw tooManyRows(MAX_SHEET_ROWS);
    }
    built.rows.push(builder.build(reader.cells, built.rows.length + 1, reader.row));
    if ((built.rows.length & 1023) === 0 && pacer.due()) await pacer.pause();
  }
  built.warnings.push(...builder.warnings);
}

/**
 * Reads a CSV, TSV or XLSX file. Throws SheetReadError when the file cannot be used at all (empty, not a
 * spreadsheet, too large, no prompt column); problems with single rows come back in `errors`/`warnings`.
 */
export async function importSheet(bytes: Uint8Array, opts: ImportOptions = {}): Promise<ImportedSheet> {
  const kind = sniffFormat(bytes, opts.fileName);
  const notes: SheetIssue[] = [];
  const read = kind === 'xlsx' ? await readWorkbookRows(bytes, opts, notes) : await readText(bytes, opts, notes);
  try {
    return await buildSheet(read, opts, notes);
  } finally {
    read.rest?.stop(); // a sheet refused part-way lets its parser (and the text it holds) go
  }
}

async function buildSheet({ raw, rest, base, hidden }: Read, opts: ImportOptions, notes: SheetIssue[]): Promise<ImportedSheet> {
  // Carried by every error from here on, so a UI can still show the sheet picker and what was detected.
  const sheetDetails: SheetReadErrorDetails = {};
  if (base.sheetNames) Object.assign(sheetDetails, { sheetNames: base.sheetNames, hiddenSheets: base.hiddenSheets ?? [] });
  if (base.sheetName) sheetDetails.sheetName = base.sheetName;
  if (base.encoding) Object.assign(sheetDetails, { encoding: base.encoding, encodingSure: base.encodingSure, encodingAlternatives: base.encodingAlternatives });
  if (base.delimiter) sheetDetails.delimiter = base.delimiter;

  if (raw.rows.length === 0) {
    throw new SheetReadError('empty', `The ${base.sheetName ? `sheet "${base.sheetName}"` : 'file'} has no rows. Put a header row (e.g. "prompt") and one prompt per row below it.`, sheetDetails);
  }
  let table;
  try {
    table = chooseHeader(raw, opts.headerRow);
  } catch (e) {
    if (e instanceof SheetReadError) throw new SheetReadError(e.code, e.message, { ...sheetDetails, ...e.details });
    throw e;
  }
  if (table.rows.length > MAX_SHEET_ROWS) throw tooManyRows(MAX_SHEET_ROWS);
  raw.rows = []; // the table holds the rows now; buildRows lets each go once read
  if (table.note) notes.push({ message: table.note });
  const headers = table.header.map((h) => h.trim());
  let width = headers.length;
  for (const r of table.rows) if (r.length > width) width = r.length; // a loop: spreading 200,000 rows into Math.max overflows the stack
  const details: SheetReadErrorDetails = { headers, ...sheetDetails, headerRow: table.headerRow };
  let plan: ColumnPlan;
  try {
    plan = mapColumns(headers, width, opts.mapping);
  } catch (e) {
    if (e instanceof SheetReadError) throw new SheetReadError(e.code, e.message, { ...details, ...e.details });
    throw e;
  }
  if (plan.indexOf.prompt === undefined) {
    const where = table.headerRow > 1 ? ` (the header was taken from row ${formatCount(table.headerRow)})` : '';
    throw new SheetReadError('no-prompt-column', `No column looks like a prompt${where}. Name one column "prompt" or choose it in the mapping.`, details);
  }
  notes.push(...plan.warnings.map((message) => ({ message })));
  const hiddenText = hidden && hiddenNote(hidden.rows, hidden.columns, table.headerRow, headers);
  if (hiddenText) notes.push({ message: hiddenText });

  const built = await buildRows(table, plan);
  if (rest) await buildRest(rest, built, plan, headers.length);
  if (built.rows.length === 0) notes.push({ message: 'The sheet has a header row but no rows below it.' });
  const indexBySource = new Map<number, number>();
  if (raw.issues.length > 0) for (const r of built.rows) indexBySource.set(r.sourceRow, r.index);
  const placed = placeIssues(raw.issues, table.headerRow, headers, plan, indexBySource);

  return {
    ...base,
    encodingSure: base.encodingSure,
    encodingAlternatives: base.encodingAlternatives,
    headerRow: table.headerRow,
    headers,
    mapping: plan.mapping,
    unmappedHeaders: plan.unmappedHeaders,
    rows: built.rows,
    warnings: [...notes, ...placed.notes, ...built.warnings],
    errors: placed.errors,
  };
}

/** The sheet names of an XLSX workbook (for a sheet picker), without reading rows. */
export async function listWorkbookSheets(bytes: Uint8Array): Promise<string[]> {
  const { listSheetNames } = await import('./parse-xlsx');
  return listSheetNames(bytes);
}

/** The sheets of an XLSX workbook with their hidden state, without reading rows. */
export async function listWorkbookSheetInfo(bytes: Uint8Array): Promise<Array<{ name: string; hidden: boolean }>> {
  const { listSheets } = await import('./parse-xlsx');
  return listSheets(bytes);
}
