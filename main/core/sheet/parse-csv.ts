/**
 * CSV/TSV text -> rows of cells, read the way Excel reads them: any of the delimiters spreadsheet apps write (`,` `;`
 * tab `|`), quoted cells holding delimiters and line breaks, CRLF/LF/CR record breaks even mixed in one file, a
 * quote inside an unquoted cell kept as a letter, and a cell that starts with a quoted part followed by more text
 * ("Action!" the director shouts) read as Excel does: the quoted part without its quotes, then the rest.
 *
 * Papa Parse rejects that last shape and then swallows the rest of the file into one cell, so the reader is our own:
 * one pass that jumps between quotes, delimiters and breaks with indexOf. Cells are returned exactly as written (no
 * trimming); trimming belongs to the row step so this layer round-trips any text.
 */
import { tooManyRows } from './errors';
import { HEADER_SEARCH_ROWS, MAX_SHEET_ROWS } from './limits';
import { Pacer } from './pace';
import { DELIMITERS, type Delimiter, type RawRows, type RawTable, type ReadIssue } from './types';

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

function isBlank(cells: readonly string[]): boolean {
  for (const c of cells) if (c.trim() !== '') return false;
  return true;
}

/**
 * Reads a delimited text one record at a time. The next delimiter and break positions are kept between records and
 * only searched again once passed, so the whole file costs one indexOf sweep per character kind; rows can be built
 * as they are read, without holding every record's cells at once.
 */
export class DelimitedReader {
  readonly issues: ReadIssue[] = [];
  /** The last record read by next(), and its row number as a spreadsheet app shows it. */
  cells: string[] = [];
  row = 0;
  private pos = 0;
  private nextDelim = -2;
  private nextLf = -2;
  private nextCr = -2;
  private readonly delim: number;

  constructor(
    private readonly text: string,
    private readonly delimiter: Delimiter,
  ) {
    this.delim = delimiter.charCodeAt(0);
  }

  /** Where the current cell ends: the next delimiter or record break at or after `from`. */
  private cellEnd(from: number): number {
    const { text } = this;
    const n = text.length;
    if (this.nextDelim < from && this.nextDelim !== -1) this.nextDelim = text.indexOf(this.delimiter, from);
    if (this.nextLf < from && this.nextLf !== -1) this.nextLf = text.indexOf('\n', from);
    if (this.nextCr < from && this.nextCr !== -1) this.nextCr = text.indexOf('\r', from);
    return Math.min(this.nextDelim < 0 ? n : this.nextDelim, this.nextLf < 0 ? n : this.nextLf, this.nextCr < 0 ? n : this.nextCr);
  }

  /** Reads the next record (blank ones included) into `cells`/`row`; false at the end of the text. */
  nextRecord(): boolean {
    const { text } = this;
    const n = text.length;
    if (this.pos >= n) return false;
    const row = this.row + 1;
    const cells: string[] = [];
    let i = this.pos;
    for (;;) {
      let value: string;
      if (text.charCodeAt(i) === QUOTE) {
        // A quoted cell: up to the next lone quote, "" standing for one quote.
        let j = i + 1;
        value = '';
        for (;;) {
          const q = text.indexOf('"', j);
          if (q < 0) {
            value += text.slice(j);
            i = n;
            this.issues.push({
              sourceRow: row,
              severity: 'error',
              message: `A quoted cell starting on row ${row} of the file is never closed: a double quote (") is missing, so the rest of the file was read into that one cell.`,
            });
            break;
          }
          if (text.charCodeAt(q + 1) === QUOTE) {
            value += text.slice(j, q + 1);
            j = q + 2;
            continue;
          }
          value += text.slice(j, q);
          i = q + 1;
          break;
        }
        // Text after the closing quote: Excel keeps it, as written, up to the next delimiter or break.
        const end = this.cellEnd(i);
        if (end > i) {
          const rest = text.slice(i, end);
          this.issues.push({
            sourceRow: row,
            column: cells.length,
            severity: 'note',
            message: `A cell on row ${row} starts with a quoted part followed by more text (${JSON.stringify(`"${value}"${rest}`.slice(0, 80))}); it was read as Excel reads it: ${JSON.stringify((value + rest).slice(0, 80))}. If the quotes belong to the text, put the whole cell in quotes and double the quotes inside it.`,
          });
          value += rest;
          i = end;
        }
      } else {
        const end = this.cellEnd(i);
        value = text.slice(i, end);
        i = end;
      }
      cells.push(value);
      const c = text.charCodeAt(i);
      if (c === this.delim && i < n) {
        i++;
        continue;
      }
      if (c === CR) i += text.charCodeAt(i + 1) === LF ? 2 : 1;
      else if (c === LF) i++;
      break;
    }
    this.pos = i;
    this.row = row;
    this.cells = cells;
    return true;
  }

