/**
 * What Venice says in its response headers: balance, rate-limit window, deprecation warnings, request id.
 * Read from every answer (success or error) so the UI can show the balance and the limiter can follow the server.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { redact } from './redact';

export interface ResponseMeta {
  status: number;
  requestId: string | undefined;
  /** Balance BEFORE this request, as Venice reports it. */
  balanceUsd: number | undefined;
  balanceDiem: number | undefined;
  deprecationWarning: string | undefined;
  rateLimit: { limit: number | undefined; remaining: number | undefined; resetAt: number | undefined };
}

/** Never trust a server to tell us to sleep for an hour, nor to retry instantly. */
export const MIN_RESET_WAIT_MS = 1_000;
export const MAX_RESET_WAIT_MS = 5 * 60_000;

/** A header's value, scrubbed (headers are stored and shown too) and cut to a sane length. */
function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  const one = Array.isArray(v) ? v[0] : v;
  return one === undefined ? undefined : redact(one.slice(0, 1024));
}

function num(v: string | undefined): number | undefined {
  if (v === undefined || v.trim() === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

/**
 * Parses `x-ratelimit-reset-requests` (and `retry-after`) into an epoch-ms instant, clamped to a sane wait.
 * Venice documents unix seconds; older docs show a duration ("30", "1m30s", "250ms"). Accept all of them.
 */
export function parseResetHeader(value: string | undefined, now: number = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  if (v === '') return undefined;
  let waitMs: number | undefined;
  if (/^\d+(\.\d+)?$/.test(v)) {
    const n = Number(v);
    if (n > 1e12) waitMs = n - now; // epoch milliseconds
    else if (n > 1e9) waitMs = n * 1000 - now; // epoch seconds (the documented form)
    else waitMs = n * 1000; // a number of seconds to wait
  } else {
    const parts = [...v.matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)];
    if (parts.length > 0 && parts.map((p) => p[0]).join('') === v.replace(/\s+/g, '')) {
      const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;
      waitMs = parts.reduce((sum, p) => sum + Number(p[1]) * unit[p[2] as keyof typeof unit], 0);
    } else {
      const date = Date.parse(v); // Retry-After may be an HTTP date
      if (Number.isFinite(date)) waitMs = date - now;
    }
  }
  if (waitMs === undefined || !Number.isFinite(waitMs)) return undefined;
  return now + Math.min(MAX_RESET_WAIT_MS, Math.max(MIN_RESET_WAIT_MS, waitMs));
}

export function readResponseMeta(status: number, headers: IncomingHttpHeaders, now: number = Date.now()): ResponseMeta {
  return {
    status,
    requestId: header(headers, 'cf-ray') ?? header(headers, 'x-request-id'),
    balanceUsd: num(header(headers, 'x-venice-balance-usd')),
    balanceDiem: num(header(headers, 'x-venice-balance-diem')),
    deprecationWarning: header(headers, 'x-venice-model-deprecation-warning'),
    rateLimit: {
      limit: num(header(headers, 'x-ratelimit-limit-requests')),
      remaining: num(header(headers, 'x-ratelimit-remaining-requests')),
      resetAt:
        parseResetHeader(header(headers, 'x-ratelimit-reset-requests'), now) ??
        parseResetHeader(header(headers, 'retry-after'), now),
    },
  };
}
