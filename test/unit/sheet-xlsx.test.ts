import ExcelJS from 'exceljs';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { importSheet, listWorkbookSheets, SheetReadError } from '../../main/core/sheet';
import { readXlsx } from '../../main/core/sheet/parse-xlsx';
import { isDateFormat } from '../../main/core/sheet/xlsx-parts';
import { numberText, serialDateText } from '../../main/core/sheet/xlsx-cells';
import { locatePart } from '../../main/core/sheet/zip-locate';
import { listZip, unpackPartAsync, unpackParts } from '../../main/core/sheet/zip-parts';
import { sheetXml, workbookParts, zip } from '../support/xlsx-writer';

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

describe('XLSX reader: what real workbooks hold', () => {
  const parts = (sheet: string, extra: Record<string, string> = {}) =>
    zip([
      ...workbookParts(sheet).filter((p) => !(p.name === 'xl/workbook.xml' && extra['xl/workbook.xml'])),
      ...Object.entries(extra).map(([name, data]) => ({ name, data })),
    ]);

  it('uses saved formula results as written (FALSE, 0, "") and names a formula without one', async () => {
    const xml =
      '<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Prompt</t></is></c><c r="B1" t="inlineStr"><is><t>Audio</t></is></c><c r="C1" t="inlineStr"><is><t>Notes</t></is></c></row>' +
      '<row r="2"><c r="A2" t="inlineStr"><is><t>a</t></is></c><c r="B2" t="b"><f>1=2</f><v>0</v></c><c r="C2" t="str"><f>""</f><v></v></c></row>' +
      '<row r="3"><c r="A3" t="inlineStr"><is><t>b</t></is></c><c r="B3"><f>0</f><v>0</v></c></row>' +
      '<row r="4"><c r="A4" t="inlineStr"><is><t>c</t></is></c><c r="B4"><f>1=1</f></c><c r="C4"><f>NOW()</f></c></row>' +
      '<row r="5"><c r="A5" t="inlineStr"><is><t>d</t></is></c><c r="B5" t="e"><f>1/0</f><v>#DIV/0!</v></c></row></sheetData></worksheet>';
    const sheet = await importSheet(parts(xml));
    expect(sheet.rows.map((r) => [r.audio, r.raw.audio])).toEqual([[false, 'FALSE'], [false, '0'], [undefined, undefined], [undefined, '#DIV/0!']]);
    expect(sheet.errors).toEqual([
      { row: 3, field: 'audio', column: 'Audio', message: 'Cell B4 holds a formula (=1=1) with no saved result, so its value is unknown: open and save the sheet in Excel or LibreOffice, then import it again.' },
      { row: 4, field: 'audio', column: 'Audio', message: 'Cell B5 shows the error #DIV/0! from its formula: fix it in the sheet, then import it again.' },
    ]);
    // The same in a column no field reads: said, but the row goes on.
    expect(sheet.warnings).toContainEqual({ row: 3, column: 'Notes', message: expect.stringMatching(/^Cell C4 holds a formula \(=NOW\(\)\) with no saved result/) });
  });

  it('reads shared strings with rich text runs (phonetic guides left out), Office escapes, entities and namespace prefixes', async () => {
    const sst =
      '<sst><si><t>Prompt</t></si><si><r><rPr><b/></rPr><t>A fox </t></r><r><t xml:space="preserve">in &amp; out</t></r><rPh><t>ふりがな</t></rPh></si><si><t>line_x000D_\nbreak &#233;</t></si></sst>';
    const xml = '<x:worksheet><x:sheetData><x:row r="1"><x:c r="A1" t="s"><x:v>0</x:v></x:c></x:row><x:row r="2"><x:c r="A2" t="s"><x:v>1</x:v></x:c></x:row><x:row r="3"><x:c t="s"><x:v>2</x:v></x:c></x:row></x:sheetData></x:worksheet>';
    const rels = '<Relationships><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="/xl/sharedStrings.xml"/></Relationships>';
    const bytes = zip([
      ...workbookParts(xml).filter((p) => p.name !== 'xl/_rels/workbook.xml.rels'),
      { name: 'xl/_rels/workbook.xml.rels', data: rels },
      { name: 'xl/sharedStrings.xml', data: sst },
    ]);
    const sheet = await importSheet(bytes);
    expect(sheet.rows.map((r) => r.prompt)).toEqual(['A fox in & out', 'line\nbreak é']);
  });

  it('refuses a sheet past the cell limit while reading it, and says which columns far right were not read', async () => {
    const wide = `<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Prompt</t></is></c><c r="ZZZ1" t="inlineStr"><is><t>far</t></is></c></row></sheetData></worksheet>`;
    const read = await readXlsx(parts(wide));
    expect(read.rows).toEqual([['Prompt']]);
    expect(read.issues[0]?.message).toMatch(/^Cell ZZZ1 and any others past column AMJ were not read/);
    await expect(readXlsx(zip(workbookParts(sheetXml(100))), { limits: { maxUnpackedBytes: 10_000_000, maxCells: 150 } })).rejects.toMatchObject({
      code: 'too-large',
      message: expect.stringMatching(/^This sheet has more than 150 cells/),
    });
    await expect(readXlsx(zip(workbookParts(sheetXml(100))), { limits: { maxUnpackedBytes: 5000, maxCells: 1e6 } })).rejects.toThrow(/^This workbook unpacks to/);
  });

  it('catches a zip directory that understates a part by less than its packed size, where the part\'s XML stops', async () => {
    const xml = sheetXml(20_000);
    const packed = deflateRawSync(Buffer.from(xml), { level: 9 }).length;
    // Declared bigger than the packed bytes (so not refused from the directory), far smaller than the real part.
    await expect(readXlsx(zip(workbookParts(xml, packed + 4096)))).rejects.toMatchObject({
      code: 'unreadable-workbook',
      message: expect.stringMatching(/the part xl\/worksheets\/sheet1\.xml is damaged: its XML stops before its end: it may be cut short, or unpack to more than its zip directory declares/),
    });
  });

  it('reads the open tab, else the first visible sheet, and lists hidden sheets as such', async () => {
    const book = (active: number | null) =>
      zip([
        ...workbookParts(sheetXml(1)).filter((p) => p.name !== 'xl/workbook.xml' && p.name !== 'xl/_rels/workbook.xml.rels'),
        {
          name: 'xl/workbook.xml',
          data: `<workbook>${active === null ? '' : `<bookViews><workbookView activeTab="${active}"/></bookViews>`}<sheets><sheet name="Old" state="hidden" r:id="rId1"/><sheet name="Gone" state="veryHidden" r:id="rId1"/><sheet name="A" r:id="rId1"/><sheet name="B" r:id="rId1"/></sheets></workbook>`,
        },
        { name: 'xl/_rels/workbook.xml.rels', data: '<Relationships><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>' },
      ]);
    expect((await importSheet(book(3))).sheetName).toBe('B');
    expect((await importSheet(book(0))).sheetName).toBe('A'); // the open tab was hidden: the first visible one
    const none = await importSheet(book(null));
    expect(none).toMatchObject({ sheetName: 'A', hiddenSheets: ['Old', 'Gone'], sheetNames: ['Old', 'Gone', 'A', 'B'] });
    expect(none.warnings[0]?.message).toBe(
      'Read "A", the first visible sheet, of 4 sheets ("Old" (hidden), "Gone" (hidden), "A", "B"). Hidden sheets "Old", "Gone" are not read. Choose another sheet if your prompts are elsewhere.',
    );
  });

  it('reads hidden rows and columns like the others, and says which', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('S');
    ws.addRow(['Prompt', 'Duration', 'Notes', 'Internal']);
    for (const [i, p] of ['a', 'b', 'c', 'd', 'e', 'f'].entries()) ws.addRow([p, 5, i === 0 ? 'first' : '', `id${i}`]);
    for (const r of [3, 5, 6, 7]) ws.getRow(r).hidden = true;
    ws.getColumn(4).hidden = true;
    ws.getColumn(6).hidden = true; // holds nothing: not worth a word
    const sheet = await importSheet(new Uint8Array(await wb.xlsx.writeBuffer()));
    expect(sheet.rows.map((r) => [r.prompt, r.extras.Internal])).toEqual([['a', 'id0'], ['b', 'id1'], ['c', 'id2'], ['d', 'id3'], ['e', 'id4'], ['f', 'id5']]);
    expect(sheet.warnings.map((w) => w.message)).toContain(
      'Rows 3 and 5–7 are hidden in the sheet; they were read like the others and will be generated unless you delete them (here or in the sheet). Column D ("Internal") is hidden in the sheet; it was read like the others.',
    );
  });

  it('says nothing of a hidden row above the header', async () => {
    const xml =
      '<worksheet><cols><col min="3" max="16384" hidden="1"/></cols><sheetData><row r="1" hidden="1"><c r="A1" t="inlineStr"><is><t>Old title</t></is></c></row>' +
      '<row r="2"><c r="A2" t="inlineStr"><is><t>Prompt</t></is></c><c r="B2" t="inlineStr"><is><t>Duration</t></is></c></row>' +
      '<row r="3"><c r="A3" t="inlineStr"><is><t>a fox</t></is></c><c r="B3"><v>5</v></c></row></sheetData></worksheet>';
    const sheet = await importSheet(zip(workbookParts(xml)));
    expect(sheet.rows).toMatchObject([{ prompt: 'a fox', duration: '5s' }]);
    expect(sheet.warnings.map((w) => w.message).join('\n')).not.toMatch(/hidden/);
  });

  it('fills every row a vertically merged cell covers, and only its first column', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('S');
    ws.addRow(['Prompt', 'Negative prompt', 'Duration']);
    ws.addRow(['a', 'blurry', 10]);
    ws.addRow(['b', null, null]);
    ws.addRow(['c', null, 5]);
    ws.mergeCells('B2:C3');
    const sheet = await importSheet(new Uint8Array(await wb.xlsx.writeBuffer()));
    expect(sheet.rows.map((r) => [r.negative_prompt, r.duration])).toEqual([['blurry', undefined], ['blurry', undefined], [undefined, '5s']]);
  });
});

