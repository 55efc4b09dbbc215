/**
 * Typed client for Venice's video endpoints. Every request is checked against its strict schema before it leaves
 * (Venice answers 400 to unknown fields), every answer is parsed against its schema, and every failure becomes a
 * VeniceError. Finished clips are streamed to a path the caller chooses, never held in memory.
 */
import { open, rm } from 'node:fs/promises';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { z } from 'zod';
import { VeniceError, isVeniceError, type VeniceRoute } from './errors';
import { errorFromStatus, errorFromTransport, protocolError } from './error-mapping';
import { checkDownloadUrl, DownloadUrlRefused, PRIVATE_ADDRESS_CODE, publicOnlyLookup, redirectTarget } from './download-url';
import { containsSecret, redact, redactDeep, registerSecret } from './redact';
import { readResponseMeta, type ResponseMeta } from './response-meta';
import {
  CompleteRequestSchema,
  CompleteResponseSchema,
  ModelListResponseSchema,
  QueueRequestSchema,
  QueueResponseSchema,
  QuoteRequestSchema,
  QuoteResponseSchema,
  RetrieveCompletedSchema,
  RetrieveProcessingSchema,
  RetrieveRequestSchema,
  type CompleteRequest,
  type ModelListResponse,
  type QueueRequest,
  type QuoteRequest,
  type RetrieveRequest,
} from './schemas';
import { TransportError, readBodyText, sendRequest, type HttpResponse } from './transport';

/** The clip could not be written locally (missing folder, full disk): not Venice's fault, and not a lost clip. */
export class LocalFileError extends Error {
  override readonly name = 'LocalFileError';
}

export const DEFAULT_BASE_URL = 'https://api.venice.ai/api/v1';

export interface VeniceTimeouts {
  connectMs: number;
  /** Time to response headers for quick calls (models, quote, retrieve, complete). */
  responseMs: number;
  /** Time to response headers for /video/queue: generous, because giving up early turns a job "in doubt". */
  queueResponseMs: number;
  /** A download or body that sends no byte for this long is abandoned. */
  idleMs: number;
  /** A whole clip download (from its response headers to its last byte) must finish within this. */
  downloadDeadlineMs: number;
  /** After the first `rateWindowMs`, each window of a download must bring at least this many bytes per second. */
  minBytesPerSec: number;
  rateWindowMs: number;
}

export const DEFAULT_TIMEOUTS: VeniceTimeouts = {
  connectMs: 15_000,
  responseMs: 60_000,
  queueResponseMs: 120_000,
  idleMs: 60_000,
  // A 1080p 10 s clip is tens of MB: at the minimum rate it still fits the deadline; one byte every 45 s does not.
  downloadDeadlineMs: 30 * 60_000,
  minBytesPerSec: 16 * 1024,
  rateWindowMs: 60_000,
};

/** Without a cap from the row (duration x resolution), no download may exceed this. */
export const MAX_DOWNLOAD_BYTES = 8 * 1024 * 1024 * 1024;

export interface DownloadOptions {
  signal?: AbortSignal;
  /** Stop reading (and refuse a larger Content-Length) past this many bytes: see clipSizeCap in media/verify-clip. */
  maxBytes?: number;
}

export interface VeniceClientOptions {
  baseUrl?: string;
  /** Read per request so a key changed in Settings applies at once. */
  apiKey: () => string | undefined | Promise<string | undefined>;
  timeouts?: Partial<VeniceTimeouts>;
  /** Called with the headers of every answer: balance, rate-limit window, deprecation warnings. */
  onMeta?: (route: VeniceRoute, meta: ResponseMeta) => void;
  userAgent?: string;
}

export type RetrieveResult =
  | { kind: 'processing'; averageExecutionMs: number | undefined; executionDurationMs: number | undefined; meta: ResponseMeta }
  | { kind: 'video'; path: string; bytes: number; contentType: string; meta: ResponseMeta }
  /** Models that returned a download_url at queue time: fetch that URL now with `downloadFromUrl`. */
  | { kind: 'completed'; meta: ResponseMeta };

