/**
 * XLSX bytes -> header + rows with exceljs (the `xlsx` npm package is stuck at a version with advisories).
 *
 * Kept in its own module: exceljs is large and its Node entry uses Node streams, so index.ts imports this file
 * lazily (`await import('./parse-xlsx')`) and a browser bundle resolves exceljs's own browser build on demand.
 */
import ExcelJS from 'exceljs';
import type { Cell, CellValue, Worksheet } from 'exceljs';
import { SheetReadError } from './errors';
import type { RawTable } from './types';

export interface XlsxReadResult extends RawTable {
  sheetNames: string[];
  sheetName: string;
}

/** Excel shows at most 15 significant digits; so do we (0.1 + 0.2 reads "0.3", not "0.30000000000000004"). */
function numberText(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  return Number.isInteger(n) ? String(n) : String(Number.parseFloat(n.toPrecision(15)));
}

/**
 * Dates as ISO 8601 without a zone (Excel dates have none): "2025-03-01", "2025-03-01T14:30:00". A time with no
 * date (Excel's day zero) reads "16:09", or "16:09:30" with seconds, which also rescues an aspect ratio such as
 * 16:9 that Excel silently turned into a time.
 */
function dateText(d: Date): string {
  if (Number.isNaN(d.getTime())) return '';
  const iso = d.toISOString();
  const day = iso.slice(0, 10);
  const ms = iso.slice(19, 23);
  const time = iso.slice(11, 19) + (ms === '.000' ? '' : ms);
  if (day === '1899-12-30' || day === '1904-01-01') return time.endsWith(':00') && time.length === 8 ? time.slice(0, 5) : time;
  return time === '00:00:00' ? day : `${day}T${time}`;
}

/** A cell value as the text a user sees in it. */
export function cellText(value: CellValue | { richText: unknown } | unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return numberText(value);
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (value instanceof Date) return dateText(value);
  if (typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if (Array.isArray(v.richText)) return v.richText.map((part: { text?: unknown }) => cellText(part.text)).join('');
    if ('hyperlink' in v) return cellText(v.text ?? v.hyperlink);
    if ('formula' in v || 'sharedFormula' in v) return cellText(v.result);
    if (typeof v.error === 'string') return v.error;
    if ('text' in v) return cellText(v.text);
  }
  return String(value);
}

function readCell(cell: Cell): string {
  // Only the top-left cell of a merged range holds the value, as in Excel and in its CSV export.
  if (cell.isMerged && cell.master.address !== cell.address) return '';
  return cellText(cell.value);
}

async function loadWorkbook(bytes: Uint8Array): Promise<ExcelJS.Workbook> {
  const workbook = new ExcelJS.Workbook();
  try {
    // exceljs types the input as a Node Buffer; its zip reader (JSZip) takes any Uint8Array.
    await workbook.xlsx.load(bytes as unknown as Parameters<ExcelJS.Xlsx['load']>[0]);
  } catch (e) {
    throw new SheetReadError(
      'unreadable-workbook',
      `This file could not be read as an Excel workbook (${e instanceof Error ? e.message : String(e)}). Open it in Excel, Numbers or Google Sheets and save or download it as .xlsx or CSV.`,
    );
  }
  return workbook;
}

function pickSheet(workbook: ExcelJS.Workbook, sheet: string | number | undefined): Worksheet {
  const sheets = workbook.worksheets;
  const names = sheets.map((s) => s.name);
  const listed = names.map((n) => `"${n}"`).join(', ');
  if (sheets.length === 0) {
    throw new SheetReadError('unreadable-workbook', 'This workbook has no sheets. Save a workbook that has your prompts on a sheet.');
  }
  if (sheet === undefined) return sheets[0]!;
  if (typeof sheet === 'number') {
    const found = sheets[sheet];
    if (!found) {
      throw new SheetReadError('no-such-sheet', `This workbook has ${sheets.length} sheet(s); there is no sheet number ${sheet + 1}. Pick one of ${listed}.`, { sheetNames: names });
    }
    return found;
  }
  const wanted = sheet.trim().toLowerCase();
  const found = sheets.find((s) => s.name === sheet) ?? sheets.find((s) => s.name.trim().toLowerCase() === wanted);
  if (!found) throw new SheetReadError('no-such-sheet', `This workbook has no sheet named "${sheet}". Pick one of ${listed}.`, { sheetNames: names });
  return found;
}

function readSheet(ws: Worksheet): RawTable {
  let header: string[] = [];
  let headerRow = 0;
  const rows: string[][] = [];
  const sourceRows: number[] = [];
  for (let r = 1; r <= ws.rowCount; r++) {
    const row = ws.findRow(r);
    if (!row) continue;
    const cells: string[] = [];
    for (let c = 1; c <= row.cellCount; c++) cells.push(readCell(row.getCell(c)));
    if (cells.every((t) => t.trim() === '')) continue;
    if (headerRow === 0) {
      header = cells;
      headerRow = r;
    } else {
      rows.push(cells);
      sourceRows.push(r);
    }
  }
  return { header, headerRow, rows, sourceRows };
}

/** The workbook's sheet names, in tab order. */
export async function listSheetNames(bytes: Uint8Array): Promise<string[]> {
  return (await loadWorkbook(bytes)).worksheets.map((s) => s.name);
}

/** Reads one sheet (default: the first) of an XLSX workbook as text cells. */
export async function readXlsx(bytes: Uint8Array, opts: { sheet?: string | number } = {}): Promise<XlsxReadResult> {
  const workbook = await loadWorkbook(bytes);
  const ws = pickSheet(workbook, opts.sheet);
  return { ...readSheet(ws), sheetNames: workbook.worksheets.map((s) => s.name), sheetName: ws.name };
}
