/* eslint-disable @typescript-eslint/no-explicit-any -- values come back through the contract's envelope */
/**
 * A big sheet through the paged path, as the page takes it: the file's bytes sent as they are (a binary body in
 * browser mode), the preview's first answer holding only its first rows, and every other row fetched a page at a time
 * with batch:importRows, in the sheet's order and with the values read. Not timed: speed is the import-threads bench.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PREVIEW_PAGE_MAX_ROWS } from '../../main/contract';
import { createHandlers, dispatch, type Handlers } from '../../main/handlers';
import { AppServices } from '../../main/core/services/app-services';
import { defaultSettings } from '../../main/core/services/app-settings';
import { PREVIEW_FIRST_ROWS } from '../../main/core/services/sheet-imports';
import { SecretStore } from '../../main/core/secrets/secret-store';
import { BYTES_CALL_TYPE, INPUT_LENGTH_HEADER, startWebServer, TOKEN_HEADER, type WebServer } from '../../main/web';

const ROWS = 20_000;
/** Every 50th row asks for a duration the model does not offer: it must come back invalid, in its place. */
const isBad = (i: number) => i % 50 === 0;

function bigSheet(): Uint8Array {
  const lines = ['name,prompt,model,duration'];
  for (let i = 1; i <= ROWS; i++) lines.push(`shot-${i},"Shot ${i}: a slow dolly past the harbour, dawn",sim-fast-text-to-video,${isBad(i) ? '7s' : '1s'}`);
  return new TextEncoder().encode(lines.join('\r\n') + '\r\n');
}

let dir: string;
let app: AppServices;
let handlers: Handlers;
let web: WebServer;
const call = (name: string, input?: unknown): Promise<any> => dispatch(handlers, name, input, () => undefined);

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'vb-import-rows-'));
  app = new AppServices({
    dataDir: path.join(dir, 'data'),
    mode: 'test',
    version: 'test',
    env: { ...process.env, VENICE_API_KEY: '' },
    secrets: new SecretStore({ VENICE_API_KEY: '' }, `venice-batch-test-${process.pid}`),
    settingsDefaults: { ...defaultSettings(), rehearsal: true, outputDir: path.join(dir, 'clips') },
  });
  await app.start();
  handlers = createHandlers(app);
  web = await startWebServer({ app, rendererDir: dir, port: 0, log: () => undefined });
});

