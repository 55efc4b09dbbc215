/**
 * Local servers a hostile web page could reach: the Rehearsal simulator's admin routes (inject faults, set the
 * balance) get browser mode's own guard (this server's Host only, no other Origin, and a token); browser mode's
 * `/media` serves only files whose real path is inside the batch's output folder (no symlink out of it); a call
 * name with a malformed %-escape is a 400, not a 500.
 */
import { mkdirSync, readFileSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../main/core/venice/simulator';
import { startWebServer, TOKEN_HEADER, type WebServer } from '../../main/web';
import { finishedBatch, openApp, tempRoot, type AppWithBatch } from '../support/app-batch';

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function raw(port: number, method: string, pathname: string, headers: Record<string, string> = {}, body?: string): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path: pathname, headers: { host: `127.0.0.1:${port}`, ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('the simulator admin routes', () => {
  let sim: Simulator;
  let port: number;
  beforeAll(async () => {
    sim = await startSimulator({ processingMs: 100, seed: 2, balanceUsd: 10 });
    port = Number(new URL(sim.origin).port);
  });
  afterAll(() => sim.close());

  const fault = JSON.stringify({ kind: 'unavailable_503', route: 'quote' });

  it('refuse a page on another site (a simple cross-site POST needs no preflight)', async () => {
    const csrf = await raw(port, 'POST', '/_sim/balance', { 'content-type': 'text/plain', origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' }, JSON.stringify({ usd: 0 }));
    expect(csrf.status).toBe(403);
    const noToken = await raw(port, 'POST', '/_sim/balance', { 'content-type': 'application/json' }, JSON.stringify({ usd: 0 }));
    expect(noToken.status).toBe(401);
    const wrong = await raw(port, 'POST', '/_sim/faults', { 'x-sim-admin-token': 'guess', 'content-type': 'application/json' }, fault);
    expect(wrong.status).toBe(401);
    expect((await raw(port, 'GET', '/_sim/state')).status).toBe(401);
    expect(sim.balance()).toBe(10);
  });

  it('refuse a DNS-rebinding name even with the token', async () => {
    const res = await raw(port, 'GET', '/_sim/state', { host: `rebind.example:${port}`, 'x-sim-admin-token': sim.adminToken });
    expect(res.status).toBe(421);
    const otherOrigin = await raw(port, 'GET', '/_sim/state', { origin: `http://rebind.example:${port}`, 'x-sim-admin-token': sim.adminToken });
    expect(otherOrigin.status).toBe(403);
  });

  it('answer the test that holds the token', async () => {
    const ok = await raw(port, 'POST', '/_sim/balance', { 'x-sim-admin-token': sim.adminToken, 'content-type': 'application/json' }, JSON.stringify({ usd: 3 }));
    expect(ok.status, ok.body).toBe(200);
    expect(sim.balance()).toBe(3);
    const viaLocalhost = await raw(port, 'GET', '/_sim/state', { host: `localhost:${port}`, 'x-sim-admin-token': sim.adminToken });
    expect(viaLocalhost.status).toBe(200);
  });

  it('keep the token beside the state file for a test in another process', async () => {
    const dir = tempRoot('vb-sim-token-');
    const statePath = path.join(dir, 'sim.json');
    const s = await startSimulator({ statePath, processingMs: 0 });
    try {
      const token = readFileSync(path.join(dir, 'sim.admin-token'), 'utf8').trim();
      expect(token).toBe(s.adminToken);
      expect(token.length).toBeGreaterThanOrEqual(32);
      const res = await raw(Number(new URL(s.origin).port), 'GET', '/_sim/state', { 'x-sim-admin-token': token });
      expect(res.status).toBe(200);
    } finally {
      await s.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('browser mode', () => {
  let root: string;
  let a: AppWithBatch;
  let web: WebServer;
  let batchId: number;
  beforeAll(async () => {
    root = tempRoot('vb-hostile-web-');
    a = await openApp(root);
    batchId = await finishedBatch(a, ['Opening', 'Market']);
    const rendererDir = path.join(root, 'renderer');
    mkdirSync(rendererDir, { recursive: true });
    writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>Venice Batch</title>');
    web = await startWebServer({ app: a.app, rendererDir, log: () => undefined });
  }, 120_000);
  afterAll(async () => {
    await web?.close();
    await a?.app.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('answers a malformed %-escape in a call name with 400', async () => {
    const res = await raw(web.port, 'POST', '/api/batch%E0%A4%A:list', { [TOKEN_HEADER]: web.token, 'content-type': 'application/json' }, '{}');
    expect(res.status).toBe(400);
    expect(res.body).toMatch(/call name/);
    const bad = await raw(web.port, 'POST', '/api/%', { [TOKEN_HEADER]: web.token, 'content-type': 'application/json' }, '{}');
    expect(bad.status).toBe(400);
  });

  it('does not follow a symlink out of the output folder', async () => {
    const rows = (await a.call('batch:get', { batchId })).value.rows as Array<{ id: number; filePath: string }>;
    const [first, second] = rows as [{ id: number; filePath: string }, { id: number; filePath: string }];
    const secret = path.join(root, 'secret.txt');
    writeFileSync(secret, 'not a clip: the user keeps private things here');
    unlinkSync(second.filePath);
    symlinkSync(secret, second.filePath);

    const session = await raw(web.port, 'POST', '/api/session', { [TOKEN_HEADER]: web.token });
    const cookie = String(session.headers['set-cookie']).split(';')[0] as string;
    expect((await raw(web.port, 'GET', `/media/${first.id}`, { cookie })).status).toBe(200);
    const escaped = await raw(web.port, 'GET', `/media/${second.id}`, { cookie });
    expect(escaped.body).not.toContain('private things');
    expect(escaped.status).toBe(404);
    expect((await raw(web.port, 'GET', `/media/${second.id}/thumb`, { cookie })).status).toBe(404);
  });
});
