/**
 * What a batch is called: the sheet's name without its extension, and the workbook tab when the workbook has more
 * than one ("days (Day 2)"). The same name titles the batch, its output folder and (through the batch) its export.
 */
import path from 'node:path';

const SHEET_EXTENSION = /\.(csv|tsv|txt|xlsx|xls)$/i;

/** "harbor_shots.csv" -> "harbor_shots"; names that never had an extension stay as they are. */
export function withoutSheetExtension(name: string): string {
  return name.replace(SHEET_EXTENSION, '').trim() || name;
}

export function batchTitle(fileName: string, sheet: { sheetNames?: readonly string[] | null; sheetName?: string | null }): string {
  const stem = withoutSheetExtension(path.basename(fileName)) || 'batch';
  const tab = sheet.sheetNames && sheet.sheetNames.length > 1 && sheet.sheetName ? sheet.sheetName.trim() : '';
  return tab ? `${stem} (${tab})` : stem;
}
