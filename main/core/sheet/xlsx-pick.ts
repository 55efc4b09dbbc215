/**
 * Which sheet of a workbook is read: the one asked for (by name, any case, or by its tab number); else the tab that
 * was open when the workbook was saved; else the first visible one. Hidden sheets (an old version kept by the studio)
 * are listed as such and never read unless asked for by name; the choice is said when there was one to make.
 */
import { SheetReadError } from './errors';
import type { WorkbookInfo, WorkbookSheet } from './xlsx-parts';

function listed(sheets: readonly WorkbookSheet[]): string {
  return sheets.map((s) => `"${s.name}"${s.state !== 'visible' ? ' (hidden)' : ''}`).join(', ');
}

export function pickSheet(workbook: WorkbookInfo, wanted: string | number | undefined): { sheet: WorkbookSheet; choice?: string } {
  const sheets = workbook.sheets;
  const names = { sheetNames: sheets.map((s) => s.name), hiddenSheets: sheets.filter((s) => s.state !== 'visible').map((s) => s.name) };
  if (sheets.length === 0) throw new SheetReadError('unreadable-workbook', 'This workbook has no sheets. Save a workbook that has your prompts on a sheet.');
  const worksheets = sheets.filter((s) => s.part !== null);
  if (wanted !== undefined) {
    let found: WorkbookSheet | undefined;
    if (typeof wanted === 'number') {
      found = sheets[wanted];
      if (!found) {
        throw new SheetReadError('no-such-sheet', `This workbook has ${sheets.length} sheet(s); there is no sheet number ${wanted + 1}. Pick one of ${listed(sheets)}.`, names);
      }
    } else {
      const key = wanted.trim().toLowerCase();
      found = sheets.find((s) => s.name === wanted) ?? sheets.find((s) => s.name.trim().toLowerCase() === key);
      // "2" names the second tab when no sheet is called "2" (how a command line asks for one).
      if (!found && /^\d+$/.test(key) && Number(key) >= 1) found = sheets[Number(key) - 1];
      if (!found) throw new SheetReadError('no-such-sheet', `This workbook has no sheet named "${wanted}". Pick one of ${listed(sheets)}.`, names);
    }
    if (found.part === null) throw new SheetReadError('no-such-sheet', `"${found.name}" is a chart, not a sheet of cells. Pick one of ${listed(worksheets)}.`, names);
    return { sheet: found };
  }
  const visible = worksheets.filter((s) => s.state === 'visible');
  if (visible.length === 0) {
    if (worksheets.length === 0) throw new SheetReadError('unreadable-workbook', 'This workbook has only charts, no sheet of cells. Save a workbook that has your prompts on a sheet.');
    return { sheet: worksheets[0]!, choice: `Every sheet of this workbook is hidden; read "${worksheets[0]!.name}", the first.` };
  }
  const active = sheets[workbook.activeTab];
  const useActive = active !== undefined && active.part !== null && active.state === 'visible';
  const sheet = useActive ? active : visible[0]!;
  const hidden = sheets.filter((s) => s.state !== 'visible');
  if (sheets.length === 1) return { sheet };
  const why = useActive ? 'the sheet that was open when the workbook was saved' : 'the first visible sheet';
  const skipped = hidden.length > 0 ? ` Hidden ${hidden.length === 1 ? 'sheet' : 'sheets'} ${hidden.map((s) => `"${s.name}"`).join(', ')} ${hidden.length === 1 ? 'is' : 'are'} not read.` : '';
  return {
    sheet,
    choice: `Read "${sheet.name}", ${why}, of ${sheets.length} sheets (${listed(sheets)}).${skipped} Choose another sheet if your prompts are elsewhere.`,
  };
}
