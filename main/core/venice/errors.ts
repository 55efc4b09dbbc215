/**
 * Every way a Venice call can fail, as one typed error the scheduler can switch on.
 *
 * The field that matters most is `mayHaveBeenCharged`: Venice has no idempotency key for /video/queue, so a queue
 * request whose answer never arrived (or arrived as a 5xx after the body was sent) may have been paid for and must
 * never be re-sent automatically. Errors never carry the API key, request headers or a pre-signed URL.
 */
export type VeniceRoute = 'models' | 'quote' | 'queue' | 'retrieve' | 'complete' | 'download';

export type VeniceErrorKind =
  | 'bad_request' // 400: the details name the field
  | 'unauthorized' // 401: bad key, or a Pro-only model
  | 'insufficient_balance' // 402: balance or key spend cap
  | 'forbidden' // 403: API disabled or region
  | 'not_found' // 404: on retrieve, the media expired or was deleted (a paid clip is lost)
  | 'needs_consent' // 409
  | 'payload_too_large' // 413
  | 'content_policy' // 422: may carry suggested_prompt and credits_refunded
  | 'rate_limited' // 429: honour resetAt
  | 'server_error' // 500 / 502 / 504
  | 'unavailable' // 503: at capacity, slow down
  | 'http_error' // any other status
  | 'network' // connection refused, reset, DNS...
  | 'timeout' // no answer in time
  | 'protocol' // an answer we cannot read: malformed JSON, unexpected content type, schema mismatch
  | 'truncated' // the clip's body ended before Content-Length bytes
  | 'too_large' // the clip's body (or its Content-Length) passed the size its row can take
  | 'too_slow'; // the clip's body came below the minimum rate, or past the download's deadline

export interface FieldError {
  field: string;
  message: string;
}

export interface VeniceErrorInit {
  kind: VeniceErrorKind;
  route: VeniceRoute;
  message: string;
  status?: number;
  requestId?: string;
  mayHaveBeenCharged?: boolean;
  retryable?: boolean;
  fieldErrors?: FieldError[];
  suggestedPrompt?: string;
  creditsRefunded?: number | boolean;
  resetAt?: number;
  retryAfterMs?: number;
  consentCode?: string;
  networkCode?: string;
}

export class VeniceError extends Error {
  override readonly name = 'VeniceError';
  readonly kind: VeniceErrorKind;
  readonly route: VeniceRoute;
  readonly status: number | undefined;
  readonly requestId: string | undefined;
  /** True when Venice may have taken money for this request although we never learned its queue_id. */
  readonly mayHaveBeenCharged: boolean;
  /** True when sending the same request again later is safe and may succeed. */
  readonly retryable: boolean;
  readonly fieldErrors: FieldError[];
  readonly suggestedPrompt: string | undefined;
  readonly creditsRefunded: number | boolean | undefined;
  /** Epoch milliseconds when the rate-limit window frees up (429). */
  readonly resetAt: number | undefined;
  readonly retryAfterMs: number | undefined;
  readonly consentCode: string | undefined;
  readonly networkCode: string | undefined;

  constructor(init: VeniceErrorInit) {
    super(init.message);
    this.kind = init.kind;
    this.route = init.route;
    this.status = init.status;
    this.requestId = init.requestId;
    this.mayHaveBeenCharged = init.mayHaveBeenCharged ?? false;
    this.retryable = init.retryable ?? false;
    this.fieldErrors = init.fieldErrors ?? [];
    this.suggestedPrompt = init.suggestedPrompt;
    this.creditsRefunded = init.creditsRefunded;
    this.resetAt = init.resetAt;
    this.retryAfterMs = init.retryAfterMs;
    this.consentCode = init.consentCode;
    this.networkCode = init.networkCode;
  }

  /** A plain object for logs and the UI: everything useful, nothing secret. */
  toJSON(): Record<string, unknown> {
    return {
      kind: this.kind,
      route: this.route,
      status: this.status,
      message: this.message,
      requestId: this.requestId,
      mayHaveBeenCharged: this.mayHaveBeenCharged,
      retryable: this.retryable,
      fieldErrors: this.fieldErrors.length ? this.fieldErrors : undefined,
      suggestedPrompt: this.suggestedPrompt,
      creditsRefunded: this.creditsRefunded,
      resetAt: this.resetAt,
    };
  }
}

export function isVeniceError(e: unknown): e is VeniceError {
  return e instanceof VeniceError;
}
