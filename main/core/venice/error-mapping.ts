/**
 * Turns a non-2xx answer, a transport failure or an unreadable body into a VeniceError, deciding for each whether
 * the request may have been charged and whether it is safe to send again.
 */
import { VeniceError, type FieldError, type VeniceErrorKind, type VeniceRoute } from './errors';
import { redact, redactDeep } from './redact';
import type { ResponseMeta } from './response-meta';
import { ErrorBodySchema, type ErrorBody } from './schemas';
import type { TransportError } from './transport';

const KIND_BY_STATUS: Record<number, VeniceErrorKind> = {
  400: 'bad_request',
  401: 'unauthorized',
  402: 'insufficient_balance',
  403: 'forbidden',
  404: 'not_found',
  409: 'needs_consent',
  413: 'payload_too_large',
  422: 'content_policy',
  429: 'rate_limited',
  500: 'server_error',
  502: 'server_error',
  503: 'unavailable',
  504: 'server_error',
};

const PLAIN_MESSAGE: Partial<Record<VeniceErrorKind, string>> = {
  unauthorized: 'Venice rejected the API key (or the model needs a Pro account)',
  insufficient_balance: 'The Venice balance or the key spend cap is used up',
  forbidden: 'The Venice API is disabled for this key or this region',
  needs_consent: 'This model needs your consent on venice.ai before it can be used',
  payload_too_large: 'The request is too large for Venice (an image or audio file over ~25 MB?)',
  content_policy: 'Venice refused this under its content policy',
  bad_request: 'Venice rejected the request',
  not_found: 'Venice no longer has this (expired or deleted)',
  rate_limited: 'Venice asked us to slow down',
  unavailable: 'Venice is at capacity right now',
  server_error: 'Venice failed to process the request',
};

/** The error body with every string in it scrubbed: details, issues and suggested prompts are stored and shown. */
function parseErrorBody(text: string): ErrorBody | undefined {
  try {
    const parsed = ErrorBodySchema.safeParse(redactDeep(JSON.parse(text) as unknown));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** Venice's 400 details are zod-formatted: `{ field: { _errors: [...] } }`; issues are `{path, message}`. */
function fieldErrorsOf(body: ErrorBody | undefined): FieldError[] {
  const out: FieldError[] = [];
  const details = body?.details;
  if (details && typeof details === 'object') {
    for (const [field, value] of Object.entries(details as Record<string, unknown>)) {
      if (field === '_errors') continue;
      const errs = (value as { _errors?: unknown })?._errors;
      if (Array.isArray(errs)) for (const m of errs) out.push({ field, message: String(m) });
      else if (typeof value === 'string') out.push({ field, message: value });
    }
  }
  if (out.length === 0 && Array.isArray(body?.issues)) {
    for (const issue of body.issues as Array<{ path?: unknown[]; message?: string }>) {
      out.push({ field: (issue.path ?? []).join('.') || 'request', message: String(issue.message ?? 'invalid') });
    }
  }
  return out;
}

function errorText(body: ErrorBody | undefined): { message?: string; code?: string } {
  const e = body?.error;
  if (typeof e === 'string') return { message: e };
  if (e && typeof e === 'object') return { message: e.message, code: e.code };
  return {};
}

export function errorFromStatus(route: VeniceRoute, meta: ResponseMeta, bodyText: string): VeniceError {
  const status = meta.status;
  const kind: VeniceErrorKind = KIND_BY_STATUS[status] ?? (status >= 500 ? 'server_error' : 'http_error');
  const body = parseErrorBody(bodyText);
  const { message: serverMessage, code } = errorText(body);
  const plain = PLAIN_MESSAGE[kind] ?? `Venice answered HTTP ${status}`;
  // Bounded: a server could send a megabyte of "reason", and it would be stored on every row it fails.
  const message = redact(serverMessage ? `${plain}: ${String(serverMessage).slice(0, 500)}` : plain);
  // A 5xx on /video/queue came after the body was sent: Venice may have queued (and charged) it anyway.
  const mayHaveBeenCharged = route === 'queue' && status >= 500;
  const transient = kind === 'rate_limited' || kind === 'unavailable' || kind === 'server_error';
  return new VeniceError({
    kind,
    route,
    status,
    message,
    requestId: meta.requestId,
    mayHaveBeenCharged,
    retryable: transient && !mayHaveBeenCharged,
    fieldErrors: kind === 'bad_request' ? fieldErrorsOf(body) : undefined,
    suggestedPrompt: body?.suggested_prompt?.slice(0, 5000),
    creditsRefunded: body?.credits_refunded,
    resetAt: meta.rateLimit.resetAt,
    retryAfterMs: meta.rateLimit.resetAt === undefined ? undefined : Math.max(0, meta.rateLimit.resetAt - Date.now()),
    consentCode: kind === 'needs_consent' ? (code ?? 'needs_consent') : undefined,
  });
}

export function errorFromTransport(route: VeniceRoute, e: TransportError, requestId?: string): VeniceError {
  const maybeDelivered = e.delivered === 'maybe';
  const mayHaveBeenCharged = route === 'queue' && maybeDelivered;
  return new VeniceError({
    kind: e.timedOut ? 'timeout' : 'network',
    route,
    message: mayHaveBeenCharged ? `${e.message}; the request may have reached Venice and been charged` : e.message,
    requestId,
    mayHaveBeenCharged,
    retryable: !mayHaveBeenCharged,
    networkCode: e.code,
  });
}

/** A 2xx whose body we cannot read. On /video/queue that means we were charged but lost the queue_id. */
export function protocolError(route: VeniceRoute, meta: ResponseMeta | undefined, detail: string): VeniceError {
  const charged = route === 'queue';
  return new VeniceError({
    kind: 'protocol',
    route,
    status: meta?.status,
    requestId: meta?.requestId,
    message: redact(
      charged
        ? `Venice accepted the request but its answer could not be read (${detail}); it was probably charged`
        : `Venice sent an answer that could not be read (${detail})`,
    ),
    mayHaveBeenCharged: charged,
    retryable: !charged,
  });
}
