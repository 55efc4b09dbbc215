/**
 * Browser mode's media: `/media/<rowId>` (a clip), `/media/<rowId>/thumb` (its JPEG), `/media/<rowId>/strip` (its
 * frame strip for the timeline), `/media/<rowId>/view` (its scrubbing proxy once made, else the clip),
 * `/media/<rowId>/frames` (every frame, small, for scrubbing) and `/media/music/<batchId>`.
 * A <video> or <img> cannot carry the token header, so the page first calls `POST /api/session` (with the token)
 * and gets an HttpOnly, SameSite=Strict cookie scoped to /media, holding HMAC(token, 'media'): proof of the token
 * without being the token. Clips and music answer Range requests (206) so the player can seek.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import type { AppServices } from './core/services/app-services';

export const MEDIA_COOKIE = 'venice_media';

export function mediaCookieValue(token: string): string {
  return createHmac('sha256', token).update('media').digest('base64url');
}

export function sessionCookie(token: string): string {
  return `${MEDIA_COOKIE}=${mediaCookieValue(token)}; HttpOnly; SameSite=Strict; Path=/media`;
}

function cookieOk(req: IncomingMessage, token: string): boolean {
  const header = String(req.headers.cookie ?? '');
  const given = header
    .split(';')
    .map((c) => c.trim())
    .find((c) => c.startsWith(`${MEDIA_COOKIE}=`))
    ?.slice(MEDIA_COOKIE.length + 1);
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(mediaCookieValue(token));
  return a.length === b.length && timingSafeEqual(a, b);
}

const AUDIO_TYPES: Record<string, string> = { '.mp3': 'audio/mpeg', '.wav': 'audio/wav', '.m4a': 'audio/mp4', '.aac': 'audio/aac', '.flac': 'audio/flac', '.ogg': 'audio/ogg', '.opus': 'audio/ogg' };

function plain(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
  res.end(message);
}

/** Sends a file whole or, for one `bytes=` range, as 206; a range past the end is 416. */
async function sendFile(req: IncomingMessage, res: ServerResponse, file: string, type: string, cacheControl: string): Promise<void> {
  const info = await stat(file).catch(() => undefined);
  if (!info?.isFile()) return plain(res, 404, 'Not found.');
  const size = info.size;
  const headers: Record<string, string> = { 'content-type': type, 'accept-ranges': 'bytes', 'cache-control': cacheControl, 'x-content-type-options': 'nosniff' };
  const range = /^bytes=(\d*)-(\d*)$/.exec(String(req.headers.range ?? '').trim());
  let start = 0;
  let end = size - 1;
  let status = 200;
  if (range && (range[1] || range[2])) {
    if (range[1]) {
      start = Number(range[1]);
      end = range[2] ? Math.min(Number(range[2]), size - 1) : size - 1;
    } else {
      start = Math.max(0, size - Number(range[2]));
    }
    if (start > end || start >= size) {
      res.writeHead(416, { 'content-range': `bytes */${size}`, 'cache-control': 'no-store' });
      return void res.end();
    }
    status = 206;
    headers['content-range'] = `bytes ${start}-${end}/${size}`;
  }
  headers['content-length'] = String(size === 0 ? 0 : end - start + 1);
  res.writeHead(status, headers);
  if (req.method === 'HEAD' || size === 0) return void res.end();
  const stream = createReadStream(file, { start, end });
  stream.on('error', () => res.destroy());
  res.on('close', () => stream.destroy());
  stream.pipe(res);
}

/** Handles a `/media/...` request (the Host check has already passed). */
export async function serveMedia(app: AppServices, token: string, req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') return plain(res, 405, 'Only GET here.');
  if (!cookieOk(req, token)) return plain(res, 403, 'Open the address printed when browser mode started.');
  const clip = /^\/media\/(\d{1,15})$/.exec(pathname);
  if (clip) {
    const file = await app.mediaFile(Number(clip[1]));
    return file ? sendFile(req, res, file, 'video/mp4', 'no-store') : plain(res, 404, 'Not found.');
  }
  const thumb = /^\/media\/(\d{1,15})\/thumb$/.exec(pathname);
  if (thumb) {
    const file = await app.thumbnailFile(Number(thumb[1]));
    return file ? sendFile(req, res, file, 'image/jpeg', 'private, max-age=3600') : plain(res, 404, 'Not found.');
  }
  const frames = /^\/media\/(\d{1,15})\/frames$/.exec(pathname);
  if (frames) {
    const file = await app.scrubFile(Number(frames[1]));
    return file ? sendFile(req, res, file, 'image/jpeg', 'private, max-age=3600') : plain(res, 404, 'Not found.');
  }
  const view = /^\/media\/(\d{1,15})\/view$/.exec(pathname);
  if (view) {
    const found = await app.viewFile(Number(view[1]));
    return found ? sendFile(req, res, found.file, 'video/mp4', 'no-store') : plain(res, 404, 'Not found.');
  }
  const strip = /^\/media\/(\d{1,15})\/strip$/.exec(pathname);
  if (strip) {
    const file = await app.stripFile(Number(strip[1]));
    return file ? sendFile(req, res, file, 'image/jpeg', 'private, max-age=3600') : plain(res, 404, 'Not found.');
  }
  const music = /^\/media\/music\/(\d{1,15})$/.exec(pathname);
  if (music) {
    const file = await app.musicFile(Number(music[1]));
    return file ? sendFile(req, res, file, AUDIO_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream', 'no-store') : plain(res, 404, 'Not found.');
  }
  return plain(res, 404, 'Not found.');
}
