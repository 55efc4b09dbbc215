/**
 * `venice-batch validate|quote|run` as a user drives them with the app's read options, and with hostile or huge
 * sheets: every answer is the sheet read right, or exit 2 with a message saying why; never "Unexpected error".
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MappingProfiles } from '../../main/core/services/mapping-profiles';
import { buildCli, runCli } from '../support/cli-process';
import { sheetXml, workbookParts, zip } from '../support/xlsx-writer';

const CORPUS = path.resolve(__dirname, '..', 'fixtures', 'sheets', 'corpus');
const MODEL = ['--rehearsal', '--model', 'sim-wan-2.5-text-to-video'];
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8ffff3f0005fe02fea7d6a4b50000000049454e44ae426082', 'hex');

let dir: string;
let env: NodeJS.ProcessEnv;

async function validate(file: string, ...args: string[]) {
  const r = await runCli(['validate', file, '--json', ...MODEL, ...args], env);
  expect(r.output).not.toMatch(/Unexpected error/);
  return { code: r.code, output: r.output, json: r.code === 2 ? undefined : JSON.parse(r.output) };
}

beforeAll(async () => {
  await buildCli();
  dir = mkdtempSync(path.join(os.tmpdir(), 'vb-cli-sheets-'));
  env = { VENICE_BATCH_DATA: path.join(dir, 'data') };
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('read options on the command line', () => {
  const workbook = path.join(CORPUS, 'libreoffice-hidden-active.xlsx');

  it('--sheet names a sheet; an unknown one is exit 2 listing the sheets, hidden ones marked, for validate, quote and run', async () => {
    const draft = await validate(workbook, '--sheet', 'Draft');
    expect(draft.json).toMatchObject({ sheet: 'Draft', rows: [{ values: { prompt: 'DRAFT: desert highway' } }] });
    expect((await validate(workbook, '--sheet', '3')).json.sheet).toBe('Final'); // the third tab, as no sheet is called "3"
    const hidden = await validate(workbook, '--sheet', 'old version');
    expect(hidden.json.sheet).toBe('Old version');
    expect(hidden.json.notes.map((n: { message: string }) => n.message)).toContainEqual(expect.stringMatching(/"Old version" is hidden in this workbook; it was read because it was asked for by name/));
    const listing = 'This workbook has no sheet named "Shots". Pick one of "Old version" (hidden), "Draft", "Final".';
    for (const args of [['validate', workbook], ['quote', workbook], ['run', workbook, '--out', path.join(dir, 'clips')]]) {
      const r = await runCli([...args, '--sheet', 'Shots', ...MODEL], env);
      expect(r.code, r.output).toBe(2);
      expect(r.output).toContain(listing);
    }
  });

  it('--encoding reads the bytes as told; an unknown encoding is exit 2 naming the choices', async () => {
    const mac = path.join(CORPUS, 'excel-mac-csv-macintosh.csv');
    const wrong = await validate(mac, '--encoding', 'windows-1252');
    expect(wrong.json).toMatchObject({ encoding: 'windows-1252', encodingSure: true });
    // Mac Roman's é (0x8E) and è (0x8F) as Windows-1252 reads them: what the user asked for, garbled as it is.
    expect(wrong.json.rows[0].values.prompt).toBe('Caf\u017d cr\u008fme sur le comptoir, lumi\u008fre dor\u017de');
    expect((await validate(mac, '--encoding', 'mac-roman')).json.rows[0].values.prompt).toBe('Café crème sur le comptoir, lumière dorée');
    const bad = await runCli(['validate', mac, '--encoding', 'klingon'], env);
    expect(bad.code).toBe(2);
    expect(bad.output).toMatch(/--encoding "klingon" is not an encoding this app knows: use utf-8, .*macintosh \(Mac Roman\) or ibm850 \(DOS CP850\)/);
  });

  it('--delimiter and --header-row override detection; impossible values are exit 2 with what to do', async () => {
    const file = path.join(dir, 'two-headers.csv');
    writeFileSync(file, 'Campaign notes;written by Ana\nPrompt;Duration\nA red kite over the dunes;5\n');
    const found = await validate(file);
    expect(found.json).toMatchObject({ delimiter: ';', headerRow: 2, rows: [{ values: { prompt: 'A red kite over the dunes', duration: '5s' } }] });
    const asked = await validate(file, '--header-row', '2', '--delimiter', 'semicolon');
    expect(asked.json).toMatchObject({ headerRow: 2, rows: [{ valid: true }] });
    expect(asked.json.notes.map((n: { message: string }) => n.message).join('\n')).not.toMatch(/taken as the header row/);
    const past = await runCli(['validate', file, '--header-row', '9'], env);
    expect(past.code).toBe(2);
    expect(past.output).toContain('The header row was set to row 9, but the sheet ends at row 3. Choose the row that holds the column names.');
    const comma = await runCli(['validate', file, '--delimiter', ','], env);
    expect(comma.code).toBe(2);
    expect(comma.output).toMatch(/No column looks like a prompt/);
    expect((await runCli(['validate', file, '--delimiter', 'x'], env)).output).toMatch(/--delimiter takes , ; tab or \|/);
  });

  it('--profile reads the columns as a mapping saved in the app; an unknown profile lists the saved ones', async () => {
    const file = path.join(dir, 'studio-a.csv');
    writeFileSync(file, 'Idee,Sekundenzahl,Notizen\nEin Fuchs im Schnee,5,keine\n');
    new MappingProfiles(path.join(dir, 'data')).save('Studio A', { prompt: 'Idee', duration: 'Sekundenzahl' });
    const r = await validate(file, '--profile', 'studio a');
    expect(r.json).toMatchObject({ mapping: { prompt: 'Idee', duration: 'Sekundenzahl' }, rows: [{ valid: true, values: { prompt: 'Ein Fuchs im Schnee', duration: '5s' } }] });
    const unknown = await runCli(['validate', file, '--profile', 'Studio B'], env);
    expect(unknown.code).toBe(2);
    expect(unknown.output).toContain('There is no mapping profile named "Studio B". Saved profiles: "Studio A".');
  });
});

describe('hostile sheets', () => {
  it('images only from the sheet\'s folder (links followed) or https, and only real images', async () => {
    const project = path.join(dir, 'project');
    mkdirSync(path.join(project, 'images'), { recursive: true });
    writeFileSync(path.join(project, 'images', 'ok.png'), PNG);
    writeFileSync(path.join(project, 'images', 'notes.png'), 'these are my notes, not a picture');
    writeFileSync(path.join(dir, 'outside.png'), PNG);
    symlinkSync(path.join(dir, 'outside.png'), path.join(project, 'images', 'link.png'));
    const file = path.join(project, 'shots.csv');
    writeFileSync(
      file,
      [
        'Prompt,Image',
        'ok,images/ok.png',
        'text file,images/notes.png',
        'a link out,images/link.png',
        'dot-dot,../outside.png',
        `absolute,${path.join(dir, 'outside.png')}`,
        `file url,file://${path.join(project, 'images', 'ok.png')}`,
        'plain http,http://cdn.example.com/a.png',
        'https,https://cdn.example.com/a.png',
        '',
      ].join('\n'),
    );
    const r = await runCli(['validate', file, '--json', '--rehearsal', '--model', 'sim-kling-2.1-image-to-video', '--duration', '5s'], env);
    expect(r.code).toBe(1);
    const rows = JSON.parse(r.output).rows as Array<{ valid: boolean; errors: Array<{ column: string; message: string }> }>;
    const first = (i: number) => rows[i]!.errors[0]?.message ?? '';
    expect(rows[0]!.valid).toBe(true);
    expect(first(1)).toMatch(/^Image "images\/notes.png" is not a PNG, JPEG, WebP or GIF image \(its content says otherwise/);
    for (const i of [2, 3, 4]) expect(first(i)).toMatch(/is outside the sheet's folder \(links followed\)/);
    expect(first(5)).toMatch(/^file:\/\/ addresses are not accepted in the image column/);
    expect(first(6)).toMatch(/is plain http: use its https address/);
    expect(rows[7]!.valid).toBe(true);
    expect(rows[1]!.errors[0]!.column).toBe('Image');
  });

  it('an XLSX that would unpack past the limit is refused from its zip directory, before anything is unpacked', async () => {
    const bomb = path.join(dir, 'bomb.xlsx');
    writeFileSync(bomb, zip(workbookParts(sheetXml(3), 300 * 1024 * 1024)));
    const r = await runCli(['validate', bomb], env);
    expect(r.code).toBe(2);
    expect(r.output).toContain('This workbook unpacks to 300.0 MB; the most this app reads is 200.0 MB.');
  });

  it('a zip directory that lies about a part\'s size is caught while unpacking', async () => {
    const liar = path.join(dir, 'liar.xlsx');
    writeFileSync(liar, zip(workbookParts(sheetXml(20_000), 1000)));
    const r = await runCli(['validate', liar], env);
    expect(r.code).toBe(2);
    expect(r.output).toMatch(/the part xl\/worksheets\/sheet1.xml unpacks to more than its zip directory declares/);
  });

  it('damaged, truncated and disguised files are exit 2 with a plain reason', async () => {
    const real = path.join(CORPUS, 'libreoffice-formulas.xlsx');
    const cut = path.join(dir, 'cut.xlsx');
    writeFileSync(cut, readFileSync(real).subarray(0, 3000));
    const fake = path.join(dir, 'photo.csv');
    writeFileSync(fake, PNG);
    const garbage = path.join(dir, 'garbage.xlsx');
    writeFileSync(garbage, Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(2000, 7)]));
    for (const [file, reason] of [
      [cut, /could not be read as an Excel workbook/],
      [fake, /does not look like a spreadsheet/],
      [garbage, /could not be read as an Excel workbook/],
    ] as const) {
      const r = await runCli(['validate', file], env);
      expect(r.code, r.output).toBe(2);
      expect(r.output).toMatch(reason);
      expect(r.output).not.toMatch(/Unexpected error/);
    }
  });
});

describe('huge sheets', () => {
  const rows = (n: number) => {
    const lines = ['prompt,duration,name'];
    for (let i = 1; i <= n; i++) lines.push(`"Shot ${i}, slow dolly in over the harbour",5,shot-${i}`);
    return `${lines.join('\n')}\n`;
  };

  it('200,000 rows read (a spread into Math.max used to overflow the stack), and one more is refused plainly', async () => {
    const full = path.join(dir, 'full.csv');
    writeFileSync(full, rows(200_000));
    const r = await runCli(['validate', full, ...MODEL], env, 300_000);
    expect(r.output).not.toMatch(/Unexpected error|Maximum call stack/);
    expect(r.code, r.output.slice(-500)).toBe(0);
    expect(r.output).toMatch(/200000 rows: 200000 valid, 0 invalid/);
    const over = path.join(dir, 'over.csv');
    writeFileSync(over, rows(200_001));
    const o = await runCli(['validate', over, ...MODEL], env, 300_000);
    expect(o.code).toBe(2);
    expect(o.output).toContain('This sheet has more than 200,000 rows; the most this app reads at once is 200,000. Split it into smaller sheets.');
  });

  it('an XLSX with as many rows reads too', async () => {
    const big = path.join(dir, 'big.xlsx');
    writeFileSync(big, zip(workbookParts(sheetXml(200_000))));
    const r = await runCli(['validate', big, ...MODEL], env, 300_000);
    expect(r.output).not.toMatch(/Unexpected error/);
    expect(r.code, r.output.slice(-500)).toBe(0);
    expect(r.output).toMatch(/200000 rows: 200000 valid/);
  });
});
