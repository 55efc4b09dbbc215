/**
 * Rows -> CSV text for "export results" and the template download. Quoting by Papa Parse's unparser: a cell is
 * quoted when it holds the delimiter, a quote, a line break, a BOM, or leading/trailing spaces.
 *
 * Formula injection: a cell that starts with = + - @ tab or CR would run as a formula when the file is opened in a
 * spreadsheet app; with `escapeFormulas` (the default, for files given to users) it gets a leading apostrophe. A
 * round trip through importSheet needs `escapeFormulas: false`, since the apostrophe becomes part of the text.
 */
import Papa from 'papaparse';
import { CANONICAL_COLUMNS, type CanonicalColumn, type ColumnMapping, type Delimiter, type SheetRow } from './types';

export interface CsvWriteOptions {
  /** Default ",". */
  delimiter?: Delimiter;
  /** Starts the text with U+FEFF so Excel reads it as UTF-8. Default true. */
  bom?: boolean;
  /** Default "\r\n" (RFC 4180, what Excel writes). */
  lineEnding?: '\r\n' | '\n' | '\r';
  /** Default true. */
  escapeFormulas?: boolean;
  /** End the last row with a line ending too. Default true. */
  trailingLineEnding?: boolean;
}

/** Cells a spreadsheet app would evaluate. */
export const FORMULA_START = /^[=+\-@\t\r]/;

/** The export-time escape of one cell: "=1+1" -> "'=1+1". */
export function escapeFormula(cell: string): string {
  return FORMULA_START.test(cell) ? `'${cell}` : cell;
}

/** A table of text cells (first row: the header) -> CSV text. */
export function toCsv(table: ReadonlyArray<ReadonlyArray<string>>, opts: CsvWriteOptions = {}): string {
  const lineEnding = opts.lineEnding ?? '\r\n';
  if (table.length === 0) return opts.bom === false ? '' : '\uFEFF';
  const body = Papa.unparse(
    table.map((r) => [...r]),
    {
      delimiter: opts.delimiter ?? ',',
      newline: lineEnding,
      quoteChar: '"',
      escapeChar: '"',
      header: false,
      skipEmptyLines: false,
      // Papa's own pattern (/^[=+\-@\t\r].*$/) misses multi-line cells: "." does not cross a line break.
      escapeFormulae: opts.escapeFormulas === false ? false : FORMULA_START,
    },
  );
  return (opts.bom === false ? '' : '\uFEFF') + body + (opts.trailingLineEnding === false ? '' : lineEnding);
}

export interface RowsToTableOptions {
  /** Canonical columns to write. Default: prompt plus every column some row fills. */
  columns?: readonly CanonicalColumn[];
  /** Header text per canonical column (e.g. the imported sheet's own headers). Default: the canonical name. */
  headers?: ColumnMapping;
  /** Write the extras columns too. Default true. */
  extras?: boolean;
}

function cellOf(row: SheetRow, column: CanonicalColumn): string {
  if (column === 'audio') return row.audio === undefined ? (row.raw.audio ?? '') : row.audio ? 'yes' : 'no';
  return row[column] ?? '';
}

/** The header of the table of `rows`, and how one row becomes its cells. */
function tableShape(rows: readonly SheetRow[], opts: RowsToTableOptions): { header: string[]; cellsOf: (r: SheetRow) => string[] } {
  const columns = opts.columns ?? CANONICAL_COLUMNS.filter((c) => c === 'prompt' || rows.some((r) => cellOf(r, c) !== ''));
  const extraKeys = opts.extras === false ? [] : [...new Set(rows.flatMap((r) => Object.keys(r.extras)))];
  return {
    header: [...columns.map((c) => opts.headers?.[c] ?? c), ...extraKeys],
    cellsOf: (r) => [...columns.map((c) => cellOf(r, c)), ...extraKeys.map((k) => r.extras[k] ?? '')],
  };
}

/** SheetRows -> a table whose first row is the header. */
export function rowsToTable(rows: readonly SheetRow[], opts: RowsToTableOptions = {}): string[][] {
  const { header, cellsOf: cells } = tableShape(rows, opts);
  return [header, ...rows.map(cells)];
}

/** SheetRows -> CSV text. */
export function rowsToCsv(rows: readonly SheetRow[], opts: CsvWriteOptions & RowsToTableOptions = {}): string {
  return toCsv(rowsToTable(rows, opts), opts);
}

/**
 * SheetRows -> the same CSV text as rowsToCsv, in pieces of `sliceRows` rows (the header with the first), for a
 * caller that must give its thread back between pieces: the page saving a 100,000-row sheet as a draft held its
 * thread for the whole text at once.
 */
export function* rowsToCsvSlices(rows: readonly SheetRow[], opts: CsvWriteOptions & RowsToTableOptions = {}, sliceRows = 2_000): Generator<string> {
  const { header, cellsOf: cells } = tableShape(rows, opts);
  const lineEnding = opts.lineEnding ?? '\r\n';
  for (let from = 0; from === 0 || from < rows.length; from += sliceRows) {
    const part = rows.slice(from, from + sliceRows).map(cells);
    const last = from + sliceRows >= rows.length;
    yield toCsv(from === 0 ? [header, ...part] : part, {
      ...opts,
      bom: from === 0 ? opts.bom : false,
      trailingLineEnding: last ? opts.trailingLineEnding : true,
      lineEnding,
    });
  }
}

/**
 * A sample sheet: every canonical header and two example rows (text-to-video, image-to-video). The model column is
 * left empty (the batch default applies) unless `model` is given: model ids come from Venice at run time.
 */
export function templateCsv(opts: CsvWriteOptions & { model?: string; imageModel?: string } = {}): string {
  const header = [...CANONICAL_COLUMNS];
  const rows: string[][] = [
    [
      'A slow dolly shot through a misty pine forest at dawn, sunbeams breaking through the trees',
      'blurry, low quality, text, watermark',
      opts.model ?? '',
      '5s',
      '720p',
      '16:9',
      'yes',
      '',
      'forest-dawn',
      '2',
    ],
    [
      'The woman in the photo turns to the camera and smiles; her hair moves in a light breeze',
      '',
      opts.imageModel ?? '',
      '5s',
      '720p',
      '',
      'no',
      'https://example.com/portrait.jpg',
      'portrait-smile',
      '',
    ],
  ];
  return toCsv([header, ...rows], opts);
}