export interface QueueResult {
  model: string;
  queueId: string;
  /** Pre-signed, returned once: persist it with the queue id, never log it. */
  downloadUrl: string | undefined;
  meta: ResponseMeta;
}

export interface DownloadResult {
  path: string;
  bytes: number;
  /** Content-Length as announced, when it was. */
  expectedBytes: number | undefined;
}

const MAX_JSON_BYTES = 8 * 1024 * 1024;

export class VeniceClient {
  readonly baseUrl: string;
  private readonly timeouts: VeniceTimeouts;

  constructor(private readonly opts: VeniceClientOptions) {
    this.baseUrl = (opts.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, '');
    this.timeouts = { ...DEFAULT_TIMEOUTS, ...opts.timeouts };
  }

  async listModels(): Promise<ModelListResponse> {
    const res = await this.send('models', 'GET', '/models?type=video', undefined, { keyOptional: true });
    return this.readJson('models', res, ModelListResponseSchema);
  }

  /** Free, creates nothing, not a locked price. Send `audio` explicitly: it changes the price. */
  async quote(req: QuoteRequest): Promise<{ quoteUsd: number; meta: ResponseMeta }> {
    const body = this.checkRequest('quote', QuoteRequestSchema, req);
    const res = await this.send('quote', 'POST', '/video/quote', body);
    const parsed = await this.readJson('quote', res, QuoteResponseSchema);
    return { quoteUsd: parsed.quote, meta: res.meta };
  }

  /**
   * Charges the account. The caller must have durably recorded that this request is about to be sent, and must
   * treat an error with `mayHaveBeenCharged` as "in doubt": never send it again without the user's say-so.
   */
  async queue(req: QueueRequest, signal?: AbortSignal): Promise<QueueResult> {
    const body = this.checkRequest('queue', QueueRequestSchema, req);
    const res = await this.send('queue', 'POST', '/video/queue', body, { fresh: true, signal });
    const parsed = await this.readJson('queue', res, QueueResponseSchema);
    // The queue id is stored and shown, so it cannot be scrubbed in place (a changed id fetches nothing): an id
    // carrying the key, or no id Venice would make, is an answer we cannot use. The job was charged: in doubt.
    if (containsSecret(parsed.queue_id) || parsed.queue_id.length > 512) throw protocolError('queue', res.meta, 'the queue id is not usable');
    return { model: redact(parsed.model), queueId: parsed.queue_id, downloadUrl: parsed.download_url, meta: res.meta };
  }

