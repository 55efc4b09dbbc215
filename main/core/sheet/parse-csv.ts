/**
 * CSV/TSV text -> rows of cells. The tokenizing is csv-parse's (csv-records.ts); what is the product's own is here:
 * which delimiter a file uses (any of those spreadsheet apps write: `,` `;` tab `|`, told apart by how evenly they
 * split the first rows), and Excel's `sep=;` first line. csv-parse is loaded when a text sheet is first read, so the
 * page does not carry it (and its browser build's stream and Buffer) until then.
 */
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
export async function detectDelimiter(text: string): Promise<Delimiter | null> {
  const { readRecords } = await import('./csv-records');
  const sample = text.slice(0, DETECT_SAMPLE_CHARS);
  let best: { delimiter: Delimiter; score: number; columns: number } | null = null;
  for (const delimiter of DELIMITERS) {
    const rows = await readRecords(sample, delimiter, DETECT_PREVIEW_ROWS);
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
export async function parseCsv(text: string, opts: { delimiter?: Delimiter } = {}): Promise<CsvParseResult> {
  const sep = sepLine(text);
  const body = sep ? text.slice(sep.length) : text;
  const detected = opts.delimiter ?? sep?.delimiter ?? (await detectDelimiter(body));
  const delimiter: Delimiter = detected ?? ',';
  const { CsvRecordReader } = await import('./csv-records');
  const reader = new CsvRecordReader(body, delimiter);
  const rows: string[][] = [];
  const sourceRows: number[] = [];
  while (await reader.next()) {
    rows.push(reader.cells);
    sourceRows.push(reader.row);
  }
  const [header = [], ...data] = rows;
  const [headerRow = 0, ...dataRows] = sourceRows;
  const errors = reader.issues.map((e) => ({ sourceRow: e.sourceRow, message: e.message }));
  return { header, headerRow, rows: data, sourceRows: dataRows, delimiter, delimiterGuessed: detected === null, errors };
}
