/**
 * The one place bytes leave for Venice. node:http(s) rather than fetch because the queue path needs to know
 * exactly how far a failed request got: an error before the connection was established means Venice never saw
 * the request (safe to send again); any later error means it may have been received and charged.
 */
import http, { type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { LookupFunction, Socket } from 'node:net';

export interface HttpRequest {
  method: 'GET' | 'POST';
  url: URL;
  headers: Record<string, string>;
  body?: string;
  connectTimeoutMs: number;
  /** From the moment the request is sent until the response headers arrive. */
  responseTimeoutMs: number;
  /**
   * Open a new connection instead of reusing a kept-alive one. A reused socket that the server had already closed
   * fails only after the request was written, which would make "never delivered" indistinguishable from "lost".
   */
  freshConnection?: boolean;
  signal?: AbortSignal;
  /** Name resolution to use instead of dns.lookup (downloads from links refuse private addresses through it). */
  lookup?: LookupFunction;
}

export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: IncomingMessage;
}

/** `delivered: 'no'` is a promise that the server never received the request; `'maybe'` is not. */
export class TransportError extends Error {
  override readonly name = 'TransportError';
  constructor(
    message: string,
    readonly code: string,
    readonly delivered: 'no' | 'maybe',
    readonly timedOut: boolean,
  ) {
    super(message);
  }
}

const keepAliveHttp = new http.Agent({ keepAlive: true, maxSockets: 16 });
const keepAliveHttps = new https.Agent({ keepAlive: true, maxSockets: 16 });

export function sendRequest(req: HttpRequest): Promise<HttpResponse> {
  const isHttps = req.url.protocol === 'https:';
  const mod = isHttps ? https : http;
  // A custom lookup needs its own connection: a pooled socket may have been opened by another name's lookup.
  const agent = req.freshConnection || req.lookup ? false : isHttps ? keepAliveHttps : keepAliveHttp;
  const headers: Record<string, string> = { ...req.headers };
  if (req.body !== undefined) headers['content-length'] = String(Buffer.byteLength(req.body));

  return new Promise<HttpResponse>((resolve, reject) => {
    let connected = false;
    let settled = false;
    let responseTimer: NodeJS.Timeout | undefined;
    const clearTimers = () => {
      clearTimeout(connectTimer);
      clearTimeout(responseTimer);
    };
    const fail = (err: TransportError) => {
      if (settled) return;
      settled = true;
      clearTimers();
      request.destroy();
      reject(err);
    };

    const request = mod.request(req.url, { method: req.method, headers, agent, ...(req.lookup ? { lookup: req.lookup } : {}) });
    const connectTimer = setTimeout(
      () => fail(new TransportError('Could not connect to Venice in time', 'ECONNECTTIMEOUT', connected ? 'maybe' : 'no', true)),
      req.connectTimeoutMs,
    );

    const onConnected = () => {
      connected = true;
      clearTimeout(connectTimer);
      responseTimer = setTimeout(
        () => fail(new TransportError('Venice did not answer in time', 'ETIMEDOUT', 'maybe', true)),
        req.responseTimeoutMs,
      );
    };
    request.on('socket', (socket: Socket) => {
      const ready = isHttps ? 'secureConnect' : 'connect';
      // A reused keep-alive socket is already connected; a new one reports when it is.
      if (!socket.connecting) onConnected();
      else socket.once(ready, onConnected);
    });

    request.on('response', (res) => {
      if (settled) {
        res.destroy();
        return;
      }
      settled = true;
      clearTimers();
      resolve({ status: res.statusCode ?? 0, headers: res.headers, body: res });
    });
    request.on('error', (e: NodeJS.ErrnoException) => {
      const code = e.code ?? 'ENETWORK';
      fail(new TransportError(describeNetworkError(code), code, connected ? 'maybe' : 'no', false));
    });

    if (req.signal) {
      if (req.signal.aborted) fail(new TransportError('Request cancelled', 'ABORTED', 'no', false));
      req.signal.addEventListener(
        'abort',
        () => fail(new TransportError('Request cancelled', 'ABORTED', connected ? 'maybe' : 'no', false)),
        { once: true },
      );
    }
    request.end(req.body);
  });
}

function describeNetworkError(code: string): string {
  switch (code) {
    case 'ECONNREFUSED':
      return 'Venice refused the connection';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'Venice could not be found: check the network connection';
    case 'ECONNRESET':
    case 'EPIPE':
      return 'The connection to Venice was cut';
    case 'EPRIVATEADDRESS': // from download-url.ts's lookup
      return 'The download link resolves to a private or local network address';
    default:
      return `Network error talking to Venice (${code})`;
  }
}

/**
 * Reads a whole (small) body as text, refusing more than maxBytes, giving up when no byte arrives for idleMs, and
 * giving up altogether after totalMs (default: four idle periods): a body dripping one byte every few seconds
 * never trips the idle timer, so it needs a deadline of its own.
 */
export function readBodyText(body: IncomingMessage, maxBytes: number, idleMs: number, totalMs: number = idleMs * 4): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let timer = setTimeout(onIdle, idleMs);
    const deadline = setTimeout(() => {
      clearTimeout(timer);
      body.destroy();
      reject(new TransportError('Venice took too long to send its answer', 'ETIMEDOUT', 'maybe', true));
    }, totalMs);
    const settle = () => {
      clearTimeout(timer);
      clearTimeout(deadline);
    };
    function onIdle() {
      clearTimeout(deadline);
      body.destroy();
      reject(new TransportError('Venice stopped sending its answer', 'ETIMEDOUT', 'maybe', true));
    }
    body.on('data', (c: Buffer) => {
      clearTimeout(timer);
      timer = setTimeout(onIdle, idleMs);
      size += c.length;
      if (size > maxBytes) {
        settle();
        body.destroy();
        reject(new TransportError('Venice sent an answer far larger than expected', 'ETOOLARGE', 'maybe', false));
        return;
      }
      chunks.push(c);
    });
    body.on('end', () => {
      settle();
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
    body.on('error', (e: NodeJS.ErrnoException) => {
      settle();
      reject(new TransportError('The connection to Venice was cut mid-answer', e.code ?? 'ECONNRESET', 'maybe', false));
    });
    body.on('aborted', () => {
      settle();
      reject(new TransportError('The connection to Venice was cut mid-answer', 'ECONNRESET', 'maybe', false));
    });
  });
}