  /** Reads up to the next non-blank record; false at the end of the text. */
  next(): boolean {
    while (this.nextRecord()) if (!isBlank(this.cells)) return true;
    return false;
  }
}

function collect(reader: DelimitedReader, sink: RawRows, limit: number, maxRows: number): boolean {
  for (let k = 0; k < limit; k++) {
    if (!reader.next()) return false;
    if (sink.rows.length >= maxRows) throw tooManyRows(MAX_SHEET_ROWS);
    sink.rows.push(reader.cells);
    sink.sourceRows.push(reader.row);
  }
  return true;
}

/** Header + data rows allowed: the header row is one of them. */
export const MAX_RECORDS = MAX_SHEET_ROWS + 1 + HEADER_SEARCH_ROWS;

/** Reads every non-blank record, giving the event loop a turn between batches of rows. */
export async function readDelimited(text: string, delimiter: Delimiter, maxRows = MAX_RECORDS): Promise<RawRows> {
  const reader = new DelimitedReader(text, delimiter);
  const sink: RawRows = { rows: [], sourceRows: [], issues: reader.issues };
  const pacer = new Pacer();
  while (collect(reader, sink, 2000, maxRows)) if (pacer.due()) await pacer.pause();
  return sink;
}

/** The same, in one go, at most `limit` non-blank records (small texts, tests, delimiter detection). */
export function readDelimitedSync(text: string, delimiter: Delimiter, limit = Number.POSITIVE_INFINITY, maxRows = MAX_RECORDS): RawRows {
  const reader = new DelimitedReader(text, delimiter);
  const sink: RawRows = { rows: [], sourceRows: [], issues: reader.issues };
  collect(reader, sink, limit, maxRows);
  return sink;
}

/** Excel's `sep=;` first line names the delimiter; the line itself is not part of the sheet. */
export function sepLine(text: string): { delimiter: Delimiter; length: number } | null {
  const m = /^"?sep=(.)"?[ \t]*(\r\n|\n|\r|$)/i.exec(text.slice(0, 16));
  if (!m) return null;
  const d = m[1] as Delimiter;
  return (DELIMITERS as readonly string[]).includes(d) ? { delimiter: d, length: m[0].length } : null;
}

const DETECT_SAMPLE_CHARS = 64 * 1024;
const DETECT_PREVIEW_ROWS = 50;

/**
 * Picks the delimiter whose rows most often have the same cell count as the widest of the first rows (quote-aware, so
 * a `;` file with commas inside prompts is read right). A title row above the header ("Table 1") splits into one cell
 * whatever the delimiter, so the count to match is the most common one of 2 or more. Ties go to more columns, then to
 * the order `,` `;` tab `|`. Null when no candidate splits any row (a single-column file).
 */
export function detectDelimiter(text: string): Delimiter | null {
  const sample = text.slice(0, DETECT_SAMPLE_CHARS);
  let best: { delimiter: Delimiter; score: number; columns: number } | null = null;
  for (const delimiter of DELIMITERS) {
    const rows = readDelimitedSync(sample, delimiter, DETECT_PREVIEW_ROWS).rows;
    if (rows.length === 0 && sample.trim() !== '') return delimiter; // nothing but this delimiter: a blank sheet
    const counts = new Map<number, number>();
    for (const r of rows) if (r.length >= 2) counts.set(r.length, (counts.get(r.length) ?? 0) + 1);
    if (counts.size === 0) continue;
    let columns = 0;
    let hits = 0;
    for (const [width, count] of counts) if (count > hits || (count === hits && width > columns)) [columns, hits] = [width, count];
    const score = hits / rows.length;
    if (!best || score > best.score || (score === best.score && columns > best.columns)) best = { delimiter, score, columns };
  }
  return best?.delimiter ?? null;
}

/** Parses CSV/TSV text (already decoded, BOM removed) into a header (the first non-blank row) and rows. */
export function parseCsv(text: string, opts: { delimiter?: Delimiter } = {}): CsvParseResult {
  const sep = sepLine(text);
  const body = sep ? text.slice(sep.length) : text;
  const detected = opts.delimiter ?? sep?.delimiter ?? detectDelimiter(body);
  const delimiter: Delimiter = detected ?? ',';
  const raw = readDelimitedSync(body, delimiter);
  const [header = [], ...rows] = raw.rows;
  const [headerRow = 0, ...sourceRows] = raw.sourceRows;
  const errors = raw.issues.map((e) => ({ sourceRow: e.sourceRow, message: e.message }));
  return { header, headerRow, rows, sourceRows, delimiter, delimiterGuessed: detected === null, errors };
}
