/**
 * CSV/TSV text -> header + rows with Papa Parse. Handles the delimiters spreadsheet apps write (`,` `;` tab `|`),
 * quoted cells with delimiters and line breaks, and CRLF/LF/CR record breaks, even mixed in one file.
 *
 * Cells are returned exactly as written (no trimming); trimming belongs to the row step so the CSV layer
 * round-trips any text.
 */
import Papa from 'papaparse';
import { DELIMITERS, type Delimiter, type RawTable } from './types';

export interface CsvIssue {
  /** Row number as a spreadsheet app shows it (1-based, header row and blank rows counted). */
  sourceRow: number;
  message: string;
}

export interface CsvParseResult extends RawTable {
  delimiter: Delimiter;
  /** True when no delimiter could be told apart (single-column file): `,` was assumed. */
  delimiterGuessed: boolean;
  errors: CsvIssue[];
}

const QUOTE = 0x22;
const CR = 0x0d;
const LF = 0x0a;

/**
 * Rewrites record breaks outside quoted cells (CRLF, CR) as LF, leaving the inside of quoted cells untouched, so
 * Papa Parse (which takes one newline sequence per file) reads files whose line endings are mixed. A quote opens a
 * quoted cell only at the start of a cell, as in RFC 4180 and Papa Parse.
 */
export function normaliseRecordBreaks(text: string, delimiter: string): string {
  if (!text.includes('\r')) return text;
  const delim = delimiter.charCodeAt(0);
  const parts: string[] = [];
  let last = 0;
  let inQuotes = false;
  let cellStart = true;
  for (let i = 0; i < text.length; ) {
    const ch = text.charCodeAt(i);
    if (inQuotes) {
      if (ch === QUOTE) {
        if (text.charCodeAt(i + 1) === QUOTE) {
          i += 2;
          continue;
        }
        inQuotes = false;
      }
      i++;
      continue;
    }
    if (ch === QUOTE && cellStart) {
      inQuotes = true;
      cellStart = false;
      i++;
      continue;
    }
    if (ch === CR) {
      parts.push(text.slice(last, i), '\n');
      i += text.charCodeAt(i + 1) === LF ? 2 : 1;
      last = i;
      cellStart = true;
      continue;
    }
    cellStart = ch === LF || ch === delim;
    i++;
  }
  parts.push(text.slice(last));
  return parts.join('');
}

function isBlank(cells: readonly string[]): boolean {
  return cells.every((c) => c.trim() === '');
}

const DETECT_SAMPLE_CHARS = 64 * 1024;
const DETECT_PREVIEW_ROWS = 50;

/**
 * Picks the delimiter whose header splits into 2+ cells and whose rows most often have the header's cell count
 * (quote-aware, so a `;` file with commas inside prompts is read right). Ties go to more columns, then to the order
 * `,` `;` tab `|`. Null when no candidate splits the header (a single-column file).
 */
export function detectDelimiter(text: string): Delimiter | null {
  const sample = text.slice(0, DETECT_SAMPLE_CHARS);
  let best: { delimiter: Delimiter; score: number; columns: number } | null = null;
  for (const delimiter of DELIMITERS) {
    const rows = Papa.parse<string[]>(normaliseRecordBreaks(sample, delimiter), {
      delimiter,
      newline: '\n',
      quoteChar: '"',
      preview: DETECT_PREVIEW_ROWS,
    }).data.filter((r) => !isBlank(r));
    if (rows.length === 0 && sample.trim() !== '') return delimiter; // nothing but this delimiter: a blank sheet
    const header = rows[0];
    if (!header || header.length < 2) continue;
    const body = rows.slice(1);
    const score = body.length === 0 ? 1 : body.filter((r) => r.length === header.length).length / body.length;
    if (!best || score > best.score || (score === best.score && header.length > best.columns)) {
      best = { delimiter, score, columns: header.length };
    }
  }
  return best?.delimiter ?? null;
}

function describePapaError(code: string, sourceRow: number, message: string): string {
  switch (code) {
    case 'MissingQuotes':
      return `A quoted cell starting on row ${sourceRow} of the file is never closed: a double quote (") is missing, so the rest of the file may have been read into that one cell.`;
    case 'InvalidQuotes':
      return `Row ${sourceRow} of the file has a quoted cell with text after its closing quote. Inside a quoted cell, write a double quote as two ("").`;
    default:
      return `Row ${sourceRow} of the file: ${message}.`;
  }
}

/** Parses CSV/TSV text (already decoded, BOM removed). */
export function parseCsv(text: string, opts: { delimiter?: Delimiter } = {}): CsvParseResult {
  const detected = opts.delimiter ?? detectDelimiter(text);
  const delimiter: Delimiter = detected ?? ',';
  const result = Papa.parse<string[]>(normaliseRecordBreaks(text, delimiter), {
    delimiter,
    newline: '\n',
    quoteChar: '"',
    escapeChar: '"',
    skipEmptyLines: false,
    dynamicTyping: false,
  });

  const errors: CsvIssue[] = [];
  const seen = new Set<string>();
  for (const e of result.errors) {
    if (e.type === 'Delimiter') continue;
    const sourceRow = (e.row ?? 0) + 1;
    const message = describePapaError(e.code, sourceRow, e.message);
    if (seen.has(message)) continue;
    seen.add(message);
    errors.push({ sourceRow, message });
  }

  let header: string[] = [];
  let headerRow = 0;
  const rows: string[][] = [];
  const sourceRows: number[] = [];
  result.data.forEach((cells, i) => {
    if (isBlank(cells)) return;
    if (headerRow === 0) {
      header = cells;
      headerRow = i + 1;
      return;
    }
    rows.push(cells);
    sourceRows.push(i + 1);
  });
  return { header, headerRow, rows, sourceRows, delimiter, delimiterGuessed: detected === null, errors };
}
