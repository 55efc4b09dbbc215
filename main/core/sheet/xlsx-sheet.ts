/**
 * One worksheet part -> rows of text cells, read as the part unpacks: complete `<row>` elements are parsed and the
 * unfinished tail waits for the next chunk, so memory holds the cells, not the XML. Every saved value is used as
 * written (FALSE, 0 and "" included); a formula with no saved result, or showing an error, is reported on its cell.
 */
import { columnLetter } from './columns';
import { SheetReadError, tooManyRows } from './errors';
import { formatCount } from './format';
import { MAX_SHEET_ROWS } from './limits';
import { Pacer } from './pace';
import type { RawRows, ReadIssue } from './types';
import { attribute, decodeOfficeEscapes, decodeXml, stringItemText } from './xml';

export interface WorksheetContext {
  sharedStrings: readonly string[];
  dateStyles: readonly boolean[];
  date1904: boolean;
  maxCells: number;
  /** Non-blank rows read at most (the header and a title above it included). */
  maxRows: number;
}

/** Columns past this are not read (a stray value in column XFD would otherwise widen every row to 16,384 cells). */
export const MAX_COLUMNS = 1024;

/** Excel shows at most 15 significant digits; so do we (0.1 + 0.2 reads "0.3", not "0.30000000000000004"). */
export function numberText(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  return Number.isInteger(n) ? String(n) : String(Number.parseFloat(n.toPrecision(15)));
}

/**
 * A date serial as ISO 8601 without a zone (Excel dates have none): "2025-03-01", "2025-03-01T14:30:00". A time with
 * no date (day zero) reads "16:09", or "16:09:30" with seconds, which also rescues an aspect ratio such as 16:9 that
 * Excel silently turned into a time.
 */
export function serialDateText(serial: number, date1904: boolean): string {
  if (!Number.isFinite(serial)) return String(serial);
  const seconds = Math.round(serial * 86400);
  const days = Math.floor(seconds / 86400);
  const rest = seconds - days * 86400;
  const hh = String(Math.floor(rest / 3600)).padStart(2, '0');
  const mm = String(Math.floor((rest % 3600) / 60)).padStart(2, '0');
  const ss = rest % 60;
  const time = ss === 0 ? `${hh}:${mm}` : `${hh}:${mm}:${String(ss).padStart(2, '0')}`;
  if (days === 0) return time;
  // Day 0 of the 1900 system is 1899-12-30 once Excel's phantom 29 Feb 1900 is accounted for (serials from 61 on).
  const epoch = date1904 ? Date.UTC(1904, 0, 1) : Date.UTC(1899, 11, 30);
  const day = new Date(epoch + (date1904 || days >= 61 ? days : days + 1) * 86400000).toISOString().slice(0, 10);
  return rest === 0 ? day : `${day}T${hh}:${mm}:${String(ss).padStart(2, '0')}`;
}

function isoDateText(text: string): string {
  return text.replace(/T00:00:00(\.0+)?Z?$/, '').replace(/Z$/, '');
}

/** "AB12" -> { col: 27, row: 12 } (0-based column, 1-based row). */
export function parseRef(ref: string): { col: number; row: number } | null {
  const m = /^\$?([A-Za-z]{1,3})\$?(\d+)$/.exec(ref);
  if (!m) return null;
  let col = 0;
  for (const ch of m[1]!.toUpperCase()) col = col * 26 + (ch.charCodeAt(0) - 64);
  return { col: col - 1, row: Number(m[2]) };
}

const ROW = /<(?:\w+:)?row\b([^>]*?)(?:\/>|>([\s\S]*?)<\/(?:\w+:)?row>)/g;
const CELL = /<(?:\w+:)?c\b([^>]*?)(?:\/>|>([\s\S]*?)<\/(?:\w+:)?c>)/g;
const VALUE = /<(?:\w+:)?v(?:\s[^>]*)?(?:\/>|>([\s\S]*?)<\/(?:\w+:)?v>)/;
const FORMULA = /<(?:\w+:)?f\b([^>]*?)(?:\/>|>([\s\S]*?)<\/(?:\w+:)?f>)/;
const INLINE = /<(?:\w+:)?is\b[^>]*>([\s\S]*?)<\/(?:\w+:)?is>/;
const MERGE = /<(?:\w+:)?mergeCell\b([^>]*?)\/?>/g;

class SheetState {
  readonly rows: string[][] = [];
  readonly sourceRows: number[] = [];
  readonly issues: ReadIssue[] = [];
  cells = 0;
  private lastRow = 0;
  private farCells = 0;

  constructor(private readonly ctx: WorksheetContext) {}

  parseRows(xml: string): void {
    ROW.lastIndex = 0;
    for (let m = ROW.exec(xml); m; m = ROW.exec(xml)) {
      const r = Number(attribute(m[1]!, 'r') ?? NaN);
      const rowNumber = Number.isInteger(r) && r > 0 ? r : this.lastRow + 1;
      this.lastRow = rowNumber;
      if (m[2] !== undefined) this.parseCells(rowNumber, m[2]);
    }
  }

