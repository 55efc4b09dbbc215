/* eslint-disable @typescript-eslint/no-explicit-any -- the tests read JSON back off the wire, as a page would */
/**
 * Browser mode over real HTTP: the token, the Origin and Host checks, input validation by the contract, and a
 * Rehearsal batch imported from a CSV and run to the end through the contract while its events stream in.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppServices } from '../../main/core/services/app-services';
import { defaultSettings } from '../../main/core/services/app-settings';
import { SecretStore } from '../../main/core/secrets/secret-store';
import { startSimulator, type Simulator } from '../../main/core/venice/simulator';
import { startWebServer, TOKEN_HEADER, type WebServer } from '../../main/web';

let dir: string;
let app: AppServices;
let web: WebServer;
let realVenice: Simulator;

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** node:http rather than fetch, so the test can send the headers a hostile page would (Host, Origin). */
function raw(method: string, pathname: string, headers: Record<string, string> = {}, body?: string): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: web.port, method, path: pathname, headers: { host: `127.0.0.1:${web.port}`, ...headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function call(name: string, input?: unknown): Promise<{ ok: boolean; value?: any; error?: { code: string; message: string } }> {
  const res = await fetch(`${web.url}api/${name}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [TOKEN_HEADER]: web.token },
    body: input === undefined ? '' : JSON.stringify(input),
  });
  return res.json();
}

/** Reads the SSE stream into a list of parsed events until `stop()`. */
function listen(): { events: Array<{ name: string; data: any }>; stop: () => void; opened: Promise<void> } {
  const events: Array<{ name: string; data: any }> = [];
  const ctrl = new AbortController();
  const opened = (async () => {
    const res = await fetch(`${web.url}api/events`, { headers: { [TOKEN_HEADER]: web.token }, signal: ctrl.signal });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    void (async () => {
      let buffer = '';
      try {
        const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
        for (;;) {
          const { value: chunk, done } = await reader.read();
          if (done) break;
          buffer += chunk;
          let cut;
          while ((cut = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, cut);
            buffer = buffer.slice(cut + 2);
            const name = /^event: (.+)$/m.exec(block)?.[1];
            const data = /^data: (.+)$/m.exec(block)?.[1];
            if (name && data) events.push({ name, data: JSON.parse(data) });
          }
        }
      } catch {
        // aborted
      }
    })();
  })();
  return { events, stop: () => ctrl.abort(), opened };
}

async function until(check: () => boolean | Promise<boolean>, what: string, ms = 30_000): Promise<void> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > ms) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  realVenice = await startSimulator({ apiKeys: ['real-key'], processingMs: 300 });
  dir = mkdtempSync(path.join(os.tmpdir(), 'vb-web-'));
  const rendererDir = path.join(dir, 'renderer');
  mkdirSync(rendererDir, { recursive: true });
  writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>Venice Batch</title>');
  app = new AppServices({
    dataDir: path.join(dir, 'data'),
    mode: 'browser',
    version: 'test',
    // "Real" Venice is a second simulator here, so nothing leaves the machine.
    env: { ...process.env, VENICE_API_KEY: '', VENICE_BASE_URL: realVenice.url },
    secrets: new SecretStore({ VENICE_API_KEY: '' }, `venice-batch-test-${process.pid}`),
    rehearsalProcessingMs: 300,
    engine: { pollPolicy: { floorMs: 150, ceilingMs: 1_000 }, tickMs: 50 },
    settingsDefaults: { ...defaultSettings(), outputDir: path.join(dir, 'clips') },
  });
  await app.start();
  web = await startWebServer({ app, rendererDir, log: () => undefined });
});

afterAll(async () => {
  await web?.close();
  await app?.close();
  await realVenice?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('browser mode', () => {
  it('serves the page on 127.0.0.1 with a strict policy, and prints a URL carrying the token', async () => {
    expect(web.openUrl).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${web.port}/\\?token=[A-Za-z0-9_-]{40,}$`));
    const page = await raw('GET', '/');
    expect(page.status).toBe(200);
    expect(page.body).toContain('Venice Batch');
    expect(page.headers['content-security-policy']).toMatch(/default-src 'self'/);
    expect(page.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    expect((await raw('GET', '/../../../../etc/passwd')).status).toBe(404);
    expect((await raw('GET', '/%2e%2e/%2e%2e/etc/passwd')).status).toBe(404);
  });

  it('requires the token in a header on every API request', async () => {
    const json = { 'content-type': 'application/json' };
    expect((await raw('POST', '/api/app:info', json, '{}')).status).toBe(401);
    expect((await raw('POST', '/api/app:info', { ...json, [TOKEN_HEADER]: 'guess' }, '{}')).status).toBe(401);
    expect((await raw('POST', `/api/app:info?token=${web.token}`, json, '{}')).status).toBe(401);
    expect((await raw('GET', '/api/events')).status).toBe(401);
    const ok = await raw('POST', '/api/app:info', { ...json, [TOKEN_HEADER]: web.token }, '');
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body)).toMatchObject({ ok: true, value: { mode: 'browser', engine: { state: 'running' } } });
  });

  it('refuses other origins, other host names and non-JSON bodies, even with the token', async () => {
    const h = { 'content-type': 'application/json', [TOKEN_HEADER]: web.token };
    expect((await raw('POST', '/api/batch:list', { ...h, origin: 'https://evil.example' }, '{}')).status).toBe(403);
    expect((await raw('POST', '/api/batch:list', { ...h, origin: `http://127.0.0.1:${web.port + 1}` }, '{}')).status).toBe(403);
    expect((await raw('POST', '/api/batch:list', { ...h, 'sec-fetch-site': 'cross-site' }, '{}')).status).toBe(403);
    expect((await raw('POST', '/api/batch:list', { ...h, host: `evil.example:${web.port}` }, '{}')).status).toBe(421);
    expect((await raw('GET', '/', { host: 'rebind.attacker.example' })).status).toBe(421);
    expect((await raw('POST', '/api/batch:list', { ...h, 'content-type': 'text/plain' }, '{}')).status).toBe(415);
    expect((await raw('POST', '/api/batch:list', { ...h, origin: `http://127.0.0.1:${web.port}` }, '{}')).status).toBe(200);
  });

  it('validates input with the contract and names unknown calls', async () => {
    expect(await call('batch:get', { batchId: 'one' })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(await call('settings:set', { outputDir: 'not/absolute' })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    const res = await fetch(`${web.url}api/batch:explode`, { method: 'POST', headers: { 'content-type': 'application/json', [TOKEN_HEADER]: web.token }, body: '{}' });
    expect(res.status).toBe(404);
    expect(await call('batch:get', { batchId: 999 })).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it('runs a Rehearsal batch from a CSV to the end through the contract, events streaming as it goes', async () => {
    const stream = listen();
    await stream.opened;
    const csv = 'Shot,Prompt,Duration (s),Resolution\nOpening,A lighthouse at dusk,1,480p\nMarket,A busy fish market,1,480p\nClosing,Boats at sunset,1,480p\n';
    const preview = await call('batch:importSheet', { fileName: 'shots.csv', text: csv, rehearsal: true, defaults: { model: 'sim-fast-text-to-video', audio: false } });
    expect(preview.ok).toBe(true);
    expect(preview.value.summary).toEqual({ total: 3, valid: 3, invalid: 0 });
    expect(preview.value.totalUsd).toBeGreaterThan(0);
    expect(preview.value.rows.map((r: { name: string }) => r.name)).toEqual(['Opening', 'Market', 'Closing']);

    const created = await call('batch:create', { importId: preview.value.importId, concurrency: 2 });
    expect(created).toMatchObject({ ok: true, value: { rehearsal: true, phase: 'running', total: 3 } });
    const batchId = created.value.id as number;

    await until(() => stream.events.some((e) => e.name === 'batch:changed' && e.data.id === batchId && e.data.phase === 'finished'), 'the batch to finish');
    const got = await call('batch:get', { batchId });
    expect(got.value.rows.map((r: { state: string }) => r.state)).toEqual(['done', 'done', 'done']);
    for (const r of got.value.rows) expect(existsSync(r.filePath)).toBe(true);
    expect(got.value.rows[0].fileName).toBe('001-Opening-1.mp4');

    const doneRows = new Set(stream.events.filter((e) => e.name === 'row:changed' && e.data.row.state === 'done').map((e) => e.data.row.id));
    expect(doneRows.size).toBe(3);
    expect(stream.events.some((e) => e.name === 'notice' && e.data.kind === 'batch-finished' && e.data.batchId === batchId)).toBe(true);
    expect(stream.events.some((e) => e.name === 'balance' && e.data.rehearsal === true)).toBe(true);

    // The same sheet into the same folder would pay twice: refused unless asked for.
    const again = await call('batch:importSheet', { fileName: 'shots.csv', text: csv, rehearsal: true, defaults: { model: 'sim-fast-text-to-video', audio: false } });
    expect(again.value.existingBatchId).toBe(batchId);
    expect(await call('batch:create', { importId: again.value.importId })).toMatchObject({ ok: false, error: { code: 'conflict' } });
    stream.stop();
  });

  it('refuses to queue a real batch without a key, and says how to fix it', async () => {
    const preview = await call('batch:importSheet', {
      fileName: 'real.csv',
      text: 'prompt\nA lighthouse\n',
      rehearsal: false,
      defaults: { model: 'sim-fast-text-to-video', duration: '1s', resolution: '480p', audio: false },
    });
    expect(preview.ok).toBe(true);
    expect(preview.value.rehearsal).toBe(false);
    expect(preview.value.totalUsd).toBeNull();
    expect(preview.value.quoteProblem).toMatch(/API key/);
    const refused = await call('batch:create', { importId: preview.value.importId, confirmSpend: true });
    expect(refused).toMatchObject({ ok: false, error: { code: 'needs_key' } });
    expect(refused.error?.message).toMatch(/Settings/);
    expect((await call('batch:list')).value.every((b: { rehearsal: boolean }) => b.rehearsal)).toBe(true);
  });

  it('skips rows not yet sent, never a paid one, and can send a skipped row after all', async () => {
    const csv = 'prompt\nSkip test one\nSkip test two\nSkip test three\nSkip test four\n';
    const preview = await call('batch:importSheet', {
      fileName: 'skip.csv',
      text: csv,
      rehearsal: true,
      defaults: { model: 'sim-fast-text-to-video', duration: '1s', audio: false },
    });
    const created = await call('batch:create', { importId: preview.value.importId, concurrency: 1 });
    const batchId = created.value.id as number;
    const rows = (await call('batch:get', { batchId })).value.rows as Array<{ id: number; row: number }>;
    const skipped = await call('rows:skip', { rowIds: [rows[2]!.id, rows[3]!.id] });
    expect(skipped).toEqual({ ok: true, value: { skipped: 2 } });
    const states = async () => ((await call('batch:get', { batchId })).value.rows as Array<{ state: string }>).map((r) => r.state);
    await until(async () => (await states()).slice(0, 2).every((x) => x === 'done'), 'the two rows not skipped');
    let got = await call('batch:get', { batchId });
    expect(got.value.rows.map((r: { state: string }) => r.state)).toEqual(['done', 'done', 'cancelled', 'cancelled']);
    // A row already done cannot be skipped.
    expect((await call('rows:skip', { rowIds: [rows[0]!.id] })).value).toEqual({ skipped: 0 });
    expect((await call('rows:retry', { rowIds: [rows[3]!.id] })).value).toEqual({ refetch: 0, resubmit: 1 });
    await until(async () => (await call('batch:get', { batchId })).value.rows[3].state === 'done', 'the row sent after all');
    got = await call('batch:get', { batchId });
    expect(got.value.rows.map((r: { state: string }) => r.state)).toEqual(['done', 'done', 'cancelled', 'done']);
  });
});