afterAll(async () => {
  await web?.close();
  await app?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Every row of a preview: its first answer, then batch:importRows pages until `summary.total`. */
async function allRows(preview: any, pageRows: number): Promise<any[]> {
  const rows = [...preview.rows];
  while (rows.length < preview.summary.total) {
    const page = await call('batch:importRows', { importId: preview.importId, offset: rows.length, limit: pageRows });
    expect(page.ok, JSON.stringify(page.error)).toBe(true);
    expect(page.value.total).toBe(preview.summary.total);
    expect(page.value.rows.length).toBeGreaterThan(0);
    rows.push(...page.value.rows);
  }
  return rows;
}

function expectSheetRows(rows: any[]): void {
  expect(rows).toHaveLength(ROWS);
  rows.forEach((r, k) => {
    const i = k + 1;
    // Checked field by field (not one toEqual per row) so a failure names the row.
    if (r.row !== i || r.sourceRow !== i + 1 || r.name !== `shot-${i}` || r.prompt !== `Shot ${i}: a slow dolly past the harbour, dawn` || r.valid === isBad(i)) {
      expect({ at: i, row: r.row, sourceRow: r.sourceRow, name: r.name, prompt: r.prompt, valid: r.valid }).toEqual({
        at: i,
        row: i,
        sourceRow: i + 1,
        name: `shot-${i}`,
        prompt: `Shot ${i}: a slow dolly past the harbour, dawn`,
        valid: !isBad(i),
      });
    }
    if (isBad(i)) expect(r.errors[0]?.column).toBe('duration');
    else expect([r.model, r.duration, r.errors]).toEqual(['sim-fast-text-to-video', '1s', []]);
  });
}

describe('a 20,000-row sheet through the paged preview', () => {
  it('gives its first rows at once and every other row by batch:importRows, in order, as read', async () => {
    const preview = await call('batch:importSheet', { fileName: 'big.csv', bytes: bigSheet(), rehearsal: true });
    expect(preview.ok, JSON.stringify(preview.error)).toBe(true);
    expect(preview.value.summary).toEqual({ total: ROWS, valid: ROWS - ROWS / 50, invalid: ROWS / 50 });
    expect(preview.value.rows).toHaveLength(PREVIEW_FIRST_ROWS);
    const rows = await allRows(preview.value, PREVIEW_PAGE_MAX_ROWS);
    expectSheetRows(rows);
    // Valid rows carry their quote in every page, not only the first; an invalid row has none.
    expect(rows[0].quoteUsd).toBeGreaterThan(0);
    expect(rows[ROWS - 2].quoteUsd).toBe(rows[0].quoteUsd);
    expect(rows[ROWS - 1].quoteUsd).toBeNull();
  });

  it('pages of any size meet end to end; past the end is an empty page; too big a page and a gone preview are refused plainly', async () => {
    const preview = (await call('batch:importSheet', { fileName: 'big.csv', bytes: bigSheet(), rehearsal: true })).value;
    expectSheetRows(await allRows(preview, 1_777));
    const past = await call('batch:importRows', { importId: preview.importId, offset: ROWS, limit: 10 });
    expect(past.value).toEqual({ rows: [], total: ROWS });
    const tooBig = await call('batch:importRows', { importId: preview.importId, offset: 0, limit: PREVIEW_PAGE_MAX_ROWS + 1 });
    expect(tooBig.ok).toBe(false);
    expect(tooBig.error.code).toBe('invalid_input');
    const gone = await call('batch:importRows', { importId: '00000000-0000-4000-8000-000000000000', offset: 0, limit: 10 });
    expect(gone.ok).toBe(false);
    expect(gone.error.code).toBe('not_found');
    expect(gone.error.message).toMatch(/expired\. Import the sheet again/);
  });

  it('takes the file as a binary body over HTTP (JSON first, then the bytes), as the page sends it', async () => {
    const bytes = bigSheet();
    const head = new TextEncoder().encode(JSON.stringify({ fileName: 'big.csv', rehearsal: true }));
    const body = new Uint8Array(head.byteLength + bytes.byteLength);
    body.set(head);
    body.set(bytes, head.byteLength);
    const res = await fetch(`${web.url}api/batch:importSheet`, {
      method: 'POST',
      headers: { 'content-type': BYTES_CALL_TYPE, [INPUT_LENGTH_HEADER]: String(head.byteLength), [TOKEN_HEADER]: web.token },
      body,
    });
    const preview: any = await res.json();
    expect(preview.ok, JSON.stringify(preview.error)).toBe(true);
    expect(preview.value.summary.total).toBe(ROWS);
    expect(preview.value.rows).toHaveLength(PREVIEW_FIRST_ROWS);
    // A binary call whose JSON also carries "bytes", or whose length header lies, is refused before anything is read.
    const twice = new TextEncoder().encode(JSON.stringify({ fileName: 'big.csv', bytes: 'x' }));
    const refused = await fetch(`${web.url}api/batch:importSheet`, {
      method: 'POST',
      headers: { 'content-type': BYTES_CALL_TYPE, [INPUT_LENGTH_HEADER]: String(twice.byteLength), [TOKEN_HEADER]: web.token },
      body: twice,
    });
    expect(refused.status).toBe(400);
    const lying = await fetch(`${web.url}api/batch:importSheet`, {
      method: 'POST',
      headers: { 'content-type': BYTES_CALL_TYPE, [INPUT_LENGTH_HEADER]: String(body.byteLength + 1), [TOKEN_HEADER]: web.token },
      body,
    });
    expect(lying.status).toBe(400);
  });
});
