/**
 * The gate every `/api/v1` request passes, in Venice's order: authenticate, apply the key's lockout and rate
 * window, read and parse the body (413 above ~25 MB), let a generic fault strike, then hand over to the route.
 * Every authenticated answer carries the balance BEFORE the request and the rate-limit window.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimCore } from './core';
import { Exchange, readBody } from './exchange';
import { deprecationWarning, findSimModel } from './models';
import type { SimRoute } from './types';
import { handleComplete, handleModels, handleQueue, handleQuote, handleRetrieve } from './video-routes';

export const API_PREFIX = '/api/v1';

/** Venice refuses bodies above about 25 MB (large data: URLs). */
export const MAX_BODY_BYTES = 25 * 1024 * 1024;

/** An injected or rolled 429 asks the client to come back this much later. */
const FAULT_RETRY_MS = 2_000;

const ROUTES: Record<string, { method: string; route: SimRoute }> = {
  '/models': { method: 'GET', route: 'models' },
  '/video/quote': { method: 'POST', route: 'quote' },
  '/video/queue': { method: 'POST', route: 'queue' },
  '/video/retrieve': { method: 'POST', route: 'retrieve' },
  '/video/complete': { method: 'POST', route: 'complete' },
};

export function exchangeFor(core: SimCore, req: IncomingMessage, res: ServerResponse): Exchange {
  return new Exchange(req, res, {
    counted: (label) => core.count(label),
    failedFor: (key) => core.failedFor(key),
    ended: (rec) => core.noteExchange(rec),
    clipBytesPerSecond: core.clipBytesPerSecond,
    serverDown: () => core.networkIsDown,
  });
}

function bearer(req: IncomingMessage): string | undefined {
  const m = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '');
  return m?.[1]?.trim() || undefined;
}

/** The generic faults any route can suffer. Returns true when one struck (and answered, or chose not to). */
export function genericFault(core: SimCore, ex: Exchange, route: SimRoute, queueId: string | undefined): boolean {
  const site = { route, ...(queueId ? { queueId } : {}) };
  if (core.faults.take('unauthorized_401', site)) {
    ex.json(401, { error: 'Authentication failed: invalid API key' });
    return true;
  }
  if (core.faults.take('hang', site)) {
    ex.hang();
    return true;
  }
  if (core.faults.take('rate_limit_429', site)) {
    ex.setHeader('x-ratelimit-remaining-requests', 0);
    ex.setHeader('x-ratelimit-reset-requests', Math.ceil((Date.now() + FAULT_RETRY_MS) / 1000));
    ex.json(429, { error: 'Rate limit exceeded: the model is overloaded, try again shortly' });
    return true;
  }
  if (core.faults.take('server_500', site)) {
    ex.json(500, { error: 'Inference failed: an internal error occurred' });
    return true;
  }
  if (core.faults.take('unavailable_503', site)) {
    ex.json(503, { error: 'The model is at capacity: try again later' });
    return true;
  }
  return false;
}

export async function handleApi(core: SimCore, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const ex = exchangeFor(core, req, res);
  const entry = url.pathname.startsWith(API_PREFIX + '/') ? ROUTES[url.pathname.slice(API_PREFIX.length).replace(/\/+$/, '')] : undefined;
  if (!entry) return ex.json(404, { error: `Not found: ${req.method} ${url.pathname}` });
  if (req.method !== entry.method) {
    ex.setHeader('allow', entry.method);
    return ex.json(405, { error: `Method not allowed: use ${entry.method}` });
  }
  const route = entry.route;
  core.stats.requests[route] += 1;
  ex.route = route;

  const key = bearer(req);
  if (key !== undefined && !core.apiKeys.has(key)) return ex.json(401, { error: 'Authentication failed: invalid API key' });
  if (key === undefined && route !== 'models') return ex.json(401, { error: 'Authentication failed: missing API key' });

  if (key !== undefined) {
    ex.key = key;
    ex.setHeader('x-venice-balance-usd', String(core.ledger.balance()));
    ex.setHeader('x-venice-balance-diem', '0.00');
    const verdict = core.limiter.admit(key, route);
    ex.setHeader('x-ratelimit-limit-requests', verdict.limit);
    ex.setHeader('x-ratelimit-remaining-requests', verdict.remaining);
    ex.setHeader('x-ratelimit-reset-requests', verdict.resetAt);
    if (!verdict.allowed) {
      core.stats.rateLimited += 1;
      const why =
        verdict.reason === 'lockout'
          ? 'Too many failed requests: this API key is blocked for a while'
          : `Rate limit exceeded: at most ${verdict.limit} ${route} requests per minute`;
      return ex.json(429, { error: why });
    }
  }

  let body: unknown;
  if (req.method === 'POST') {
    const raw = await readBody(req, MAX_BODY_BYTES);
    if (raw.tooLarge) return ex.json(413, { error: 'Request payload too large: the limit is about 25 MB' });
    try {
      body = raw.text.trim() === '' ? undefined : JSON.parse(raw.text);
    } catch {
      return ex.json(400, { error: 'Invalid request', details: { _errors: ['The body is not valid JSON'] }, issues: [] });
    }
  }
  const fields = body !== null && typeof body === 'object' ? (body as Record<string, unknown>) : {};
  const model = typeof fields.model === 'string' ? findSimModel(fields.model) : undefined;
  const warning = model && deprecationWarning(model);
  if (warning) ex.setHeader('x-venice-model-deprecation-warning', warning);

  if (typeof fields.queue_id === 'string') ex.queueId = fields.queue_id;
  // A real network and server take time to answer (the crash tests need requests that are in flight for a while).
  if (core.answerDelayMs > 0) await new Promise((r) => setTimeout(r, Math.floor(core.rng() * core.answerDelayMs)));
  if (ex.answered) return;
  if (genericFault(core, ex, route, ex.queueId)) return;

  switch (route) {
    case 'models':
      return handleModels(core, ex, url);
    case 'quote':
      return handleQuote(core, ex, body);
    case 'queue':
      return handleQueue(core, ex, body);
    case 'retrieve':
      return handleRetrieve(core, ex, body);
    case 'complete':
      return handleComplete(core, ex, body);
    default:
      return ex.json(404, { error: 'Not found' });
  }
}
