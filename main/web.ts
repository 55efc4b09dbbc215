/**
 * Browser mode: the built renderer and the same contract as the desktop app, over HTTP (POST /api/<call>) and
 * server-sent events (GET /api/events), on 127.0.0.1 only. Every API request must carry this run's random token
 * in a header (the page learns it once from the URL printed at start), may come from no other Origin, and must
 * name this server in its Host header (so a DNS-rebinding page cannot reach it under another name).
 *
 * `npm run web` (or `tsx main/web.ts [--port N]`) starts it over the usual data folder.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { isCallName } from './contract-names';
import { defaultDataDir } from './core/paths';
import { AppServices } from './core/services/app-services';
import { createHandlers, dispatch, forwardEvents, type Handlers } from './handlers';
import { serveMedia, sessionCookie } from './web-media';

export const TOKEN_HEADER = 'x-venice-token';
const MAX_BODY_BYTES = 32 * 1024 * 1024;
const HEARTBEAT_MS = 15_000;

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.map': 'application/json',
};

const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; " +
  "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export interface WebServerOptions {
  app: AppServices;
  rendererDir: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Tests may fix it; otherwise 32 random bytes per run. */
  token?: string;
  log?: (line: string) => void;
}

export interface WebServer {
  url: string;
  /** The URL to open, token included. */
  openUrl: string;
  port: number;
  token: string;
  close: () => Promise<void>;
}

function sameToken(given: string | string[] | undefined, token: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers });
  res.end(text);
}

function refuse(res: ServerResponse, status: number, message: string): void {
  send(res, status, { ok: false, error: { code: 'forbidden', message } });
}

type Body = { ok: true; value: unknown } | { ok: false; status: number; message: string };

/**
 * A call whose input carries a file (`bytes`, e.g. batch:importSheet) may come as one binary body: the rest of the
 * input as JSON first (its length in bytes in INPUT_LENGTH_HEADER), then the file's bytes as they are. A page that
 * base64-encoded 20 MB and sent it inside JSON held its own thread for seconds, and this one to parse it back.
 */
export const BYTES_CALL_TYPE = 'application/vnd.venice.call+bytes';
export const INPUT_LENGTH_HEADER = 'x-venice-input-length';

async function readBody(req: IncomingMessage): Promise<{ ok: true; body: Buffer } | { ok: false; status: number; message: string }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return { ok: false, status: 413, message: 'The request is larger than 32 MB.' };
    chunks.push(chunk as Buffer);
  }
  return { ok: true, body: Buffer.concat(chunks) };
}

function parseJson(text: string): Body {
  if (!text.trim()) return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false, status: 400, message: 'The request body is not valid JSON.' };
  }
}

async function readInput(req: IncomingMessage): Promise<Body> {
  const type = String(req.headers['content-type'] ?? '');
  const binary = type.toLowerCase().startsWith(BYTES_CALL_TYPE);
  if (!binary && !/^application\/json\b/i.test(type)) return { ok: false, status: 415, message: 'Send JSON (Content-Type: application/json).' };
  const read = await readBody(req);
  if (!read.ok) return read;
  if (!binary) return parseJson(read.body.toString('utf8'));
  const length = Number(req.headers[INPUT_LENGTH_HEADER]);
  if (!Number.isInteger(length) || length < 0 || length > read.body.length) {
    return { ok: false, status: 400, message: `A binary call needs ${INPUT_LENGTH_HEADER}: the length of the JSON at the start of the body.` };
  }
  const head = parseJson(read.body.subarray(0, length).toString('utf8'));
  if (!head.ok) return head;
  const value = head.value ?? {};
  if (typeof value !== 'object' || Array.isArray(value) || value === null || 'bytes' in value) {
    return { ok: false, status: 400, message: 'The JSON of a binary call must be an object without "bytes" (the bytes follow it).' };
  }
  const rest = read.body.subarray(length);
  return { ok: true, value: { ...value, bytes: new Uint8Array(rest.buffer, rest.byteOffset, rest.byteLength) } };
}