  private parseCells(rowNumber: number, xml: string): void {
    const cells: string[] = [];
    let col = -1;
    let any = false;
    CELL.lastIndex = 0;
    for (let m = CELL.exec(xml); m; m = CELL.exec(xml)) {
      if (++this.cells > this.ctx.maxCells) {
        throw new SheetReadError(
          'too-large',
          `This sheet has more than ${formatCount(this.ctx.maxCells)} cells; the most this app reads is ${formatCount(this.ctx.maxCells)}. Split it into smaller sheets, or delete columns you do not need.`,
        );
      }
      const attrs = m[1]!;
      const ref = attribute(attrs, 'r');
      const at = ref ? parseRef(ref) : null;
      col = at ? at.col : col + 1;
      const content = m[2];
      if (content === undefined || content === '') continue;
      const text = this.cellText(attrs, content, rowNumber, col);
      if (text === '') continue;
      if (col >= MAX_COLUMNS) {
        if (this.farCells++ === 0) {
          this.issues.push({
            sourceRow: rowNumber,
            severity: 'note',
            message: `Cell ${columnLetter(col)}${rowNumber} and any others past column ${columnLetter(MAX_COLUMNS - 1)} were not read: the app reads the first ${formatCount(MAX_COLUMNS)} columns.`,
          });
        }
        continue;
      }
      while (cells.length < col) cells.push('');
      cells[col] = text;
      any = true;
    }
    if (!any) return;
    if (this.rows.length >= this.ctx.maxRows) {
      throw tooManyRows(MAX_SHEET_ROWS);
    }
    this.rows.push(cells);
    this.sourceRows.push(rowNumber);
  }

  private cellText(attrs: string, content: string, rowNumber: number, col: number): string {
    const type = attribute(attrs, 't') ?? 'n';
    const name = `${columnLetter(col)}${rowNumber}`;
    if (type === 'inlineStr') {
      const inline = INLINE.exec(content);
      return inline ? stringItemText(inline[1]!) : '';
    }
    const v = VALUE.exec(content);
    const formula = content.includes('f') ? FORMULA.exec(content) : null;
    if (!v) {
      if (formula) {
        const code = decodeXml(formula[2] ?? '').trim();
        this.issues.push({
          sourceRow: rowNumber,
          column: col,
          severity: 'error',
          message: `Cell ${name} holds a formula${code ? ` (=${code.length > 60 ? `${code.slice(0, 60)}…` : code})` : ''} with no saved result, so its value is unknown: open and save the sheet in Excel or LibreOffice, then import it again.`,
        });
      }
      return '';
    }
    const raw = v[1] ?? '';
    switch (type) {
      case 's': {
        const s = this.ctx.sharedStrings[Number(raw)];
        if (s === undefined) {
          this.issues.push({ sourceRow: rowNumber, column: col, severity: 'error', message: `Cell ${name} points at text the workbook does not hold (it is damaged): open and save it in Excel or LibreOffice, then import it again.` });
          return '';
        }
        return s;
      }
      case 'str':
        return decodeOfficeEscapes(decodeXml(raw));
      case 'b':
        return raw.trim() === '1' || /^true$/i.test(raw.trim()) ? 'TRUE' : 'FALSE';
      case 'e': {
        const err = decodeXml(raw).trim();
        this.issues.push({
          sourceRow: rowNumber,
          column: col,
          severity: 'error',
          message: `Cell ${name} shows the error ${err}${formula ? ' from its formula' : ''}: fix it in the sheet, then import it again.`,
        });
        return err;
      }
      case 'd':
        return isoDateText(decodeXml(raw).trim());
      default: {
        const n = Number(raw);
        if (raw.trim() === '' || Number.isNaN(n)) return decodeXml(raw);
        const style = Number(attribute(attrs, 's') ?? '0');
        return this.ctx.dateStyles[style] ? serialDateText(n, this.ctx.date1904) : numberText(n);
      }
    }
  }

  /**
   * A merged block shows its top-left value across every row it covers (one duration spanning two shots): each of
   * those rows gets the value in the block's first column. Other columns of the block stay empty, so a prompt merged
   * across two columns does not also fill the next field.
   */
  applyMerges(xml: string): void {
    let byRow: Map<number, number> | undefined;
    MERGE.lastIndex = 0;
    for (let m = MERGE.exec(xml); m; m = MERGE.exec(xml)) {
      const [a, b] = (attribute(m[1]!, 'ref') ?? '').split(':');
      const from = a ? parseRef(a) : null;
      const to = b ? parseRef(b) : null;
      if (!from || !to || to.row <= from.row || from.col >= MAX_COLUMNS) continue;
      byRow ??= new Map(this.sourceRows.map((r, i) => [r, i]));
      const master = byRow.get(from.row);
      const value = master === undefined ? undefined : this.rows[master]![from.col];
      if (value === undefined || value === '') continue;
      for (let r = from.row + 1; r <= Math.min(to.row, from.row + this.ctx.maxRows); r++) {
        const i = byRow.get(r);
        if (i === undefined) continue;
        const cells = this.rows[i]!;
        while (cells.length <= from.col) cells.push('');
        if (cells[from.col] === '') cells[from.col] = value;
      }
    }
  }
}

/** Index just past the last complete `</row>` in `text`, or 0. */
function lastRowEnd(text: string): number {
  for (let i = text.lastIndexOf('row>'); i > 0; i = text.lastIndexOf('row>', i - 1)) {
    const before = text[i - 1];
    if (before === '/') return i + 4;
    if (before === ':') {
      const open = text.lastIndexOf('<', i);
      if (text[open + 1] === '/') return i + 4;
    }
  }
  return 0;
}

/** Reads a worksheet part from its unpacking chunks. */
export async function readWorksheet(chunks: AsyncIterable<Uint8Array>, ctx: WorksheetContext): Promise<RawRows> {
  const state = new SheetState(ctx);
  const decoder = new TextDecoder('utf-8');
  const pacer = new Pacer();
  let pending = '';
  for await (const chunk of chunks) {
    pending += decoder.decode(chunk, { stream: true });
    const end = lastRowEnd(pending);
    if (end > 0) {
      state.parseRows(pending.slice(0, end));
      pending = pending.slice(end);
    }
    if (pacer.due()) await pacer.pause();
  }
  pending += decoder.decode();
  state.parseRows(pending);
  state.applyMerges(pending);
  return { rows: state.rows, sourceRows: state.sourceRows, issues: state.issues };
}
