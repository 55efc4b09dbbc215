/**
 * A hostile stand-in for Venice: a real HTTP server on 127.0.0.1 that speaks Venice's video routes well enough to
 * take money (`/video/queue` answers with a queue_id and counts a charge) and then answers however a test scripts
 * it: an HLS playlist instead of an MP4, an endless body, one byte every few hundred milliseconds, a key echoed
 * in an error, a download link to a private address, a redirect. Not a mocking library: the product's own client
 * talks to it over real sockets, exactly as it would to whoever answers at VENICE_BASE_URL.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const HOSTILE_MODEL = 'evil-text-to-video';

/** What a route answers. `undefined` from a scripted handler falls back to the default (well-behaved) answer. */
export type Handler = (ctx: { req: IncomingMessage; res: ServerResponse; body: Record<string, unknown>; server: HostileVenice }) => void | Promise<void> | undefined;

export interface HostileVenice {
  /** Base URL to give the client: `http://127.0.0.1:<port>/api/v1`. */
  url: string;
  origin: string;
  port: number;
  /** Requests seen per route (`queue`, `retrieve`, `complete`, `download`, `quote`, `models`). */
  hits: Record<string, number>;
  /** `/video/queue` answers that took money. */
  charges: number;
  /** Body bytes written by streaming answers (what an uncapped client would have swallowed). */
  bytesStreamed: number;
  /** Scripted answers per route; unset routes answer like Venice. */
  on: Partial<Record<'models' | 'quote' | 'queue' | 'retrieve' | 'complete' | 'download', Handler>>;
  /** When set, `/video/queue` answers carry this pre-signed download link (and retrieve then says COMPLETED). */
  downloadUrl: ((queueId: string) => string) | undefined;
  /** A real 1 s 854x480 MP4 (made with ffmpeg at start), for answers that should pass verification. */
  clip: Buffer;
  /** Path the clip was rendered to. */
  clipPath: string;
  close: () => Promise<void>;
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), 'cf-ray': randomBytes(4).toString('hex'), ...headers });
  res.end(text);
}

/** Sends bytes as a `video/mp4` answer. */
export function sendVideo(res: ServerResponse, body: Buffer, type = 'video/mp4'): void {
  res.writeHead(200, { 'content-type': type, 'content-length': String(body.length) });
  res.end(body);
}

/** Streams zeros forever (or up to `total`) with backpressure, until the client goes away. */
export function sendEndless(server: HostileVenice, res: ServerResponse, opts: { contentLength?: number; total?: number } = {}): void {
  const chunk = Buffer.alloc(64 * 1024);
  res.writeHead(200, { 'content-type': 'video/mp4', ...(opts.contentLength !== undefined ? { 'content-length': String(opts.contentLength) } : {}) });
  let left = opts.total ?? Number.POSITIVE_INFINITY;
  let closed = false;
  res.on('close', () => (closed = true));
  const pump = () => {
    while (!closed && left > 0) {
      const n = Math.min(left, chunk.length);
      left -= n;
      server.bytesStreamed += n;
      if (!res.write(n === chunk.length ? chunk : chunk.subarray(0, n))) {
        res.once('drain', pump);
        return;
      }
    }
    if (!closed) res.end();
  };
  pump();
}

/** Sends `body` one byte every `everyMs`, announcing its full length. */
export function sendTrickle(server: HostileVenice, res: ServerResponse, body: Buffer, everyMs: number): void {
  res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': String(body.length) });
  let i = 0;
  const timer = setInterval(() => {
    if (res.destroyed || i >= body.length) {
      clearInterval(timer);
      if (!res.destroyed) res.end();
      return;
    }
    res.write(body.subarray(i, i + 1));
    server.bytesStreamed += 1;
    i++;
  }, everyMs);
  res.on('close', () => clearInterval(timer));
}

async function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text) return {};
  try {
    const v = JSON.parse(text) as unknown;
    return v && typeof v === 'object' ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

async function renderClip(file: string): Promise<void> {
  await run('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=size=854x480:rate=24', '-t', '1', '-pix_fmt', 'yuv420p', '-c:v', 'libx264', '-crf', '18', '-movflags', '+faststart', file]);
}

export async function startHostileVenice(opts: { clipPath: string }): Promise<HostileVenice> {
  await renderClip(opts.clipPath);
  const sockets = new Set<Socket>();
  let queued = 0;
  const server: HostileVenice = {
    url: '',
    origin: '',
    port: 0,
    hits: {},
    charges: 0,
    bytesStreamed: 0,
    on: {},
    downloadUrl: undefined,
    clip: readFileSync(opts.clipPath),
    clipPath: opts.clipPath,
    close: async () => undefined,
  };

  const defaults: Record<string, Handler> = {
    models: ({ res }) =>
      sendJson(res, 200, {
        object: 'list',
        data: [
          {
            id: HOSTILE_MODEL,
            model_spec: {
              name: 'Evil (text to video)',
              constraints: { model_type: 'text-to-video', durations: ['1s', '5s'], resolutions: ['480p', '1080p'], aspect_ratios: [], audio: false, audio_configurable: false },
            },
          },
        ],
      }),
    quote: ({ res }) => sendJson(res, 200, { quote: 0.01 }),
    queue: ({ res, body }) => {
      queued++;
      server.charges++;
      const queueId = `q-${queued}`;
      const link = server.downloadUrl?.(queueId);
      sendJson(res, 200, { model: String(body.model ?? HOSTILE_MODEL), queue_id: queueId, ...(link ? { download_url: link } : {}) });
    },
    retrieve: ({ res }) => (server.downloadUrl ? sendJson(res, 200, 'COMPLETED') : sendVideo(res, server.clip)),
    complete: ({ res }) => sendJson(res, 200, { success: true }),
    download: ({ res }) => sendVideo(res, server.clip),
  };

  const http = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://hostile.invalid');
      const route =
        url.pathname === '/api/v1/models'
          ? 'models'
          : url.pathname === '/api/v1/video/quote'
            ? 'quote'
            : url.pathname === '/api/v1/video/queue'
              ? 'queue'
              : url.pathname === '/api/v1/video/retrieve'
                ? 'retrieve'
                : url.pathname === '/api/v1/video/complete'
                  ? 'complete'
                  : url.pathname.startsWith('/dl/')
                    ? 'download'
                    : undefined;
      if (!route) return sendJson(res, 404, { error: 'Not found' });
      server.hits[route] = (server.hits[route] ?? 0) + 1;
      const body = req.method === 'POST' ? await readBody(req) : {};
      const scripted = server.on[route];
      if (scripted) {
        await scripted({ req, res, body, server });
        if (res.headersSent || res.destroyed) return;
      }
      await defaults[route]?.({ req, res, body, server });
    })().catch(() => res.destroy());
  });
  http.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  server.port = (http.address() as AddressInfo).port;
  server.origin = `http://127.0.0.1:${server.port}`;
  server.url = `${server.origin}/api/v1`;
  server.close = async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => http.close(() => resolve()));
  };
  return server;
}
