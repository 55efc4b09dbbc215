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
import { registerSecret } from './redact';
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
}

export const DEFAULT_TIMEOUTS: VeniceTimeouts = { connectMs: 15_000, responseMs: 60_000, queueResponseMs: 120_000, idleMs: 60_000 };

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
    return { model: parsed.model, queueId: parsed.queue_id, downloadUrl: parsed.download_url, meta: res.meta };
  }

  /**
   * Polls a job. A 200 comes in three forms, told apart by Content-Type: JSON PROCESSING, the MP4 itself
   * (streamed to `destPath`), or JSON "COMPLETED" for models that handed out a download URL.
   */
  async retrieve(
    req: RetrieveRequest,
    destPath: string,
    opts: { signal?: AbortSignal; onVideo?: () => void } = {},
  ): Promise<RetrieveResult> {
    const body = this.checkRequest('retrieve', RetrieveRequestSchema, req);
    const res = await this.send('retrieve', 'POST', '/video/retrieve', body, { signal: opts.signal });
    const type = String(res.http.headers['content-type'] ?? '').toLowerCase();
    if (type.startsWith('video/') || type.startsWith('application/octet-stream')) {
      opts.onVideo?.();
      const dl = await this.streamToFile('retrieve', res.http, destPath, res.meta);
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

  /** Fetches a pre-signed download URL: a plain GET with NO authorization header (the link is the credential). */
  async downloadFromUrl(url: string, destPath: string, signal?: AbortSignal): Promise<DownloadResult> {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new VeniceError({ kind: 'protocol', route: 'download', message: 'The saved download link is not a valid URL' });
    }
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
      throw new VeniceError({ kind: 'protocol', route: 'download', message: 'The saved download link is not an http(s) URL' });
    }
    let http: HttpResponse;
    try {
      http = await sendRequest({
        method: 'GET',
        url: parsed,
        headers: { accept: 'video/mp4,*/*', 'user-agent': this.userAgent() },
        connectTimeoutMs: this.timeouts.connectMs,
        responseTimeoutMs: this.timeouts.responseMs,
        signal,
      });
    } catch (e) {
      throw e instanceof TransportError ? errorFromTransport('download', e) : e;
    }
    const meta = readResponseMeta(http.status, http.headers);
    this.opts.onMeta?.('download', meta);
    if (http.status < 200 || http.status >= 300) {
      const text = await readBodyText(http.body, 64 * 1024, this.timeouts.idleMs).catch(() => '');
      // Never echo the link itself: its signature is a credential.
      throw errorFromStatus('download', meta, text);
    }
    return this.streamToFile('download', http, destPath, meta);
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
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw protocolError(route, res.meta, `unexpected shape: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    return parsed.data;
  }

  /** Streams a body to disk, counting bytes; a short body is a retryable `truncated` error and leaves no file. */
  private async streamToFile(route: VeniceRoute, http: HttpResponse, destPath: string, meta: ResponseMeta): Promise<DownloadResult> {
    const lengthHeader = http.headers['content-length'];
    const expected = lengthHeader === undefined ? undefined : Number(lengthHeader);
    let bytes = 0;
    let idleTimer: NodeJS.Timeout | undefined;
    const idleMs = this.timeouts.idleMs;
    const counter = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        bytes += chunk.length;
        clearTimeout(idleTimer);
        idleTimer = setTimeout(() => counter.destroy(new TransportError('The download stalled', 'ETIMEDOUT', 'maybe', true)), idleMs);
        cb(null, chunk);
      },
    });
    // Open the file before reading the body, so a local problem (no folder, no permission) is not mistaken for
    // a network one. Its own errors mid-write (a full disk) are reported as local too.
    let file;
    try {
      file = await open(destPath, 'w');
    } catch (e) {
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
    idleTimer = setTimeout(() => counter.destroy(new TransportError('The download stalled', 'ETIMEDOUT', 'maybe', true)), idleMs);
    try {
      // `aborted`/premature close on the response surfaces as an error from pipeline.
      await pipeline(http.body, counter, sink);
    } catch (e) {
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
      clearTimeout(idleTimer);
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
