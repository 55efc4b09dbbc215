import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { importSheet, listWorkbookSheets, SheetReadError } from '../../main/core/sheet';
import { readXlsx } from '../../main/core/sheet/parse-xlsx';
import { isDateFormat } from '../../main/core/sheet/xlsx-parts';
import { numberText, serialDateText } from '../../main/core/sheet/xlsx-sheet';

/** A real workbook, written by exceljs the way Excel lays one out. */
async function buildWorkbook(): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  const shots = wb.addWorksheet('Shots');
  shots.addRow(['Shot', 'Prompt', 'Duration (s)', 'Aspect', 'Audio', 'Image URL', 'Notes', 'Due']);
  shots.addRow([
    1,
    { richText: [{ text: 'A fox ', font: { bold: true } }, { text: 'runs through ' }, { text: 'fresh snow', font: { italic: true } }] },
    5,
    '16:9',
    true,
    { text: 'fox.png', hyperlink: 'https://cdn.example.com/fox.png' },
    { formula: 'CONCAT("take ",A2)', result: 'take 1' },
    new Date(Date.UTC(2025, 2, 1)),
  ]);
  shots.addRow([]); // blank row in the middle
  shots.addRow([2, '  Line one\nline two  ', 10.0, null, false, null, 0.1 + 0.2, new Date(Date.UTC(2025, 2, 1, 14, 30))]);
  // 16:9 typed into Excel becomes the time 16:09 (a fraction of a day with a time format).
  const r5 = shots.addRow([3, 'Excel ate my ratio', 5]);
  const aspect = r5.getCell(4);
  aspect.value = new Date(Date.UTC(1899, 11, 30, 16, 9));
  aspect.numFmt = 'h:mm';
  r5.getCell(7).value = { formula: '1/0', result: { error: '#DIV/0!' } };
  const other = wb.addWorksheet('Archive');
  other.addRow(['Title', 'Description']);
  other.addRow(['old', 'An archived prompt']);
  return new Uint8Array(await wb.xlsx.writeBuffer());
}

let bytes: Uint8Array;
beforeAll(async () => {
  bytes = await buildWorkbook();
});

describe('XLSX import', () => {
  it('is a real zip', () => {
    expect([...bytes.subarray(0, 4)]).toEqual([0x50, 0x4b, 0x03, 0x04]);
  });

  it('reads the first sheet by default and lists every sheet', async () => {
    const sheet = await importSheet(bytes, { fileName: 'shots.xlsx' });
    expect(sheet).toMatchObject({ format: 'xlsx', encoding: null, delimiter: null, sheetNames: ['Shots', 'Archive'], sheetName: 'Shots' });
    expect(sheet.warnings[0]?.message).toMatch(/^Read "Shots", the sheet that was open when the workbook was saved, of 2 sheets \("Shots", "Archive"\)/);
    expect(sheet.headers).toEqual(['Shot', 'Prompt', 'Duration (s)', 'Aspect', 'Audio', 'Image URL', 'Notes', 'Due']);
    expect(sheet.mapping).toEqual({ prompt: 'Prompt', duration: 'Duration (s)', aspect_ratio: 'Aspect', audio: 'Audio', image: 'Image URL', name: 'Shot' });
    expect(sheet.rows).toHaveLength(3);
    const [a, b, c] = sheet.rows;
    expect(a).toMatchObject({
      index: 1,
      sourceRow: 2,
      name: '1',
      prompt: 'A fox runs through fresh snow',
      duration: '5s',
      aspect_ratio: '16:9',
      audio: true,
      image: 'fox.png',
      extras: { Notes: 'take 1', Due: '2025-03-01' },
    });
    expect(b).toMatchObject({ index: 2, sourceRow: 4, prompt: 'Line one\nline two', duration: '10s', audio: false, extras: { Notes: '0.3', Due: '2025-03-01T14:30:00' } });
    expect(b?.aspect_ratio).toBeUndefined();
    expect(c).toMatchObject({ index: 3, sourceRow: 5, aspect_ratio: '16:9', raw: { aspect_ratio: '16:09' }, extras: { Notes: '#DIV/0!' } });
  });

  it('reads a chosen sheet by name or index', async () => {
    const byName = await importSheet(bytes, { sheet: 'archive' });
    expect(byName.sheetName).toBe('Archive');
    expect(byName.rows).toMatchObject([{ prompt: 'An archived prompt', name: 'old' }]);
    expect(byName.warnings).toEqual([]);
    expect((await importSheet(bytes, { sheet: 1 })).sheetName).toBe('Archive');
    expect(await listWorkbookSheets(bytes)).toEqual(['Shots', 'Archive']);
  });

  it('says which sheets exist when the chosen one does not', async () => {
    await expect(importSheet(bytes, { sheet: 'Nope' })).rejects.toThrow('This workbook has no sheet named "Nope". Pick one of "Shots", "Archive".');
    await expect(importSheet(bytes, { sheet: 5 })).rejects.toMatchObject({ code: 'no-such-sheet', details: { sheetNames: ['Shots', 'Archive'] } });
  });

  it('turns a broken workbook into a plain error', async () => {
    const broken = bytes.slice(0, 200);
    await expect(importSheet(broken)).rejects.toBeInstanceOf(SheetReadError);
    await expect(importSheet(broken)).rejects.toMatchObject({ code: 'unreadable-workbook' });
    await expect(readXlsx(broken)).rejects.toThrow(/save or download it as \.xlsx or CSV/);
  });

  it('shows numbers and dates as Excel does', () => {
    expect(numberText(42)).toBe('42');
    expect(numberText(1 / 3)).toBe('0.333333333333333');
    expect(numberText(0.1 + 0.2)).toBe('0.3');
    expect(serialDateText(45717, false)).toBe('2025-03-01');
    expect(serialDateText(45717 + 14.5 / 24, false)).toBe('2025-03-01T14:30:00');
    expect(serialDateText((9 * 3600 + 16 * 60 + 30) / 86400, false)).toBe('09:16:30');
    expect(serialDateText((16 * 60 + 9) / 1440, false)).toBe('16:09');
    expect(serialDateText(0, true)).toBe('00:00');
    expect(serialDateText(1, true)).toBe('1904-01-02');
    expect(['yyyy-mm-dd', 'h:mm', '[h]:mm:ss', 'd/m/yy;@', '[$-409]mmmm d, yyyy'].every(isDateFormat)).toBe(true);
    expect(['General', '0.00', '#,##0 "sec"', '[Red]0.0', '0%', '@', '_(* #,##0_)'].some(isDateFormat)).toBe(false);
  });
});
