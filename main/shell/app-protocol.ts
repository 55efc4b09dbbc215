/**
 * `app://venice/...`: the app's own origin. The page, its scripts and styles come from the built renderer folder,
 * and `app://venice/media/<rowId>` serves a finished clip, found by row id and only if it lies inside its batch's
 * output folder. Nothing else on disk is reachable, and file:// is never used.
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

export function serveApp(p: Protocol, rendererDir: string, mediaFile: (rowId: number) => string | undefined): void {
  const root = path.resolve(rendererDir);
  p.handle(APP_SCHEME, async (req) => {
    const url = new URL(req.url);
    if (url.host !== APP_HOST || (req.method !== 'GET' && req.method !== 'HEAD')) return notFound();
    const media = /^\/media\/(\d+)$/.exec(url.pathname);
    if (media) {
      const file = mediaFile(Number(media[1]));
      if (!file) return notFound();
      const range = req.headers.get('range');
      const res = await net.fetch(pathToFileURL(file).toString(), range ? { headers: { range } } : {});
      const headers = new Headers(res.headers);
      headers.set('content-type', 'video/mp4');
      headers.set('x-content-type-options', 'nosniff');
      return new Response(res.body, { status: res.status, headers });
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
