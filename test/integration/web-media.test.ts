/**
 * Browser mode's media over real HTTP: `/media/*` needs the cookie `POST /api/session` sets (which itself needs the
 * token), clips answer Range requests for seeking, thumbnails are JPEGs made by ffmpeg, and the music bed is served.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useMediaBinaries } from '../../main/core/media/ffmpeg-binaries';
import { startWebServer, TOKEN_HEADER, type WebServer } from '../../main/web';
import { finishedBatch, openApp, tempRoot, type AppWithBatch } from '../support/app-batch';

let root: string;
let a: AppWithBatch;
let web: WebServer;
let batchId: number;

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

function raw(method: string, pathname: string, headers: Record<string, string> = {}): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: web.port, method, path: pathname, headers: { host: `127.0.0.1:${web.port}`, ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  root = tempRoot('vb-webmedia-');
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

describe('browser mode media', () => {
  it('serves clips, thumbnails and music only with the session cookie', async () => {
    const rows = (await a.call('batch:get', { batchId })).value.rows as Array<{ id: number; filePath: string }>;
    const clip = rows[0] as { id: number; filePath: string };
    expect((await raw('GET', `/media/${clip.id}`)).status).toBe(403);
    expect((await raw('GET', `/media/${clip.id}`, { cookie: 'venice_media=forged' })).status).toBe(403);
    expect((await raw('POST', '/api/session')).status).toBe(401);

    const session = await raw('POST', '/api/session', { [TOKEN_HEADER]: web.token });
    expect(session.status).toBe(200);
    const setCookie = String(session.headers['set-cookie']);
    expect(setCookie).toMatch(/^venice_media=[A-Za-z0-9_-]+; HttpOnly; SameSite=Strict; Path=\/media$/);
    expect(setCookie).not.toContain(web.token);
    const cookie = setCookie.split(';')[0] as string;

    const whole = await raw('GET', `/media/${clip.id}`, { cookie });
    expect(whole.status).toBe(200);
    expect(whole.headers['cache-control']).toBe('no-store');
    expect(whole.body.equals(readFileSync(clip.filePath))).toBe(true);
    const size = statSync(clip.filePath).size;
    const part = await raw('GET', `/media/${clip.id}`, { cookie, range: 'bytes=100-199' });
    expect(part.status).toBe(206);
    expect(part.headers['content-range']).toBe(`bytes 100-199/${size}`);
    expect(part.body.equals(readFileSync(clip.filePath).subarray(100, 200))).toBe(true);
    expect((await raw('POST', `/media/${clip.id}`, { cookie })).status).toBe(405);
    expect((await raw('GET', `/media/${clip.id}`, { cookie, host: 'rebind.example' })).status).toBe(421);
    expect((await raw('GET', '/media/999999', { cookie })).status).toBe(404);

    const thumb = await raw('GET', `/media/${clip.id}/thumb`, { cookie });
    expect(thumb.status).toBe(200);
    expect(thumb.headers['content-type']).toBe('image/jpeg');
    expect([...thumb.body.subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff]);

    expect((await raw('GET', `/media/music/${batchId}`, { cookie })).status).toBe(404);
    const wav = path.join(root, 'bed.wav');
    execFileSync(useMediaBinaries().ffmpeg, ['-y', '-v', 'error', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=1', wav]);
    expect((await a.call('timeline:setMusic', { batchId, fileName: 'bed.wav', base64: readFileSync(wav).toString('base64') })).ok).toBe(true);
    const music = await raw('GET', `/media/music/${batchId}`, { cookie, range: 'bytes=0-3' });
    expect(music.status).toBe(206);
    expect(music.body.toString()).toBe('RIFF');
  }, 60_000);
});
