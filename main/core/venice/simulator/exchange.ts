/**
 * One request and its answer. Every way the simulator can answer goes through here (JSON, a broken body, an MP4
 * streamed from disk, a dropped socket, silence) so that stats, the `CF-RAY` request id and the error-lockout
 * accounting happen in exactly one place and no answer can skip them.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ExchangeRecord, SimRoute } from './types';

export interface ExchangeHooks {
  /** Counts an answer: an HTTP status, or 'dropped' / 'hang'. */
  counted(label: string): void;
  /** A non-2xx answer sent to an accepted key (feeds the lockout rule). */
  failedFor(key: string): void;
  /** How the exchange ended, once it has (for exchanges that named a route). */
  ended?(rec: ExchangeRecord): void;
  /** Clip bodies go out at this many bytes per second (undefined: as fast as the socket takes them). */
  clipBytesPerSecond?: number;
  /** True while the simulated network is down: connections it resets are the server's doing, not the client's. */
  serverDown?: () => boolean;
}

/** Passes chunks on no faster than `bytesPerSecond`, so a simulated download takes as long as a real one. */
function throttle(bytesPerSecond: number): Transform {
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      setTimeout(() => cb(null, chunk), Math.ceil((chunk.length / bytesPerSecond) * 1000));
    },
  });
}

export class Exchange {
  readonly requestId = `${randomBytes(8).toString('hex')}-SIM`;
  /** The accepted API key, once authenticated. */
  key: string | undefined;
  /** Which route and job the request was about, once known (the journal records only those). */
  route: SimRoute | undefined;
  queueId: string | undefined;
  private readonly headers: Record<string, string> = {};
  private readonly startedAt = Date.now();
  private status: number | null = null;
  private serverCut = false;
  private hung = false;

  constructor(
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    private readonly hooks: ExchangeHooks,
  ) {
    this.headers['CF-RAY'] = this.requestId;
    res.once('close', () => this.record());
  }

  private record(): void {
    if (!this.route || !this.hooks.ended) return;
    const outcome: ExchangeRecord['outcome'] = this.serverCut || (!this.res.writableFinished && this.hooks.serverDown?.())
      ? 'cut_by_server'
      : this.res.writableFinished
        ? 'answered'
        : this.hung
          ? 'hang'
          : this.res.headersSent
            ? 'client_left_mid_body'
            : 'client_left_before_answer';
    this.hooks.ended({ at: this.startedAt, endedAt: Date.now(), route: this.route, ...(this.queueId ? { queueId: this.queueId } : {}), status: this.status, outcome });
  }

  setHeader(name: string, value: string | number): void {
    this.headers[name] = String(value);
  }

  get answered(): boolean {
    return this.res.headersSent || this.res.destroyed;
  }

  private head(status: number, extra: Record<string, string | number>): void {
    this.status = status;
    this.hooks.counted(String(status));
    if ((status < 200 || status >= 300) && this.key) this.hooks.failedFor(this.key);
    this.res.writeHead(status, { ...this.headers, ...extra });
  }

  json(status: number, body: unknown): void {
    const text = JSON.stringify(body);
    this.head(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
    this.res.end(text);
  }

  /** A 200 whose JSON body is cut short, with a Content-Length that matches what is sent. */
  malformed(body: unknown): void {
    const full = JSON.stringify(body);
    const text = full.slice(0, Math.max(1, Math.floor(full.length / 2)));
    this.head(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
    this.res.end(text);
  }

  /** Destroys the connection without a byte of answer: the client cannot know what happened. */
  drop(): void {
    this.serverCut = true;
    this.hooks.counted('dropped');
    this.res.socket?.destroy();
    this.res.destroy();
  }

  /** Never answers. The socket is closed by the client giving up, or by the simulator's close(). */
  hang(): void {
    this.hung = true;
    this.hooks.counted('hang');
  }

  /**
   * Streams an MP4 from disk with its full Content-Length. `truncate` sends about half of it and then destroys the
   * socket. Resolves true only when the whole file went out.
   */
  async clip(file: string, opts: { truncate?: boolean } = {}): Promise<boolean> {
    let size: number;
    try {
      size = (await stat(file)).size;
    } catch {
      this.json(500, { error: 'Inference failed: the rendered video is missing' });
      return false;
    }
    this.head(200, { 'content-type': 'video/mp4', 'content-length': size });
    if (this.req.method === 'HEAD') {
      this.res.end();
      return true;
    }
    if (opts.truncate) {
      await this.sendPrefixThenCut(file, Math.max(1, Math.floor(size / 2)));
      return false;
    }
    try {
      const rate = this.hooks.clipBytesPerSecond;
      if (rate) await pipeline(createReadStream(file, { highWaterMark: 16 * 1024 }), throttle(rate), this.res);
      else await pipeline(createReadStream(file), this.res);
      return true;
    } catch {
      this.res.destroy();
      return false;
    }
  }

  /** Writes the first `bytes` of the file, waits until the last chunk is handed to the socket, then cuts it. */
  private sendPrefixThenCut(file: string, bytes: number): Promise<void> {
    this.serverCut = true;
    return new Promise((resolve) => {
      const cut = () => {
        this.res.socket?.destroy();
        this.res.destroy();
        resolve();
      };
      const stream = createReadStream(file, { start: 0, end: bytes - 1 });
      let held: Buffer | undefined;
      stream.on('data', (chunk) => {
        const buf = chunk as Buffer;
        if (held && !this.res.write(held)) {
          stream.pause();
          this.res.once('drain', () => stream.resume());
        }
        held = buf;
      });
      stream.on('end', () => (held ? this.res.write(held, cut) : cut()));
      stream.on('error', cut);
      this.res.on('close', () => {
        stream.destroy();
        resolve();
      });
    });
  }
}

/** Reads a request body up to `maxBytes`. Beyond that the rest is read and discarded, so a 413 can still be sent. */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<{ tooLarge: boolean; text: string }> {
  const declared = Number(req.headers['content-length']);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = Number.isFinite(declared) && declared > maxBytes;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) tooLarge = true;
      if (!tooLarge) chunks.push(chunk);
    });
    req.on('end', () => resolve({ tooLarge, text: tooLarge ? '' : Buffer.concat(chunks).toString('utf8') }));
    req.on('error', reject);
    // The client went away mid-body: nothing to answer.
    req.on('close', () => {
      if (!req.complete) reject(new Error('the request was aborted'));
    });
  });
}
