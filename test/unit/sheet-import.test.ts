import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { importSheet, isSheetReadError, SheetReadError } from '../../main/core/sheet';

const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`../fixtures/sheets/${name}`, import.meta.url)));
const text = (s: string) => new TextEncoder().encode(s);

async function readError(bytes: Uint8Array, opts = {}): Promise<SheetReadError> {
  try {
    await importSheet(bytes, opts);
  } catch (e) {
    if (isSheetReadError(e)) return e;
    throw e;
  }
  throw new Error('expected a SheetReadError');
}

describe('importSheet on real byte variants', () => {
  it('European Excel: Windows-1252, ";" and accented prompts', async () => {
    const s = await importSheet(fixture('excel-fr-windows1252-semicolon.csv'), { fileName: 'plan.csv' });
    expect(s).toMatchObject({ format: 'csv', encoding: 'windows-1252', delimiter: ';', errors: [] });
    expect(s.encodingSure).toBe(true);
    expect(s.warnings.map((w) => w.message)).toEqual([
      expect.stringMatching(/not UTF-8; it was read as Windows-1252/),
      'Column "Catégorie" (column E) matches no field the app knows; it is kept as an extra column for the file-name template. If it holds a prompt, a duration or another field, choose it in the mapping.',
    ]);
    expect(s.mapping).toEqual({ prompt: 'Prompt', duration: 'Duration (s)', resolution: 'Resolution', audio: 'Audio' });
    expect(s.unmappedHeaders).toEqual(['Catégorie']);
    expect(s.rows.map((r) => [r.index, r.sourceRow, r.prompt, r.duration, r.resolution, r.audio, r.extras['Catégorie']])).toEqual([
      [1, 2, 'Café au lait, façade ensoleillée… 5 € la tasse', '5s', '720p', true, 'café'],
      [2, 3, 'Crème brûlée à la française, caméra lente', '10s', '1080p', false, 'dessert'],
      [3, 5, 'Fenêtre; rideau qui bouge', '5s', '720p', undefined, 'intérieur'],
    ]);
  });

  it('Excel "CSV UTF-8": BOM + CRLF', async () => {
    const s = await importSheet(fixture('excel-utf8-bom-crlf.csv'));
    expect(s).toMatchObject({ format: 'csv', encoding: 'utf-8', delimiter: ',', warnings: [], errors: [] });
    expect(s.headers[0]).toBe('Prompt'); // no BOM glued to the first header
    expect(s.rows).toMatchObject([
      { prompt: 'Neon city at night — rain, reflections 🌧️', duration: '5s', aspect_ratio: '16:9', audio: true, model: 'sim-t2v', name: '001' },
      { prompt: 'Kyoto temple in snow 雪', duration: '10s', aspect_ratio: '9:16', audio: false, name: '002' },
    ]);
  });

  it('Excel "Unicode text": UTF-16 LE with BOM, tab-separated', async () => {
    const s = await importSheet(fixture('excel-unicode-text-utf16le.txt'), { fileName: 'prompts.txt' });
    expect(s).toMatchObject({ format: 'tsv', encoding: 'utf-16le', delimiter: '\t' });
    expect(s.rows[0]).toMatchObject({ prompt: 'Zoom into a café façade, morning light', negative_prompt: 'blurry, text', duration: '5s', image: 'https://example.com/a.jpg', extras: { Notes: 'Ärger über Ölpreis' } });
    expect(s.rows[1]).toMatchObject({ prompt: 'Über den Wolken – ein Flugzeug', duration: '10s', extras: { Notes: '' } });
  });

  it('UTF-16 BE with BOM', async () => {
    const s = await importSheet(fixture('utf16be-bom.tsv'));
    expect(s).toMatchObject({ format: 'tsv', encoding: 'utf-16be', rows: [{ prompt: 'Ω waves, crashing', duration: '5s' }] });
  });

  it('quoted line breaks and commas; cells trimmed, inner line breaks kept as LF', async () => {
    const s = await importSheet(fixture('quoted-multiline.csv'));
    expect(s.rows.map((r) => [r.prompt, r.name, r.extras.notes])).toEqual([
      ['First line\nsecond line, with a comma', 'multi', 'keep "quotes"'],
      ['Windows break\ninside', 'crlf', ''],
      ['padded prompt', 'padded name', 'padded note'],
    ]);
  });

  it('Google Sheets download: UTF-8, LF, header variants', async () => {
    const s = await importSheet(fixture('google-sheets.csv'));
    expect(s.mapping).toEqual({
      prompt: 'Text prompt', model: 'Model ID', duration: 'Duration (s)', resolution: 'Resolution',
      aspect_ratio: 'AR', audio: 'With audio', image: 'Start image', name: 'Clip name',
    });
    expect(s.rows[0]).toEqual({
      index: 1, sourceRow: 2, prompt: 'A fox runs through snow', model: 'sim-i2v', duration: '5s', resolution: '720p',
      aspect_ratio: '16:9', audio: true, image: 'images/fox.png', name: 'fox', extras: {},
      raw: { duration: '5', resolution: '720', aspect_ratio: '16:9', audio: 'TRUE' },
    });
  });

  it('honours encoding, delimiter and mapping options', async () => {
    const bytes = fixture('excel-fr-windows1252-semicolon.csv');
    const s = await importSheet(bytes, { encoding: 'cp1252', delimiter: ';', mapping: { prompt: 'catégorie' } });
    expect(s).toMatchObject({ encoding: 'windows-1252', delimiter: ';', warnings: [] });
    expect(s.mapping.prompt).toBe('Catégorie');
    expect(s.unmappedHeaders).toEqual(['Prompt']);
    expect(s.rows[0]).toMatchObject({ prompt: 'café', extras: { Prompt: 'Café au lait, façade ensoleillée… 5 € la tasse' } });
    // A wrong encoding shows in the headers the message lists, so the user sees why.
    const wrong = await readError(bytes, { encoding: 'utf-8', mapping: { prompt: 'Catégorie' } });
    expect(wrong.code).toBe('bad-mapping');
    expect(wrong.message).toContain('"Cat\uFFFDgorie"');
  });

  it('reports rows with more cells than the header', async () => {
    const s = await importSheet(text('prompt;name\nA cat; a dog;x;y\n'));
    expect(s.rows[0]?.extras).toEqual({ 'Column C': 'x', 'Column D': 'y' });
    expect(s.warnings).toEqual([{ row: 1, message: expect.stringMatching(/more cells than the header \(4 instead of 2\)/) }]);
  });

  it('warns about a header without rows', async () => {
    const s = await importSheet(text('prompt,duration\r\n'));
    expect(s.rows).toEqual([]);
    expect(s.warnings.map((w) => w.message)).toEqual(['The sheet has a header row but no rows below it.']);
  });
});

