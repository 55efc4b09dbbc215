import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeBytes } from '../../main/core/sheet/decode';
import { detectDelimiter, parseCsv } from '../../main/core/sheet/parse-csv';

const fixtureText = (name: string) => decodeBytes(new Uint8Array(readFileSync(new URL(`../fixtures/sheets/${name}`, import.meta.url)))).text;

describe('detectDelimiter', () => {
  it.each([
    [',', 'prompt,duration\na cat,5\n'],
    [';', 'prompt;duration\na cat, a dog;5\n'],
    ['\t', 'prompt\tduration\na cat, a dog; a bird\t5\n'],
    ['|', 'prompt|duration\na cat, a dog\t;|5\n'],
  ])('finds %j', async (delimiter, text) => {
    expect(await detectDelimiter(text)).toBe(delimiter);
  });

  it('reads a ";" file whose prompts hold commas (European Excel quotes only what it must)', async () => {
    expect(await detectDelimiter(fixtureText('excel-fr-windows1252-semicolon.csv'))).toBe(';');
  });

  it('is not fooled by delimiters inside quoted cells', async () => {
    expect(await detectDelimiter('prompt;name\n"a, b, c, d";x\n"e, f, g, h";y\n')).toBe(';');
  });

  it('returns null for a single-column file, and parseCsv then assumes ","', async () => {
    expect(await detectDelimiter('prompt\na cat\n')).toBeNull();
    const r = await parseCsv('prompt\na cat\nthe dog\n');
    expect(r).toMatchObject({ delimiter: ',', delimiterGuessed: true, header: ['prompt'], rows: [['a cat'], ['the dog']] });
  });
});

describe('parseCsv', () => {
  it('reads quoted line breaks, commas and doubled quotes; keeps cells untrimmed', async () => {
    const r = await parseCsv(fixtureText('quoted-multiline.csv'));
    expect(r.delimiter).toBe(',');
    expect(r.header).toEqual(['prompt', 'name', 'notes']);
    expect(r.rows).toEqual([
      ['First line\nsecond line, with a comma', 'multi', 'keep "quotes"'],
      ['Windows break\r\ninside', 'crlf', ''],
      ['  padded prompt  ', '  padded name  ', '  padded note  '],
    ]);
    expect(r.sourceRows).toEqual([2, 3, 4]);
    expect(r.errors).toEqual([]);
  });

  it.each([
    ['LF', '\n'],
    ['CRLF', '\r\n'],
    ['CR (old Mac Excel)', '\r'],
  ])('reads %s record breaks', async (_name, eol) => {
    const r = await parseCsv(['prompt,name', 'a,1', '"b\nc",2', ''].join(eol));
    expect(r.rows).toEqual([['a', '1'], ['b\nc', '2']]);
  });

  it('reads a file whose record breaks are mixed, without touching breaks inside quotes', async () => {
    const r = await parseCsv('prompt,name\r\na,1\nb,2\r"c\r\nd",3\r\n"e\rf",4');
    expect(r.rows).toEqual([['a', '1'], ['b', '2'], ['c\r\nd', '3'], ['e\rf', '4']]);
  });

  it('skips fully empty lines (also ";;;" lines) but keeps spreadsheet row numbers', async () => {
    const r = await parseCsv('\n\nprompt;name\n;\na;1\n\n  ;  \nb;2\n');
    expect(r.headerRow).toBe(3);
    expect(r.rows).toEqual([['a', '1'], ['b', '2']]);
    expect(r.sourceRows).toEqual([5, 8]);
  });

  it('honours an explicit delimiter', async () => {
    expect((await parseCsv('a;b,c\n1;2,3', { delimiter: ',' })).rows).toEqual([['1;2', '3']]);
    expect((await parseCsv('a;b,c\n1;2,3', { delimiter: ';' })).rows).toEqual([['1', '2,3']]);
  });

  it('reports an unclosed quote with the row where it starts', async () => {
    const r = await parseCsv('prompt,name\na,1\n"never closed,2\nc,3\n');
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]!.sourceRow).toBe(3);
    expect(r.errors[0]!.message).toMatch(/quoted cell starting on row 3 of the file is never closed/);
    expect(r.rows).toEqual([['a', '1'], ['never closed,2\nc,3\n']]);
  });

  it('keeps text after a closing quote with its quotes, as LibreOffice does, and says so', async () => {
    const r = await parseCsv('prompt,name\n"a"b,1\nc,2\n');
    expect(r.rows).toEqual([['"a"b', '1'], ['c', '2']]);
    expect(r.errors).toEqual([{ sourceRow: 2, message: expect.stringMatching(/starts with a quoted part followed by more text \("\\"a\\"b"\); it was kept as written, quotes included/) }]);
  });

  it('says nothing of a cell quoted whole whose text starts with a quote, however far down the file', async () => {
    const r = await parseCsv('prompt,name\n"""Cut!"" she says",1\n');
    expect(r.rows).toEqual([['"Cut!" she says', '1']]);
    expect(r.errors).toEqual([]);
    const filler = Array.from({ length: 5000 }, (_, i) => `"a long prompt, take ${i}",${i}`).join('\n');
    const far = await parseCsv(`prompt,name\n${filler}\n"""Cut!"" she says",x\n"Roll!" he says,y\n`);
    expect(far.rows.slice(-2)).toEqual([['"Cut!" she says', 'x'], ['"Roll!" he says', 'y']]);
    expect(far.errors).toEqual([{ sourceRow: 5003, message: expect.stringMatching(/starts with a quoted part followed by more text \("\\"Roll!\\" he says"\)/) }]);
  });

  it('reads a long file in slices without splitting a character, a quoted break or a CRLF between them', async () => {
    const emoji = '\u{1F3AC}';
    const rows = Array.from({ length: 4000 }, (_, i) => `"shot ${i} ${emoji}\r\nsecond line",${i}`);
    const r = await parseCsv(`prompt,n\r\n${rows.join('\r\n')}\r\n`);
    expect(r.rows).toHaveLength(4000);
    expect(r.rows.every(([p, n], i) => p === `shot ${i} ${emoji}\r\nsecond line` && n === String(i))).toBe(true);
    expect(r.sourceRows.at(-1)).toBe(4001);
  });

  it('keeps a quote inside an unquoted cell as a letter', async () => {
    expect((await parseCsv('prompt;name\nsay "hi";x\n')).rows).toEqual([['say "hi"', 'x']]);
  });
});

describe('what Excel does that RFC 4180 does not say', () => {
  it('takes the delimiter from a `sep=` first line and leaves the line out of the sheet', async () => {
    const r = await parseCsv('sep=;\r\nprompt;duration\r\na, b;5\r\n');
    expect(r).toMatchObject({ delimiter: ';', header: ['prompt', 'duration'], headerRow: 1, rows: [['a, b', '5']] });
  });

  it('reads an unquoted TSV whose cell starts with a quotation, quotes kept, with the rest of the file intact', async () => {
    const r = await parseCsv('Prompt\tDuration\n"Action!" the director shouts\t5\nNext shot\t10\n');
    expect(r.delimiter).toBe('\t');
    expect(r.rows).toEqual([['"Action!" the director shouts', '5'], ['Next shot', '10']]);
  });

  it('finds the delimiter under a title line that has none ("Table 1")', async () => {
    expect(await detectDelimiter('Table 1\nPrompt;Duration;Name\na, b;5;x\nc, d;10;y\n')).toBe(';');
  });
});
