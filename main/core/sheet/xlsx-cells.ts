/**
 * What one worksheet cell reads as, from what its XML holds: every saved value as written (FALSE, 0 and "" included),
 * numbers and dates as Excel shows them, and a formula with no saved result (or showing an error) reported on its cell
 * by name, with what to do.
 */
import { columnLetter } from './columns';
import { decodeOfficeEscapes } from './xlsx-parts';
import type { ReadIssue } from './types';

/** A cell as its XML holds it. */
export interface CellXml {
  row: number;
  /** 0-based. */
  col: number;
  /** `t`: n (number, the default), s (shared string), str (formula text), inlineStr, b, e, d. */
  type: string;
  /** `s`: the cell style index. */
  style: number;
  /** The text of `<v>`, or undefined when the cell has none (`<v/>` is ""). */
  value: string | undefined;
  /** The text of `<f>`, or undefined when the cell has no formula (a shared formula's `<f/>` is ""). */
  formula: string | undefined;
  /** The text of `<is>`, for an inline string. */
  inline: string | undefined;
}

export interface CellContext {
  sharedStrings: readonly string[];
  dateStyles: readonly boolean[];
  date1904: boolean;
}

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

/** "AB12" (or "$AB$12") -> { col: 27, row: 12 } (0-based column, 1-based row). Read on every cell: no regex. */
export function parseRef(ref: string): { col: number; row: number } | null {
  let i = ref.charCodeAt(0) === 0x24 ? 1 : 0;
  let col = 0;
  const lettersFrom = i;
  for (; i < ref.length; i++) {
    const c = ref.charCodeAt(i) | 0x20; // lower case
    if (c < 0x61 || c > 0x7a) break;
    col = col * 26 + (c - 0x60);
  }
  if (i === lettersFrom || i - lettersFrom > 3) return null;
  if (ref.charCodeAt(i) === 0x24) i++;
  let row = 0;
  const digitsFrom = i;
  for (; i < ref.length; i++) {
    const d = ref.charCodeAt(i) - 0x30;
    if (d < 0 || d > 9) return null;
    row = row * 10 + d;
  }
  return i === digitsFrom ? null : { col: col - 1, row };
}

/** The text a cell shows; problems with it go to `issues`, on its row and column. */
function cellIssue(cell: CellXml, issues: ReadIssue[], message: (name: string) => string): void {
  issues.push({ sourceRow: cell.row, column: cell.col, severity: 'error', message: message(`${columnLetter(cell.col)}${cell.row}`) });
}

export function cellText(cell: CellXml, ctx: CellContext, issues: ReadIssue[]): string {
  if (cell.type === 'inlineStr') return cell.inline ?? '';
  const raw = cell.value;
  if (raw === undefined) {
    if (cell.formula !== undefined) {
      const code = cell.formula.trim();
      cellIssue(
        cell,
        issues,
        (name) =>
          `Cell ${name} holds a formula${code ? ` (=${code.length > 60 ? `${code.slice(0, 60)}…` : code})` : ''} with no saved result, so its value is unknown: open and save the sheet in Excel or LibreOffice, then import it again.`,
      );
    }
    return '';
  }
  switch (cell.type) {
    case 's': {
      const s = ctx.sharedStrings[Number(raw)];
      if (s === undefined) {
        cellIssue(cell, issues, (name) => `Cell ${name} points at text the workbook does not hold (it is damaged): open and save it in Excel or LibreOffice, then import it again.`);
        return '';
      }
      return s;
    }
    case 'str':
      return decodeOfficeEscapes(raw);
    case 'b':
      return raw.trim() === '1' || /^true$/i.test(raw.trim()) ? 'TRUE' : 'FALSE';
    case 'e': {
      const err = raw.trim();
      cellIssue(cell, issues, (name) => `Cell ${name} shows the error ${err}${cell.formula !== undefined ? ' from its formula' : ''}: fix it in the sheet, then import it again.`);
      return err;
    }
    case 'd':
      return isoDateText(raw.trim());
    default: {
      const n = Number(raw);
      if (raw.trim() === '' || Number.isNaN(n)) return raw;
      return ctx.dateStyles[cell.style] ? serialDateText(n, ctx.date1904) : numberText(n);
    }
  }
}