describe('importSheet refuses what it cannot read, saying what to do', () => {
  it.each([
    ['an empty file', new Uint8Array(), 'empty', /The file is empty\. Choose a CSV or Excel/],
    ['blank lines only', text('\r\n \r\n;;\r\n'), 'empty', /no rows\. Put a header row/],
    ['an old .xls', new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]), 'old-excel', /old-style Excel file \(\.xls\).*save it as \.xlsx or CSV/],
    ['a PDF', text('%PDF-1.7\n...'), 'not-a-sheet', /PDF, not a spreadsheet/],
    ['a PNG image', new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52]), 'not-a-sheet', /does not look like a spreadsheet/],
    ['no prompt column', text('Title,Duration\nfox,5\n'), 'no-prompt-column', /^No column looks like a prompt\. Name one column "prompt" or choose it in the mapping\.$/],
    ['two prompt columns', text('Prompt (EN),Prompt (FR)\na,b\n'), 'duplicate-column', /Two columns could be the prompt/],
  ])('%s', async (_name, bytes, code, message) => {
    const e = await readError(bytes);
    expect(e).toBeInstanceOf(SheetReadError);
    expect(e.name).toBe('SheetReadError');
    expect(e.code).toBe(code);
    expect(e.message).toMatch(message);
  });

  it('gives the headers along, so a UI can offer the mapping', async () => {
    const e = await readError(text('Idea,Seconds\nfox,5\n'));
    expect(e.details.headers).toEqual(['Idea', 'Seconds']);
    expect((await importSheet(text('Idea,Seconds\nfox,5\n'), { mapping: { prompt: 'Idea' } })).rows[0]).toMatchObject({ prompt: 'fox', duration: '5s' });
  });

  it('names Numbers and OpenDocument files', async () => {
    const zip = new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0]);
    expect((await readError(zip, { fileName: 'Plan.numbers' })).message).toMatch(/Apple Numbers file/);
    expect((await readError(zip, { fileName: 'plan.ods' })).message).toMatch(/OpenDocument spreadsheet/);
    expect((await readError(zip, { fileName: 'plan.xlsx' })).code).toBe('unreadable-workbook');
  });
});

