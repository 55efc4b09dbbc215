/**
 * Spreadsheet import: bytes in, rows out. Pure TypeScript (no Node-only imports) so the renderer and the CLI read a
 * sheet identically. XLSX support (exceljs) is loaded on demand from ./parse-xlsx.
 */
import { mapColumns } from './columns';
import { decodeBytes } from './decode';
import { SheetReadError } from './errors';
import { parseCsv } from './parse-csv';
import { buildRows } from './rows';
import type { ImportedSheet, ImportOptions, RawTable, SheetIssue } from './types';

export * from './types';
export { SheetReadError, isSheetReadError, type SheetReadErrorCode, type SheetReadErrorDetails } from './errors';
export { decodeBytes, type DecodedText, type DetectedEncoding } from './decode';
export { parseCsv, detectDelimiter, type CsvParseResult, type CsvIssue } from './parse-csv';
export { mapColumns, matchHeader, headerKey, columnLetter, type ColumnPlan } from './columns';
export {
  cleanCell,
  normaliseAspectRatio,
  normaliseAudio,
  normaliseDuration,
  normaliseResolution,
} from './normalise';
export {
  validateRow,
  validateSheet,
  MAX_TAKES,
  unknownModelMessage,
  type BatchDefaults,
  type ResolvedRow,
  type RowIssue,
  type RowValidation,
  type SheetValidation,
  type ValidateSheetOptions,
} from './validate';
export { classifyImage, type CheckFile, type FileCheck, type ImageRef } from './image';
export { IMAGE_LIMIT_BYTES, NEGATIVE_PROMPT_LIMIT, DEFAULT_PROMPT_LIMIT } from './limits';
export { toCsv, rowsToCsv, rowsToTable, templateCsv, escapeFormula, type CsvWriteOptions } from './serialize';

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
    throw new SheetReadError('old-excel', 'This is an old-style Excel file (.xls). Open it in Excel and save it as .xlsx or CSV, then import that file.');
  }
  if (startsWith(bytes, 0x25, 0x50, 0x44, 0x46)) throw new SheetReadError('not-a-sheet', `This is a PDF, not a spreadsheet. ${WHAT_TO_SAVE}`);
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

/**
 * Reads a CSV, TSV or XLSX file. Throws SheetReadError when the file cannot be used at all (empty, not a
 * spreadsheet, no prompt column, ambiguous columns); problems with single rows come back in `errors`/`warnings`.
 */
export async function importSheet(bytes: Uint8Array, opts: ImportOptions = {}): Promise<ImportedSheet> {
  const kind = sniffFormat(bytes, opts.fileName);
  const warnings: SheetIssue[] = [];
  const sourceErrors: Array<{ sourceRow: number; message: string }> = [];
  let table: RawTable;
  let base: Pick<ImportedSheet, 'format' | 'encoding' | 'delimiter' | 'sheetNames' | 'sheetName'>;

  if (kind === 'xlsx') {
    const { readXlsx } = await import('./parse-xlsx');
    const read = await readXlsx(bytes, opts.sheet === undefined ? {} : { sheet: opts.sheet });
    table = read;
    base = { format: 'xlsx', encoding: null, delimiter: null, sheetNames: read.sheetNames, sheetName: read.sheetName };
    if (opts.sheet === undefined && read.sheetNames.length > 1) {
      warnings.push({ message: `Read the first sheet, "${read.sheetName}", of ${read.sheetNames.length} (${read.sheetNames.map((n) => `"${n}"`).join(', ')}). Choose another sheet if your prompts are elsewhere.` });
    }
  } else {
    const decoded = decodeBytes(bytes, opts.encoding);
    if (looksBinary(decoded.text)) {
      throw new SheetReadError('not-a-sheet', `This file does not look like a spreadsheet. ${WHAT_TO_SAVE}`);
    }
    if (decoded.encoding === 'windows-1252' && opts.encoding === undefined) {
      warnings.push({ message: 'This file is not UTF-8; it was read as Windows-1252 (Western European, as older Excel saves CSV). If accented letters look wrong, choose the right encoding.' });
    }
    const parsed = parseCsv(decoded.text, opts.delimiter ? { delimiter: opts.delimiter } : {});
    table = parsed;
    sourceErrors.push(...parsed.errors);
    base = { format: parsed.delimiter === '\t' ? 'tsv' : 'csv', encoding: decoded.encoding, delimiter: parsed.delimiter };
  }

  if (table.headerRow === 0) {
    throw new SheetReadError('empty', 'The file has no rows. Put a header row (e.g. "prompt") and one prompt per row below it.', {
      ...(base.sheetNames ? { sheetNames: base.sheetNames } : {}),
    });
  }
  const headers = table.header.map((h) => h.trim());
  const width = Math.max(headers.length, ...table.rows.map((r) => r.length));
  const details = { headers, ...(base.sheetNames ? { sheetNames: base.sheetNames } : {}) };
  let plan;
  try {
    plan = mapColumns(headers, width, opts.mapping);
  } catch (e) {
    if (e instanceof SheetReadError) throw new SheetReadError(e.code, e.message, { ...details, ...e.details });
    throw e;
  }
  if (plan.indexOf.prompt === undefined) {
    throw new SheetReadError('no-prompt-column', 'No column looks like a prompt. Name one column "prompt" or choose it in the mapping.', details);
  }
  warnings.push(...plan.warnings.map((message) => ({ message })));

  const built = buildRows(table, plan);
  warnings.push(...built.warnings);
  if (built.rows.length === 0) warnings.push({ message: 'The sheet has a header row but no rows below it.' });

  const indexBySource = new Map(built.rows.map((r) => [r.sourceRow, r.index]));
  const errors: SheetIssue[] = sourceErrors.map((e) => {
    const row = indexBySource.get(e.sourceRow);
    return row === undefined ? { message: e.message } : { row, message: e.message };
  });

  return {
    ...base,
    headers,
    mapping: plan.mapping,
    unmappedHeaders: plan.unmappedHeaders,
    rows: built.rows,
    warnings,
    errors,
  };
}

/** The sheet names of an XLSX workbook (for a sheet picker), without reading rows. */
export async function listWorkbookSheets(bytes: Uint8Array): Promise<string[]> {
  const { listSheetNames } = await import('./parse-xlsx');
  return listSheetNames(bytes);
}
