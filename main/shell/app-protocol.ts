/**
 * `app://venice/...`: the app's own origin. The page, its scripts and styles come from the built renderer folder,
 * and `app://venice/media/<rowId>` serves a finished clip, found by row id and only if it lies inside its batch's
 * output folder (`/media/<rowId>/thumb` its JPEG thumbnail, `/media/<rowId>/strip` its timeline frame strip, `/media/<rowId>/view` its scrubbing proxy (or the clip), `/media/<rowId>/frames` its scrub sprite, `/media/music/<batchId>` the batch's music bed). Nothing else on disk is reachable, and file:// is never used.
 */
import { net, protocol, type Protocol } from 'electron';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { APP_HOST, APP_SCHEME, CSP } from './app-url';

export { APP_INDEX, APP_ORIGIN, isAppUrl } from './app-url';

/** Must run before the app is ready: a standard, secure scheme gets an origin, fetch and media streaming. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true, codeCache: true } },
  ]);
}

const notFound = () => new Response('Not found', { status: 404, headers: { 'content-type': 'text/plain' } });

export interface MediaLookups {
  mediaFile: (rowId: number) => Promise<string | undefined>;
  thumbnailFile: (rowId: number) => Promise<string | undefined>;
  stripFile: (rowId: number) => Promise<string | undefined>;
  viewFile: (rowId: number) => Promise<{ file: string } | undefined>;
  scrubFile: (rowId: number) => Promise<string | undefined>;
  musicFile: (batchId: number) => Promise<string | undefined>;
}

/** A file on disk as a response, passing a Range request through (so the player can seek). */
async function fileResponse(req: Request, file: string, type: string, cacheControl: string): Promise<Response> {
  const range = req.headers.get('range');
  const res = await net.fetch(pathToFileURL(file).toString(), range ? { headers: { range } } : {});
  const headers = new Headers(res.headers);
  headers.set('content-type', type);
  headers.set('cache-control', cacheControl);
  headers.set('x-content-type-options', 'nosniff');
  return new Response(res.body, { status: res.status, headers });
}

export function serveApp(p: Protocol, rendererDir: string, lookups: MediaLookups): void {
  const root = path.resolve(rendererDir);
  p.handle(APP_SCHEME, async (req) => {
    const url = new URL(req.url);
    if (url.host !== APP_HOST || (req.method !== 'GET' && req.method !== 'HEAD')) return notFound();
    const media = /^\/media\/(\d{1,15})$/.exec(url.pathname);
    if (media) {
      const file = await lookups.mediaFile(Number(media[1]));
      return file ? fileResponse(req, file, 'video/mp4', 'no-store') : notFound();
    }
    const thumb = /^\/media\/(\d{1,15})\/thumb$/.exec(url.pathname);
    if (thumb) {
      const file = await lookups.thumbnailFile(Number(thumb[1]));
      return file ? fileResponse(req, file, 'image/jpeg', 'private, max-age=3600') : notFound();
    }
    const frames = /^\/media\/(\d{1,15})\/frames$/.exec(url.pathname);
    if (frames) {
      const file = await lookups.scrubFile(Number(frames[1]));
      return file ? fileResponse(req, file, 'image/jpeg', 'private, max-age=3600') : notFound();
    }
    const view = /^\/media\/(\d{1,15})\/view$/.exec(url.pathname);
    if (view) {
      const found = await lookups.viewFile(Number(view[1]));
      return found ? fileResponse(req, found.file, 'video/mp4', 'no-store') : notFound();
    }
    const strip = /^\/media\/(\d{1,15})\/strip$/.exec(url.pathname);
    if (strip) {
      const file = await lookups.stripFile(Number(strip[1]));
      return file ? fileResponse(req, file, 'image/jpeg', 'private, max-age=3600') : notFound();
    }
    const music = /^\/media\/music\/(\d{1,15})$/.exec(url.pathname);
    if (music) {
      const file = await lookups.musicFile(Number(music[1]));
      return file ? fileResponse(req, file, /\.wav$/i.test(file) ? 'audio/wav' : 'audio/mpeg', 'no-store') : notFound();
    }
    let rel: string;
    try {
      rel = decodeURIComponent(url.pathname === '/' ? '/index.html' : url.pathname);
    } catch {
      return notFound();
    }
    const file = path.resolve(root, `.${rel}`);
    if (!file.startsWith(root + path.sep)) return notFound();
    const res = await net.fetch(pathToFileURL(file).toString());
    if (!res.ok) return notFound();
    const headers = new Headers(res.headers);
    headers.set('content-security-policy', CSP);
    headers.set('x-content-type-options', 'nosniff');
    return new Response(res.body, { status: res.status, headers });
  });
}
