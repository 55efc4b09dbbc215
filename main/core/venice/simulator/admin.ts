/**
 * `/_sim/*`: lets a test drive a simulator running in ANOTHER process (the engine's crash tests kill and restart a
 * CLI simulator). No rate limits, and it can set the balance and inject faults, so it has browser mode's guard: a
 * loopback client only, this server's own Host (a DNS-rebinding name is refused), no other site's Origin (a page's
 * simple cross-site POST needs no preflight), and the admin token in `x-sim-admin-token`.
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { SimCore } from './core';
import { readBody } from './exchange';
import { FaultSpecSchema } from './faults';

const BalanceSchema = z.strictObject({ usd: z.number().finite() });
const ExpireSchema = z.strictObject({ queueId: z.string().min(1) });

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function isLoopback(address: string | undefined): boolean {
  return address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1' || /^127\./.test(address ?? '');
}

/** The state every admin reader sees: the same data as the in-process API. */
export function simState(core: SimCore) {
  return {
    balance: core.ledger.balance(),
    ledger: core.ledger.list(),
    jobs: core.jobs.all().map((j) => core.jobs.view(j)),
    stats: structuredClone(core.stats),
    pendingFaults: core.faults.waiting(),
    firedFaults: core.faults.firedFaults(),
  };
}

export function expireJob(core: SimCore, queueId: string): boolean {
  const job = core.jobs.get(queueId);
  if (!job) return false;
  if (job.state === 'active') core.endJob(job, 'expired');
  return true;
}

export const ADMIN_TOKEN_HEADER = 'x-sim-admin-token';

function sameToken(given: string | string[] | undefined, token: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Why this request may not use the admin routes, or undefined when it may. */
function refusal(core: SimCore, req: IncomingMessage, token: string): { status: number; error: string } | undefined {
  if (!isLoopback(req.socket.remoteAddress)) return { status: 403, error: 'The simulator admin API answers loopback clients only' };
  const hosts = new Set([`127.0.0.1:${core.port}`, `localhost:${core.port}`, `[::1]:${core.port}`]);
  if (!hosts.has(String(req.headers.host ?? ''))) return { status: 421, error: 'The simulator admin API answers only to its own address' };
  const origin = req.headers.origin;
  if (origin !== undefined && ![...hosts].some((h) => origin === `http://${h}`)) return { status: 403, error: 'Requests from other sites are refused' };
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return { status: 403, error: 'Requests from other sites are refused' };
  if (!sameToken(req.headers[ADMIN_TOKEN_HEADER], token)) return { status: 401, error: `Send the admin token in ${ADMIN_TOKEN_HEADER}` };
  return undefined;
}

export async function handleAdmin(core: SimCore, req: IncomingMessage, res: ServerResponse, url: URL, token: string): Promise<void> {
  const refused = refusal(core, req, token);
  if (refused) return send(res, refused.status, { error: refused.error });
  const action = `${req.method} ${url.pathname}`;
  if (action === 'GET /_sim/state') return send(res, 200, simState(core));
  if (action === 'GET /_sim/exchanges') return send(res, 200, { exchanges: core.exchanges() });

  let body: unknown;
  try {
    const raw = await readBody(req, 1024 * 1024);
    body = raw.tooLarge ? undefined : JSON.parse(raw.text || 'null');
  } catch {
    return send(res, 400, { error: 'The body is not valid JSON' });
  }
  const parseWith = <T extends z.ZodType>(schema: T): z.infer<T> | undefined => {
    const r = schema.safeParse(body);
    if (!r.success) send(res, 400, { error: 'Invalid request', issues: r.error.issues });
    return r.success ? r.data : undefined;
  };

  switch (action) {
    case 'POST /_sim/faults': {
      const spec = parseWith(FaultSpecSchema);
      if (!spec) return;
      try {
        core.inject(spec);
      } catch (e) {
        return send(res, 400, { error: (e as Error).message });
      }
      return send(res, 200, { ok: true, pendingFaults: core.faults.waiting() });
    }
    case 'POST /_sim/balance': {
      const b = parseWith(BalanceSchema);
      if (!b) return;
      core.ledger.setBalance(b.usd);
      core.save();
      return send(res, 200, { ok: true, balance: core.ledger.balance() });
    }
    case 'POST /_sim/expire': {
      const e = parseWith(ExpireSchema);
      if (!e) return;
      return expireJob(core, e.queueId) ? send(res, 200, { ok: true }) : send(res, 404, { error: `No job ${e.queueId}` });
    }
    default:
      return send(res, 404, { error: `Unknown admin call: ${action}` });
  }
}
