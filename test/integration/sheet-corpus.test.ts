/**
 * The corpus of sheets as real programs write them (test/fixtures/sheets/corpus: LibreOffice and exceljs files, and
 * byte-exact reproductions of Excel for Windows and Mac, Numbers and Google Sheets), each read through the CLI's
 * `validate --json` exactly as a script would, against the values it must read (<file>.expect.json beside it).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli, runCli } from '../support/cli-process';

const CORPUS = path.resolve(__dirname, '..', 'fixtures', 'sheets', 'corpus');

interface Expected {
  source: string;
  args?: string[];
  exit: number;
  read: Record<string, unknown>;
  mapping: Record<string, string>;
  /** Patterns each of which some note must match. */
  notes: string[];
  rows: Array<{ valid: boolean; values?: Record<string, unknown>; errors?: Array<{ column: string; message: string }> }>;
}

const files = readdirSync(CORPUS).filter((f) => !f.endsWith('.expect.json'));
let dir: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  await buildCli();
  dir = mkdtempSync(path.join(os.tmpdir(), 'vb-corpus-'));
  env = { VENICE_BATCH_DATA: path.join(dir, 'data') };
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the sheet corpus through `validate --json`', () => {
  it('has a statement of what to read for every file', () => {
    expect(files.length).toBeGreaterThanOrEqual(20);
    for (const f of files) expect(readdirSync(CORPUS), f).toContain(`${f}.expect.json`);
  });

  it.each(files)('%s', async (file) => {
    const expected = JSON.parse(readFileSync(path.join(CORPUS, `${file}.expect.json`), 'utf8')) as Expected;
    const r = await runCli(['validate', path.join(CORPUS, file), '--json', '--rehearsal', '--model', 'sim-wan-2.5-text-to-video', ...(expected.args ?? [])], env);
    expect(r.output).not.toMatch(/Unexpected error/);
    expect(r.code, r.output).toBe(expected.exit);
    const json = JSON.parse(r.output);
    expect(json).toMatchObject(expected.read);
    expect(json.mapping).toEqual(expected.mapping);
    const notes = (json.notes as Array<{ message: string }>).map((n) => n.message);
    for (const pattern of expected.notes) expect(notes, `a note matching /${pattern}/`).toContainEqual(expect.stringMatching(new RegExp(pattern)));
    expect(json.rows).toHaveLength(expected.rows.length);
    expected.rows.forEach((want, i) => {
      const got = json.rows[i];
      expect(got.valid, `row ${i + 1}: ${JSON.stringify(got.errors)}`).toBe(want.valid);
      if (want.values) expect(got.values, `row ${i + 1}`).toEqual(want.values);
      for (const e of want.errors ?? []) {
        expect(got.errors, `row ${i + 1}`).toContainEqual({ column: e.column, message: expect.stringMatching(new RegExp(e.message)) });
      }
    });
  });
});
