/**
 * The note for rows and columns a workbook hides. They are read like the others (hiding is how a sheet looks, not
 * what it says), but an editor who hid last week's shots may not expect them to be generated: say which.
 */
import { columnLetter } from './columns';
import { formatCount } from './format';

const MAX_LISTED = 12;

function joined(items: readonly string[]): string {
  return items.length < 2 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** 3, 5, 6, 7, 8 -> "3 and 5–8"; long lists end with how many more. */
function rowList(rows: readonly number[]): string {
  const runs: string[] = [];
  for (let i = 0; i < rows.length; ) {
    let j = i;
    while (j + 1 < rows.length && rows[j + 1] === rows[j]! + 1) j++;
    if (j - i >= 2) runs.push(`${formatCount(rows[i]!)}–${formatCount(rows[j]!)}`);
    else for (let k = i; k <= j; k++) runs.push(formatCount(rows[k]!));
    i = j + 1;
  }
  return runs.length > MAX_LISTED ? `${runs.slice(0, MAX_LISTED).join(', ')} and ${formatCount(runs.length - MAX_LISTED)} more` : joined(runs);
}

/**
 * @param rows hidden rows that hold something (row numbers as the sheet shows them)
 * @param columns hidden columns that hold something (0-based)
 */
export function hiddenNote(rows: readonly number[], columns: readonly number[], headerRow: number, headers: readonly string[]): string | undefined {
  const dataRows = rows.filter((r) => r > headerRow);
  const out: string[] = [];
  if (dataRows.length > 0) {
    const one = dataRows.length === 1;
    out.push(`${one ? 'Row' : 'Rows'} ${rowList(dataRows)} ${one ? 'is' : 'are'} hidden in the sheet; ${one ? 'it was' : 'they were'} read like the others and will be generated unless you delete ${one ? 'it' : 'them'} (here or in the sheet).`);
  }
  if (columns.length > 0) {
    const one = columns.length === 1;
    const named = columns.map((c) => (headers[c] ? `${columnLetter(c)} ("${headers[c]}")` : columnLetter(c)));
    out.push(`${one ? 'Column' : 'Columns'} ${joined(named)} ${one ? 'is' : 'are'} hidden in the sheet; ${one ? 'it was' : 'they were'} read like the others.`);
  }
  return out.length > 0 ? out.join(' ') : undefined;
}
