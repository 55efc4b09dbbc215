/**
 * A server that echoes the API key back (in a 400's details, a 422's error and suggested prompt, a 500's text, a
 * response header, a model name; plain, base64, base64url, hex) must not get it stored or shown anywhere: not in
 * SQLite, not in `status --json`, `status --csv` or the CLI summary, not in what the page is sent. The real CLI runs
 * against the hostile stand-in with the key in VENICE_API_KEY; then every output and every byte of the data folder
 * is searched for every form the server sent.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandlers, dispatch } from '../../main/handlers';
import { AppServices } from '../../main/core/services/app-services';
import { redact, redactDeep, registerSecret } from '../../main/core/venice/redact';
import { HOSTILE_MODEL, sendJson, sendVideo, startHostileVenice, type HostileVenice } from '../helpers/hostile-venice';
import { runCli } from '../support/cli-process';

const KEY = 'vk-leak-9fQ2mZ7xR4tW8yB3nL6pK1sD';
const b64 = (s: string) => Buffer.from(s).toString('base64');
const b64url = (s: string) => Buffer.from(s).toString('base64url');
const hex = (s: string) => Buffer.from(s).toString('hex');

/** Every echo the server sends, so the search looks for exactly what was offered (and its inner part). */
const ECHOES = [KEY, b64(KEY), b64url(`user:${KEY}`), hex(KEY), b64(`Bearer ${KEY}`), encodeURIComponent(`k=${KEY}`)];

function leaksIn(text: string): string[] {
  const found: string[] = [];
  for (const e of ECHOES) {
    // The middle of an encoded echo (its edges depend on neighbours) is what must not appear.
    const core = e.length > 16 ? e.slice(4, -4) : e;
    if (text.includes(core)) found.push(e);
  }
  return found;
}

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const n of readdirSync(dir)) {
    const p = path.join(dir, n);
    if (statSync(p).isDirectory()) out.push(...filesUnder(p));
    else out.push(p);
  }
  return out;
}

let dir: string;
let venice: HostileVenice;
const env = () => ({ VENICE_BATCH_DATA: path.join(dir, 'data'), VENICE_BASE_URL: venice.url, VENICE_API_KEY: KEY });

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'vb-leaks-'));
  venice = await startHostileVenice({ clipPath: path.join(dir, 'real.mp4') });
  const headers = { 'cf-ray': KEY, 'x-venice-model-deprecation-warning': `Retiring; your key ${b64url(`user:${KEY}`)} still works` };
  venice.on.models = ({ res }) =>
    sendJson(res, 200, {
      object: 'list',
      data: [
        {
          id: HOSTILE_MODEL,
          model_spec: {
            name: `Evil for ${KEY}`,
            constraints: { model_type: 'text-to-video', durations: ['1s'], resolutions: ['480p'], aspect_ratios: [], audio: false, audio_configurable: false },
          },
        },
      ],
    });
  venice.on.queue = ({ res, body }) => {
    const prompt = String(body.prompt);
    if (prompt.includes('details')) return sendJson(res, 400, { error: `Invalid request for ${KEY}`, details: { prompt: { _errors: [`Not for key ${hex(KEY)}`] } } }, headers);
    if (prompt.includes('policy')) {
      return sendJson(res, 422, { error: `Refused (auth ${b64(`Bearer ${KEY}`)})`, suggested_prompt: `A calm harbour, ${KEY}`, credits_refunded: true }, headers);
    }
    if (prompt.includes('queue id')) {
      venice.charges++;
      return sendJson(res, 200, { model: HOSTILE_MODEL, queue_id: `q-${KEY}` }, headers);
    }
    return undefined;
  };
  let retrieves = 0;
  venice.on.retrieve = ({ res }) => {
    retrieves++;
    if (retrieves <= 2) return sendJson(res, 500, { error: `Inference failed near ${encodeURIComponent(`k=${KEY}`)} and ${b64(KEY)}` }, headers);
    res.setHeader('cf-ray', KEY);
    return sendVideo(res, venice.clip);
  };
});
afterAll(async () => {
  await venice?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the key echoed by the server', () => {
  it('is scrubbed in every form by the redactor, known from process start', () => {
    registerSecret(KEY);
    for (const e of ECHOES) expect(leaksIn(redact(`before ${e} after`)), e).toEqual([]);
    // Embedded at each byte offset inside a longer base64 payload, too.
    for (const prefix of ['', 'a', 'ab', 'abc']) expect(leaksIn(redact(b64(`${prefix}${KEY}:tail`))), prefix).toEqual([]);
    expect(redactDeep({ details: { [KEY]: [`x ${hex(KEY)}`] }, n: 3 })).toEqual({ details: { '[redacted]': ['x [redacted]'] }, n: 3 });
  });

  it('never reaches SQLite, status --json, status --csv, the CLI summary or the page', async () => {
    const sheet = path.join(dir, 'shots.csv');
    writeFileSync(
      sheet,
      ['Prompt,Model,Duration,Resolution,Audio', 'details please,evil-text-to-video,1s,480p,no', 'policy please,evil-text-to-video,1s,480p,no', 'a good clip,evil-text-to-video,1s,480p,no', 'queue id trick,evil-text-to-video,1s,480p,no'].join('\n'),
    );
    const run = await runCli(['run', sheet, '--out', path.join(dir, 'clips'), '--yes'], env());
    expect(run.output).toMatch(/1 done, 2 failed, 1 in doubt/);
    expect(leaksIn(run.output)).toEqual([]);

    const json = await runCli(['status', '--json'], env());
    expect(json.code).not.toBeNull();
    const status = JSON.parse(json.output) as { rows: Array<{ errorMessage?: string | null; suggestedPrompt?: string | null }> };
    // The reasons are still there, just without the key.
    expect(JSON.stringify(status)).toContain('A calm harbour, [redacted]');
    expect(JSON.stringify(status)).toContain('Invalid request for [redacted]');
    expect(leaksIn(json.output)).toEqual([]);

    const csvFile = path.join(dir, 'results.csv');
    const csv = await runCli(['status', '--csv', csvFile], env());
    expect(readFileSync(csvFile, 'utf8')).toContain('[redacted]');
    expect(leaksIn(csv.output + readFileSync(csvFile, 'utf8'))).toEqual([]);

    const plain = await runCli(['status'], env());
    expect(leaksIn(plain.output)).toEqual([]);

    // What the page is sent: the same data through the contract's handlers.
    const app = new AppServices({ dataDir: path.join(dir, 'data'), mode: 'test', version: 'test', env: { ...env(), VENICE_API_KEY: 'another-key-entirely-000' } });
    try {
      const handlers = createHandlers(app);
      const list = await dispatch(handlers, 'batch:list', undefined);
      const batchId = (list as { ok: true; value: Array<{ id: number }> }).value[0]?.id;
      const got = await dispatch(handlers, 'batch:get', { batchId });
      const rows = (got as { ok: true; value: { rows: Array<{ id: number }> } }).value.rows;
      let page = JSON.stringify([list, got]);
      for (const r of rows) page += JSON.stringify(await dispatch(handlers, 'rows:history', { rowId: r.id }));
      page += JSON.stringify(await dispatch(handlers, 'batch:resultsSheet', { batchId }));
      expect(page).toContain('[redacted]');
      expect(leaksIn(page)).toEqual([]);
    } finally {
      await app.close();
    }

    // Every byte of the data folder: the database, its WAL, caches, logs.
    for (const f of filesUnder(path.join(dir, 'data'))) {
      expect(leaksIn(readFileSync(f).toString('latin1')), f).toEqual([]);
    }
  });
});
