/**
 * One worksheet part -> rows of text cells, read by saxes a slice at a time. Only cells with a value become text, so
 * memory holds the cells, not the XML's elements. Past here: the product's limits (cells, rows, columns), merged cells
 * filled into every row they cover, and which rows and columns the sheet hides.
 */
import { columnLetter } from './columns';
import { SheetReadError, tooManyRows } from './errors';
import { formatCount } from './format';
import { MAX_SHEET_ROWS } from './limits';
import type { RawRows, ReadIssue } from './types';
import { cellText, parseRef, type CellContext, type CellXml } from './xlsx-cells';
import { StringItemText } from './xlsx-parts';
import { readXmlBytes } from './xml-reader';


export interface WorksheetContext extends CellContext {
  maxCells: number;
  /** Non-blank rows read at most (the header and a title above it included). */
  maxRows: number;
}

/** Rows and columns the sheet hides that hold something (1-based row numbers, 0-based columns). */
export interface HiddenParts {
  rows: number[];
  columns: number[];
}

export interface WorksheetRows extends RawRows {
  hidden: HiddenParts;
}

/** Columns past this are not read (a stray value in column XFD would otherwise widen every row to 16,384 cells). */
export const MAX_COLUMNS = 1024;

const isTrue = (value: string | undefined) => value !== undefined && /^(1|true)$/i.test(value.trim());

class SheetReader {
  readonly rows: string[][] = [];
  readonly sourceRows: number[] = [];
  readonly issues: ReadIssue[] = [];
  private cells = 0;
  private farCells = 0;
  private lastRow = 0;
  private row: { number: number; hidden: boolean; cells: string[]; lastCol: number } | null = null;
  private cell: CellXml | null = null;
  /** Where character data goes: the cell's <v>, its <f>, or its inline string. */
  private target: 'value' | 'formula' | null = null;
  private readonly inline = new StringItemText();
  private readonly merges: Array<{ from: { col: number; row: number }; to: { col: number; row: number } }> = [];
  private readonly hiddenRows: number[] = [];
  private readonly hiddenColumnRanges: Array<[number, number]> = [];
  /** Columns holding a value in some row. */
  private readonly used = new Uint8Array(MAX_COLUMNS);

  constructor(private readonly ctx: WorksheetContext) {}

  open(name: string, a: Record<string, string>): void {
    if (this.inline.active) return this.inline.open(name);
    switch (name) {
      case 'row': {
        const r = Number(a.r ?? NaN);
        const number = Number.isInteger(r) && r > 0 ? r : this.lastRow + 1;
        this.lastRow = number;
        this.row = { number, hidden: isTrue(a.hidden), cells: [], lastCol: -1 };
        return;
      }
      case 'c': {
        if (!this.row) return;
        if (++this.cells > this.ctx.maxCells) {
          throw new SheetReadError(
            'too-large',
            `This sheet has more than ${formatCount(this.ctx.maxCells)} cells; the most this app reads is ${formatCount(this.ctx.maxCells)}. Split it into smaller sheets, or delete columns you do not need.`,
          );
        }
        const at = a.r ? parseRef(a.r) : null;
        const col = at ? at.col : this.row.lastCol + 1;
        this.row.lastCol = col;
        this.cell = { row: this.row.number, col, type: a.t ?? 'n', style: Number(a.s ?? '0'), value: undefined, formula: undefined, inline: undefined };
        return;
      }
      case 'v':
        if (this.cell) {
          this.cell.value = '';
          this.target = 'value';
        }
        return;
      case 'f':
        if (this.cell) {
          this.cell.formula = '';
          this.target = 'formula';
        }
        return;
      case 'is':
        if (this.cell) this.inline.begin();
        return;
      case 'mergeCell': {
        const [from, to] = (a.ref ?? '').split(':').map(parseRef);
        if (from && to) this.merges.push({ from, to });
        return;
      }
      case 'col':
        // <col min="2" max="3" hidden="1"/>: 1-based, inclusive.
        if (isTrue(a.hidden)) this.hiddenColumnRanges.push([Number(a.min) - 1, Number(a.max ?? a.min) - 1]);
        return;
    }
  }

  close(name: string): void {
    if (this.inline.active) {
      if (name === 'is' && this.cell) this.cell.inline = this.inline.end();
      else this.inline.close(name);
      return;
    }
    if (name === 'v' || name === 'f') this.target = null;
    else if (name === 'c') this.endCell();
    else if (name === 'row') this.endRow();
  }

  text(text: string): void {
    if (this.inline.active) this.inline.add(text);
    else if (this.target === 'value') this.cell!.value += text;
    else if (this.target === 'formula') this.cell!.formula += text;
  }

  private endCell(): void {
    const cell = this.cell;
    const row = this.row;
    this.cell = null;
    if (!cell || !row) return;
    const text = cellText(cell, this.ctx, this.issues);
    if (text === '') return;
    if (cell.col >= MAX_COLUMNS) {
      if (this.farCells++ === 0) {
        this.issues.push({
          sourceRow: row.number,
          severity: 'note',
          message: `Cell ${columnLetter(cell.col)}${row.number} and any others past column ${columnLetter(MAX_COLUMNS - 1)} were not read: the app reads the first ${formatCount(MAX_COLUMNS)} columns.`,
        });
      }
      return;
    }
    while (row.cells.length < cell.col) row.cells.push('');
    row.cells[cell.col] = text;
    this.used[cell.col] = 1;
  }

  private endRow(): void {
    const row = this.row;
    this.row = null;
    if (!row || row.cells.length === 0) return;
    if (this.rows.length >= this.ctx.maxRows) throw tooManyRows(MAX_SHEET_ROWS);
    this.rows.push(row.cells);
    this.sourceRows.push(row.number);
    if (row.hidden) this.hiddenRows.push(row.number);
  }

  /**
   * A merged block shows its top-left value across every row it covers (one duration spanning two shots): each of
   * those rows gets the value in the block's first column. Other columns of the block stay empty, so a prompt merged
   * across two columns does not also fill the next field.
   */
  applyMerges(): void {
    let byRow: Map<number, number> | undefined;
    for (const { from, to } of this.merges) {
      if (to.row <= from.row || from.col >= MAX_COLUMNS) continue;
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

  /** Hidden rows that were read, and hidden columns that hold a value somewhere. */
  hidden(): HiddenParts {
    const columns = new Set<number>();
    for (const [min, max] of this.hiddenColumnRanges) {
      if (!Number.isInteger(min) || !Number.isInteger(max)) continue;
      for (let c = Math.max(0, min); c <= Math.min(max, MAX_COLUMNS - 1); c++) if (this.used[c]) columns.add(c);
    }
    return { rows: this.hiddenRows, columns: [...columns].sort((x, y) => x - y) };
  }
}

/**
 * Reads a worksheet part from its unpacked bytes. `endsEarly` is what it means when its XML stops before its end.
 */
export async function readWorksheet(part: string, bytes: Uint8Array, ctx: WorksheetContext, endsEarly?: string): Promise<WorksheetRows> {
  const reader = new SheetReader(ctx);
  await readXmlBytes(part, bytes, { open: (n, a) => reader.open(n, a), close: (n) => reader.close(n), text: (t) => reader.text(t) }, endsEarly);
  reader.applyMerges();
  return { rows: reader.rows, sourceRows: reader.sourceRows, issues: reader.issues, hidden: reader.hidden() };
}