export async function startWebServer(opts: WebServerOptions): Promise<WebServer> {
  const token = opts.token ?? randomBytes(32).toString('base64url');
  const log = opts.log ?? ((l: string) => console.error(l));
  const handlers: Handlers = createHandlers(opts.app);
  const root = path.resolve(opts.rendererDir);
  const streams = new Set<ServerResponse>();
  let port = 0;

  const allowedHosts = () => new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  const allowedOrigins = () => new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`]);

  async function serveStatic(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, 405, 'Only GET here.');
    let rel: string;
    try {
      rel = decodeURIComponent(pathname === '/' ? '/index.html' : pathname);
    } catch {
      return refuse(res, 400, 'Bad path.');
    }
    const file = path.resolve(root, `.${rel}`);
    if (!file.startsWith(root + path.sep)) return refuse(res, 404, 'Not found.');
    const info = await stat(file).catch(() => undefined);
    if (!info?.isFile()) return refuse(res, 404, 'Not found.');
    res.writeHead(200, {
      'content-type': TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream',
      'content-length': String(info.size),
      'content-security-policy': CSP,
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      // The page's URL carries the token once: never hand it to anyone as a referrer.
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-cache',
    });
    if (req.method === 'HEAD') return void res.end();
    res.end(await readFile(file));
  }

  function openEvents(res: ServerResponse): void {
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    res.write('retry: 2000\n\n');
    streams.add(res);
    const stop = forwardEvents(opts.app, (name, payload) => res.write(`event: ${name}\ndata: ${JSON.stringify(payload)}\n\n`));
    const beat = setInterval(() => res.write(': ping\n\n'), HEARTBEAT_MS);
    res.on('close', () => {
      clearInterval(beat);
      stop();
      streams.delete(res);
    });
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // DNS rebinding: a hostile page under another name resolving to 127.0.0.1 still sends its own Host.
    if (!allowedHosts().has(String(req.headers.host ?? ''))) return refuse(res, 421, 'This server answers only to 127.0.0.1.');
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    if (url.pathname.startsWith('/media/')) return serveMedia(opts.app, token, req, res, url.pathname);
    if (!url.pathname.startsWith('/api/')) return serveStatic(req, res, url.pathname);

    const origin = req.headers.origin;
    if (origin !== undefined && !allowedOrigins().has(origin)) return refuse(res, 403, 'Requests from other sites are refused.');
    const site = req.headers['sec-fetch-site'];
    if (site !== undefined && site !== 'same-origin' && site !== 'none') return refuse(res, 403, 'Requests from other sites are refused.');
    if (!sameToken(req.headers[TOKEN_HEADER], token)) return refuse(res, 401, 'Open the address printed when browser mode started (it carries the access token).');

    if (url.pathname === '/api/events') {
      if (req.method !== 'GET') return refuse(res, 405, 'Events are read with GET.');
      return openEvents(res);
    }
    if (req.method !== 'POST') return refuse(res, 405, 'Calls are made with POST.');
    if (url.pathname === '/api/session') {
      // Media elements cannot send the token header: this cookie (proof of the token, not the token) stands in.
      return send(res, 200, { ok: true, value: null }, { 'set-cookie': sessionCookie(token) });
    }
    let name: string;
    try {
      name = decodeURIComponent(url.pathname.slice('/api/'.length));
    } catch {
      // A malformed %-escape is the caller's mistake, not the app's: 400, not a 500 from deep inside.
      return send(res, 400, { ok: false, error: { code: 'invalid_input', message: 'The call name in the address is not valid (a malformed %-escape).' } });
    }
    const body = await readInput(req);
    if (!body.ok) return refuse(res, body.status, body.message);
    const result = await dispatch(handlers, name, body.value, log);
    send(res, isCallName(name) ? 200 : 404, result);
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      log(`browser mode: ${(e as Error).message}`);
      if (!res.headersSent) refuse(res, 500, 'Something went wrong inside the app.');
      else res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  port = typeof address === 'object' && address ? address.port : 0;
  const url = `http://127.0.0.1:${port}/`;
  return {
    url,
    openUrl: `${url}?token=${token}`,
    port,
    token,
    close: async () => {
      for (const s of streams) s.end();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function defaultRendererDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  return path.resolve(here, '..', 'dist', 'renderer');
}

async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { port: { type: 'string' }, renderer: { type: 'string' } } });
  const rendererDir = path.resolve(values.renderer ?? process.env.VENICE_BATCH_RENDERER_DIR ?? defaultRendererDir());
  if (!existsSync(path.join(rendererDir, 'index.html'))) {
    console.error(`The page is not built yet (${rendererDir} has no index.html). Run \`npm run web\`, which builds it first.`);
    process.exit(2);
  }
  const floor = Number(process.env.VENICE_BATCH_POLL_FLOOR_MS);
  const app = new AppServices({
    dataDir: defaultDataDir(),
    mode: 'browser',
    version: process.env.npm_package_version ?? '0.0.0',
    ...(floor > 0 ? { engine: { pollPolicy: { floorMs: floor, ceilingMs: Math.max(floor * 4, 1_000) }, tickMs: Math.min(250, floor) } } : {}),
  });
  await app.start();
  const web = await startWebServer({ app, rendererDir, port: values.port ? Number(values.port) : 0 });
  process.stdout.write(
    `Venice Batch is running in browser mode.\nOpen: ${web.openUrl}\nData folder: ${app.info().dataDir}\n` +
      'Anyone with this address can use the app from this computer; it is not reachable from other machines. Press Ctrl+C to stop.\n',
  );
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    process.stdout.write('Stopping: waiting for requests under way. Paid jobs keep running on Venice and are picked up next time.\n');
    void web
      .close()
      .then(() => app.close())
      .then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

const invokedDirectly = process.argv[1] !== undefined && /[\\/]web\.(ts|cjs|js|mjs)$/.test(process.argv[1]);
if (invokedDirectly) {
  main(process.argv.slice(2)).catch((e: unknown) => {
    console.error(`Browser mode could not start: ${(e as Error).message}`);
    process.exit(2);
  });
}