  /**
   * Polls a job. A 200 comes in three forms, told apart by Content-Type: JSON PROCESSING, the MP4 itself
   * (streamed to `destPath`), or JSON "COMPLETED" for models that handed out a download URL.
   */
  async retrieve(
    req: RetrieveRequest,
    destPath: string,
    opts: DownloadOptions & { onVideo?: () => void } = {},
  ): Promise<RetrieveResult> {
    const body = this.checkRequest('retrieve', RetrieveRequestSchema, req);
    const res = await this.send('retrieve', 'POST', '/video/retrieve', body, { signal: opts.signal });
    const type = String(res.http.headers['content-type'] ?? '').toLowerCase();
    if (type.startsWith('video/') || type.startsWith('application/octet-stream')) {
      opts.onVideo?.();
      const dl = await this.streamToFile('retrieve', res.http, destPath, res.meta, opts.maxBytes);
      return { kind: 'video', path: dl.path, bytes: dl.bytes, contentType: type, meta: res.meta };
    }
    const text = await this.readText('retrieve', res);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw protocolError('retrieve', res.meta, 'malformed JSON');
    }
    const processing = RetrieveProcessingSchema.safeParse(json);
    if (processing.success) {
      return {
        kind: 'processing',
        averageExecutionMs: processing.data.average_execution_time,
        executionDurationMs: processing.data.execution_duration,
        meta: res.meta,
      };
    }
    if (RetrieveCompletedSchema.safeParse(json).success) return { kind: 'completed', meta: res.meta };
    throw protocolError('retrieve', res.meta, `unexpected ${type || 'untyped'} answer`);
  }

  /** Deletes the stored video on Venice. Call only once the local file is verified. */
  async complete(req: CompleteRequest): Promise<{ meta: ResponseMeta }> {
    const body = this.checkRequest('complete', CompleteRequestSchema, req);
    const res = await this.send('complete', 'POST', '/video/complete', body);
    await this.readJson('complete', res, CompleteResponseSchema);
    return { meta: res.meta };
  }

  /**
   * Fetches a pre-signed download URL: a plain GET with NO authorization header (the link is the credential).
   * The link is checked first (see download-url.ts): https, a public address, redirects only within its host.
   */
  async downloadFromUrl(url: string, destPath: string, opts: DownloadOptions = {}): Promise<DownloadResult> {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      throw new VeniceError({ kind: 'protocol', route: 'download', message: 'The saved download link is not a valid URL' });
    }
    for (let hop = 0; ; hop++) {
      let onApiHost: boolean;
      try {
        onApiHost = checkDownloadUrl(target, this.baseUrl).onApiHost;
      } catch (e) {
        throw refusedLink(e);
      }
      let http: HttpResponse;
      try {
        http = await sendRequest({
          method: 'GET',
          url: target,
          headers: { accept: 'video/mp4,*/*', 'user-agent': this.userAgent() },
          connectTimeoutMs: this.timeouts.connectMs,
          responseTimeoutMs: this.timeouts.responseMs,
          signal: opts.signal,
          lookup: onApiHost ? undefined : publicOnlyLookup,
        });
      } catch (e) {
        if (e instanceof TransportError && e.code === PRIVATE_ADDRESS_CODE) throw refusedLink(new DownloadUrlRefused(`${e.message}: refused`));
        throw e instanceof TransportError ? errorFromTransport('download', e) : e;
      }
      const meta = readResponseMeta(http.status, http.headers);
      this.opts.onMeta?.('download', meta);
      if ([301, 302, 303, 307, 308].includes(http.status)) {
        http.body.destroy();
        if (hop >= 3) throw refusedLink(new DownloadUrlRefused('The download link redirected too many times'));
        try {
          target = redirectTarget(target, headerValue(http.headers.location), this.baseUrl);
        } catch (e) {
          throw refusedLink(e);
        }
        continue;
      }
      if (http.status < 200 || http.status >= 300) {
        const text = await readBodyText(http.body, 64 * 1024, this.timeouts.idleMs).catch(() => '');
        // Never echo the link itself: its signature is a credential.
        throw errorFromStatus('download', meta, text);
      }
      return this.streamToFile('download', http, destPath, meta, opts.maxBytes);
    }
  }

  // ---- internals ----

  private userAgent(): string {
    return this.opts.userAgent ?? 'venice-batch';
  }

  private checkRequest<T extends z.ZodType>(route: VeniceRoute, schema: T, req: unknown): string {
    const parsed = schema.safeParse(req);
    if (!parsed.success) {
      throw new VeniceError({
        kind: 'bad_request',
        route,
        message: `The request was not sent: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'request'}: ${i.message}`).join('; ')}`,
        fieldErrors: parsed.error.issues.map((i) => ({ field: i.path.join('.') || 'request', message: i.message })),
      });
    }
    return JSON.stringify(parsed.data);
  }

  private async send(
    route: VeniceRoute,
    method: 'GET' | 'POST',
    path: string,
    body: string | undefined,
    opts: { keyOptional?: boolean; fresh?: boolean; signal?: AbortSignal } = {},
  ): Promise<{ http: HttpResponse; meta: ResponseMeta }> {
    const key = await this.opts.apiKey();
    registerSecret(key);
    if (!key && !opts.keyOptional) {
      throw new VeniceError({ kind: 'unauthorized', route, message: 'No Venice API key is set: add one in Settings or set VENICE_API_KEY' });
    }
    const headers: Record<string, string> = { accept: 'application/json', 'user-agent': this.userAgent() };
    if (key) headers.authorization = `Bearer ${key}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let http: HttpResponse;
    try {
      http = await sendRequest({
        method,
        url: new URL(this.baseUrl + path),
        headers,
        body,
        connectTimeoutMs: this.timeouts.connectMs,
        responseTimeoutMs: route === 'queue' ? this.timeouts.queueResponseMs : this.timeouts.responseMs,
        freshConnection: opts.fresh,
        signal: opts.signal,
      });
    } catch (e) {
      throw e instanceof TransportError ? errorFromTransport(route, e) : e;
    }
    const meta = readResponseMeta(http.status, http.headers);
    this.opts.onMeta?.(route, meta);
    if (http.status < 200 || http.status >= 300) {
      const text = await readBodyText(http.body, 1024 * 1024, this.timeouts.idleMs).catch(() => '');
      throw errorFromStatus(route, meta, text);
    }
    return { http, meta };
  }

  private async readText(route: VeniceRoute, res: { http: HttpResponse; meta: ResponseMeta }): Promise<string> {
    try {
      return await readBodyText(res.http.body, MAX_JSON_BYTES, this.timeouts.idleMs);
    } catch (e) {
      if (e instanceof TransportError) {
        // The status line said 200: on /video/queue the job exists and was charged, we just lost its id.
        if (route === 'queue') throw protocolError(route, res.meta, 'the answer was cut off');
        throw errorFromTransport(route, e, res.meta.requestId);
      }
      throw e;
    }
  }

  private async readJson<T extends z.ZodType>(
    route: VeniceRoute,
    res: { http: HttpResponse; meta: ResponseMeta },
    schema: T,
  ): Promise<z.infer<T>> {
    const text = await this.readText(route, res);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw protocolError(route, res.meta, 'malformed JSON');
    }
    // Every string Venice sends is scrubbed before anyone stores or shows it. The queue answer is the exception:
    // its download link is a credential that is sealed, never shown, and must stay intact (see queue()).
    const parsed = schema.safeParse(route === 'queue' ? json : redactDeep(json));
    if (!parsed.success) throw protocolError(route, res.meta, `unexpected shape: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    return parsed.data;
  }

  /**
   * Streams a body to disk, counting bytes, within bounds no server can stretch: at most `maxBytes` (a larger
   * Content-Length is refused before reading), an overall deadline, and a minimum rate over each window (a body
   * dripping one byte every 45 s never trips the idle timer). A short body is a retryable `truncated` error;
   * every failure leaves no file.
   */
  private async streamToFile(
    route: VeniceRoute,
    http: HttpResponse,
    destPath: string,
    meta: ResponseMeta,
    maxBytes: number = MAX_DOWNLOAD_BYTES,
  ): Promise<DownloadResult> {
    const lengthHeader = http.headers['content-length'];
    const expected = lengthHeader === undefined ? undefined : Number(lengthHeader);
    const fail = (kind: 'too_large' | 'too_slow', message: string) =>
      new VeniceError({ kind, route, status: meta.status, requestId: meta.requestId, message, retryable: true });
    if (expected !== undefined && Number.isFinite(expected) && expected > maxBytes) {
      http.body.destroy();
      throw fail('too_large', `Venice announced a clip of ${mb(expected)}, larger than the ${mb(maxBytes)} this clip can take; it was not downloaded`);
    }
    let bytes = 0;
    let idleTimer: NodeJS.Timeout | undefined;
    const { idleMs, downloadDeadlineMs, minBytesPerSec, rateWindowMs } = this.timeouts;
    const stalled = () => counter.destroy(new TransportError('The download stalled', 'ETIMEDOUT', 'maybe', true));
    const counter = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        bytes += chunk.length;
        if (bytes > maxBytes) {
          cb(fail('too_large', `The clip download was larger than the ${mb(maxBytes)} this clip can take; stopped reading`));
          return;
        }
        clearTimeout(idleTimer);
        idleTimer = setTimeout(stalled, idleMs);
        cb(null, chunk);
      },
    });
    let windowStartBytes = 0;
    const rateTimer = setInterval(() => {
      const got = bytes - windowStartBytes;
      windowStartBytes = bytes;
      if (got < (minBytesPerSec * rateWindowMs) / 1000) {
        counter.destroy(fail('too_slow', `The clip arrived too slowly (${got} bytes in ${(rateWindowMs / 1000).toFixed(1)} s); stopped after ${bytes} bytes`));
      }
    }, rateWindowMs);
    const deadline = setTimeout(
      () => counter.destroy(fail('too_slow', `The clip download did not finish within ${minutes(downloadDeadlineMs)} (${bytes} bytes so far); stopped`)),
      downloadDeadlineMs,
    );
    const stopTimers = () => {
      clearTimeout(idleTimer);
      clearInterval(rateTimer);
      clearTimeout(deadline);
    };
    // Open the file before reading the body, so a local problem (no folder, no permission) is not mistaken for
    // a network one. Its own errors mid-write (a full disk) are reported as local too.
    let file;
    try {
      file = await open(destPath, 'w');
    } catch (e) {
      stopTimers();
      http.body.destroy();
      throw new LocalFileError(`Could not write the clip to ${destPath}: ${(e as Error).message}`);
    }
    const sink = file.createWriteStream();
    // pipeline() forwards a network failure to the file stream too, so note which side failed first.
    let networkFailed = false;
    let localFailure: Error | undefined;
    http.body.once('error', () => (networkFailed = true));
    http.body.once('aborted', () => (networkFailed = true));
    counter.once('error', () => (networkFailed = true));
    sink.once('error', (e) => {
      if (!networkFailed) localFailure = e;
    });
    idleTimer = setTimeout(stalled, idleMs);
    try {
      // `aborted`/premature close on the response surfaces as an error from pipeline.
      await pipeline(http.body, counter, sink);
    } catch (e) {
      http.body.destroy();
      await rm(destPath, { force: true });
      if (localFailure) throw new LocalFileError(`Could not write the clip to ${destPath}: ${localFailure.message}`);
      if (isVeniceError(e)) throw e;
      throw new VeniceError({
        kind: 'truncated',
        route,
        status: meta.status,
        requestId: meta.requestId,
        message: `The clip download was cut off after ${bytes} of ${expected ?? 'unknown'} bytes`,
        retryable: true,
        networkCode: (e as NodeJS.ErrnoException).code,
      });
    } finally {
      stopTimers();
    }
    if (expected !== undefined && Number.isFinite(expected) && bytes !== expected) {
      await rm(destPath, { force: true });
      throw new VeniceError({
        kind: 'truncated',
        route,
        status: meta.status,
        requestId: meta.requestId,
        message: `The clip download was cut off after ${bytes} of ${expected} bytes`,
        retryable: true,
      });
    }
    return { path: destPath, bytes, expectedBytes: expected };
  }
}

function mb(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(bytes < 10 * 1024 * 1024 ? 1 : 0)} MB`;
}

function minutes(ms: number): string {
  return ms >= 60_000 ? `${Math.round(ms / 60_000)} min` : `${(ms / 1000).toFixed(1)} s`;
}

function headerValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

/** A link refused by policy: permanent (asking again will not make it safe), never charged, never echoed. */
function refusedLink(e: unknown): VeniceError {
  if (!(e instanceof DownloadUrlRefused)) throw e;
  return new VeniceError({ kind: 'protocol', route: 'download', message: e.message, retryable: false });
}