describe('sheet/ stays pure TypeScript', () => {
  it('imports nothing Node-only, so the renderer parses exactly as the CLI does', () => {
    const dir = new URL('../../main/core/sheet/', import.meta.url);
    const files = readdirSync(dir).filter((f) => f.endsWith('.ts'));
    expect(files.length).toBeGreaterThan(5);
    for (const f of files) {
      const src = readFileSync(new URL(f, dir), 'utf8');
      const imports = [...src.matchAll(/from\s+'([^']+)'|import\(\s*'([^']+)'\s*\)/g)].map((m) => m[1] ?? m[2]);
      // Only libraries with a browser build: csv-parse (vite.config.ts points the page at it), fflate, saxes, Papa Parse.
      for (const spec of imports) expect([f, spec]).toEqual([f, expect.stringMatching(/^(\.\.?\/|papaparse$|csv-parse$|fflate$|saxes$)/)]);
      expect([f, /\bBuffer\b|\bprocess\.|\brequire\(/.test(src.replace(/\/\/.*|\/\*[\s\S]*?\*\//g, ''))]).toEqual([f, false]);
    }
  });
});

describe('importSheet: the header row and the columns, as people write them', () => {
  const utf8 = (t: string) => new TextEncoder().encode(t);

  it('finds the header among the first 20 rows by its column names, and says which row it took', async () => {
    const s = await importSheet(utf8('Shot list for Acme\n\nVersion 3,,\nShot,Prompt,Dauer (s)\n1,A fox,5\n'));
    expect(s).toMatchObject({ headerRow: 4, mapping: { prompt: 'Prompt', duration: 'Dauer (s)', name: 'Shot' } });
    expect(s.rows).toMatchObject([{ sourceRow: 5, prompt: 'A fox', duration: '5s' }]);
    expect(s.warnings[0]?.message).toBe('Row 4 was taken as the header row: it holds the column names. The rows above it ("Shot list for Acme", "Version 3") are not read. Choose another header row if that is wrong.');
    const below = `${'note\n'.repeat(21)}Prompt\nA fox\n`;
    await expect(importSheet(utf8(below))).rejects.toMatchObject({ code: 'no-prompt-column' });
    expect((await importSheet(utf8(below), { headerRow: 22 })).rows).toMatchObject([{ prompt: 'A fox' }]);
  });

  it('knows the column names and yes/no words of seven languages, and lists the columns it does not know', async () => {
    const cases: Array<[string, string, Record<string, string>, boolean]> = [
      ['fr', 'Invite;Durée;Format;Son\nUn chat;5;16:9;oui\n', { prompt: 'Invite', duration: 'Durée', aspect_ratio: 'Format', audio: 'Son' }, true],
      ['de', 'Prompt;Dauer (s);Seitenverhältnis;Ton\nEine Katze;5;16:9;nein\n', { prompt: 'Prompt', duration: 'Dauer (s)', aspect_ratio: 'Seitenverhältnis', audio: 'Ton' }, false],
      ['es', 'Indicación,Duración,Formato,Sonido\nUn gato,5,16:9,sí\n', { prompt: 'Indicación', duration: 'Duración', aspect_ratio: 'Formato', audio: 'Sonido' }, true],
      ['it', 'Prompt;Durata;Formato;Suono\nUn gatto;5;16:9;sì\n', { prompt: 'Prompt', duration: 'Durata', aspect_ratio: 'Formato', audio: 'Suono' }, true],
      ['pt', 'Prompt,Duração,Proporção,Som\nUm gato,5,16:9,não\n', { prompt: 'Prompt', duration: 'Duração', aspect_ratio: 'Proporção', audio: 'Som' }, false],
      ['nl', 'Prompt;Duur;Beeldverhouding;Geluid\nEen kat;5;16:9;ja\n', { prompt: 'Prompt', duration: 'Duur', aspect_ratio: 'Beeldverhouding', audio: 'Geluid' }, true],
    ];
    for (const [lang, text, mapping, audio] of cases) {
      const s = await importSheet(utf8(text));
      expect(s.mapping, lang).toEqual(mapping);
      expect(s.rows[0]?.audio, lang).toBe(audio);
      expect(s.warnings, lang).toEqual([]);
    }
    const odd = await importSheet(utf8('Prompt,Kamera,Licht\na,b,c\n'));
    expect(odd.warnings.map((w) => w.message)).toEqual([
      'Columns "Kamera" (column B) and "Licht" (column C) match no field the app knows; they are kept as extra columns for the file-name template. If one holds a prompt, a duration or another field, choose it in the mapping.',
    ]);
  });

  it('a header row asked for that is empty or past the end is refused with what to do', async () => {
    await expect(importSheet(utf8('Prompt\n\na\n'), { headerRow: 2 })).rejects.toThrow('Row 2, chosen as the header row, is empty. Choose the row that holds the column names.');
    await expect(importSheet(utf8('Prompt\na\n'), { headerRow: 7 })).rejects.toMatchObject({ code: 'bad-header-row' });
  });
});