describe('XLSX: the sheet unpacked without holding the thread', () => {
  const CORPUS = path.join(__dirname, '../fixtures/sheets/corpus');
  const workbooks = readdirSync(CORPUS).filter((f) => f.endsWith('.xlsx'));

  it('finds every deflated part of workbooks real apps wrote, and unpacks each to the same bytes as in one go', async () => {
    expect(workbooks.length).toBeGreaterThan(4);
    for (const name of [...workbooks, 'exceljs (built here)']) {
      const book = name.endsWith('.xlsx') ? new Uint8Array(readFileSync(path.join(CORPUS, name))) : bytes;
      for (const entry of listZip(book).values()) {
        if (entry.compression === 8) expect(locatePart(book, { name: entry.name, packedSize: entry.compressedSize, size: entry.size }), `${name}: ${entry.name}`).toBeDefined();
        const whole = unpackParts(book, [entry]).get(entry.name.replace(/^\//, ''))!;
        expect(Buffer.from(await unpackPartAsync(book, entry)).equals(Buffer.from(whole)), `${name}: ${entry.name}`).toBe(true);
      }
    }
  });

  it('lets other work run while it inflates', async () => {
    // Prompts that do not repeat, so the packed sheet is large enough to take several turns.
    const xml = sheetXml(20_000).replace(/Shot (\d+)/g, (_, n: string) => `Shot ${n} ${Math.sin(Number(n)).toString(36)}`);
    const book = zip(workbookParts(xml));
    const entry = listZip(book).get('xl/worksheets/sheet1.xml')!;
    let ticked = false;
    setTimeout(() => (ticked = true), 0);
    const unpacking = unpackPartAsync(book, entry).then((out) => ({ out, tickedBefore: ticked }));
    // In one go, the timer could only run once the whole part was inflated.
    expect(ticked).toBe(false);
    const { out, tickedBefore } = await unpacking;
    expect(tickedBefore).toBe(true);
    expect(new TextDecoder().decode(out)).toBe(xml);
  });

  it('keeps no more than the directory declares, and names a part whose packed bytes are damaged', async () => {
    const xml = sheetXml(20_000);
    const packed = deflateRawSync(Buffer.from(xml), { level: 9 }).length;
    const liar = zip(workbookParts(xml, packed + 4096));
    const entry = listZip(liar).get('xl/worksheets/sheet1.xml')!;
    const unpacked = await unpackPartAsync(liar, entry);
    expect(unpacked.length).toBe(packed + 4096);
    expect(Buffer.from(unpacked).equals(Buffer.from(unpackParts(liar, [entry]).get('xl/worksheets/sheet1.xml')!))).toBe(true);

    const book = zip(workbookParts(xml));
    const sheet = listZip(book).get('xl/worksheets/sheet1.xml')!;
    const range = locatePart(book, { name: sheet.name, packedSize: sheet.compressedSize, size: sheet.size })!;
    const broken = book.slice();
    broken.fill(0xff, range.start + 100, range.start + 400);
    await expect(unpackPartAsync(broken, sheet)).rejects.toThrow(/the part xl\/worksheets\/sheet1\.xml is damaged, or unpacks to more than its zip directory declares/);
  });
});
