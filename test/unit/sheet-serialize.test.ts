import { describe, expect, it } from 'vitest';
import { importSheet } from '../../main/core/sheet';
import { escapeFormula, rowsToCsv, rowsToCsvSlices, rowsToTable, templateCsv, toCsv } from '../../main/core/sheet/serialize';
import type { SheetRow } from '../../main/core/sheet/types';

describe('formula-injection escape', () => {
  it.each([
    ['=HYPERLINK("http://evil","click")', `'=HYPERLINK("http://evil","click")`],
    ['+1+1', `'+1+1`],
    ['-2+3', `'-2+3`],
    ['@SUM(A1)', `'@SUM(A1)`],
    ['\tTAB', `'\tTAB`],
    ['\rCR', `'\rCR`],
    ['a=1', 'a=1'],
    [' =1', ' =1'],
    ['', ''],
  ])('escapes %j', (cell, expected) => {
    expect(escapeFormula(cell)).toBe(expected);
  });

  it('applies on export by default, multi-line cells included, and can be switched off', () => {
    const table = [['prompt', 'name'], ['=1+1', '-x'], ['=A1\nsecond line', 'ok']];
    expect(toCsv(table, { bom: false, lineEnding: '\n' })).toBe(`prompt,name\n"'=1+1","'-x"\n"'=A1\nsecond line",ok\n`);
    expect(toCsv(table, { bom: false, lineEnding: '\n', escapeFormulas: false })).toBe('prompt,name\n=1+1,-x\n"=A1\nsecond line",ok\n');
  });
});

describe('toCsv', () => {
  it('quotes what needs quoting, with a chosen delimiter, BOM and line ending', () => {
    const table = [['prompt', 'notes'], ['a; b, "c"', ' padded '], ['line\nbreak', 'x|y']];
    expect(toCsv(table)).toBe('\uFEFFprompt,notes\r\n"a; b, ""c""", padded \r\n"line\nbreak",x|y\r\n'.replace(' padded ', '" padded "'));
    expect(toCsv(table, { delimiter: ';', bom: false, lineEnding: '\n', trailingLineEnding: false })).toBe(
      'prompt;notes\n"a; b, ""c""";" padded "\n"line\nbreak";x|y',
    );
    expect(toCsv(table, { delimiter: '\t', bom: false })).toContain('a; b, ""c""');
    expect(toCsv([], { bom: false })).toBe('');
  });
});

describe('rowsToCsv / rowsToTable', () => {
  const rows: SheetRow[] = [
    { index: 1, sourceRow: 2, prompt: 'A cat', duration: '5s', audio: true, name: 'cat', extras: { Notes: 'n1', Scene: '' }, raw: {} },
    { index: 2, sourceRow: 3, prompt: 'A dog', image: 'https://x.test/d.png', audio: false, extras: { Notes: '', Scene: '2' }, raw: {} },
  ];

  it('writes prompt, the filled canonical columns, then extras', () => {
    expect(rowsToTable(rows)).toEqual([
      ['prompt', 'duration', 'audio', 'image', 'name', 'Notes', 'Scene'],
      ['A cat', '5s', 'yes', '', 'cat', 'n1', ''],
      ['A dog', '', 'no', 'https://x.test/d.png', '', '', '2'],
    ]);
    expect(rowsToTable(rows, { columns: ['prompt'], extras: false, headers: { prompt: 'Prompt text' } })).toEqual([['Prompt text'], ['A cat'], ['A dog']]);
  });

  it('imports back what it exports', async () => {
    const back = await importSheet(new TextEncoder().encode(rowsToCsv(rows)));
    expect(back.rows.map(({ raw: _raw, sourceRow: _s, ...r }) => r)).toEqual(rows.map(({ raw: _raw, sourceRow: _s, ...r }) => r));
  });
});

describe('rowsToCsvSlices', () => {
  // Cells that test the quoting on every side of a slice's edge: quotes, delimiters, line breaks, formulas, a BOM,
  // padding, and extras that only some rows have.
  const nasty = ['plain', 'a, b', 'say "hi"', 'two\nlines', '=1+1', '\uFEFFbom', ' padded ', '', 'x;y', 'tab\there'];
  const rows: SheetRow[] = Array.from({ length: 23 }, (_, i) => ({
    index: i + 1,
    sourceRow: i + 2,
    prompt: `${nasty[i % nasty.length]} ${i}`,
    ...(i % 3 === 0 ? { duration: '5s' } : {}),
    ...(i % 4 === 1 ? { audio: i % 8 === 1 } : {}),
    ...(i % 5 === 2 ? { name: nasty[(i * 7) % nasty.length] } : {}),
    extras: i % 6 === 0 ? { Notes: nasty[(i * 3) % nasty.length]!, [`Only ${i}`]: 'x' } : { Notes: '' },
    raw: {},
  }));

  it.each([1, 2, 7, 22, 23, 24, 2_000])('joined, slices of %i rows are exactly rowsToCsv', (size) => {
    for (const opts of [{}, { escapeFormulas: false, headers: { prompt: 'Prompt' } }, { delimiter: ';' as const, bom: false, lineEnding: '\n' as const, trailingLineEnding: false }]) {
      const slices = [...rowsToCsvSlices(rows, opts, size)];
      expect(slices).toHaveLength(Math.ceil(rows.length / size));
      expect(slices.join('')).toBe(rowsToCsv(rows, opts));
    }
  });

  it('an empty sheet is its header, once', () => {
    expect([...rowsToCsvSlices([], { bom: false }, 5)]).toEqual([rowsToCsv([], { bom: false })]);
  });
});

describe('templateCsv', () => {
  it('has the canonical headers and two example rows that import cleanly', async () => {
    const text = templateCsv();
    expect(text.startsWith('\uFEFFprompt,negative_prompt,model,duration,resolution,aspect_ratio,audio,image,name,takes\r\n')).toBe(true);
    const sheet = await importSheet(new TextEncoder().encode(text), { fileName: 'template.csv' });
    expect(sheet.unmappedHeaders).toEqual([]);
    expect(Object.keys(sheet.mapping)).toHaveLength(10);
    expect(sheet.rows).toHaveLength(2);
    expect(sheet.rows[0]).toMatchObject({ duration: '5s', resolution: '720p', aspect_ratio: '16:9', audio: true, name: 'forest-dawn', takes: '2' });
    expect(sheet.rows[1]).toMatchObject({ audio: false, image: 'https://example.com/portrait.jpg' });
    expect(sheet.errors).toEqual([]);
    expect(templateCsv({ model: 'm-t2v', imageModel: 'm-i2v', bom: false }).split('\r\n')[2]).toContain(',m-i2v,');
  });
});
