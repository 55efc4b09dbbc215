/**
 * Starts the simulator: loads saved state, opens the work directory, listens, and returns the in-process handle.
 * The server tracks its sockets itself so close() can end hung requests too (a hung answer has no timer to clear:
 * it is just an open socket), then kills renders and removes the work directory it created.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { handleAdmin, expireJob } from './admin';
import { handleApi } from './api';
import { SimCore } from './core';
import { DEFAULT_LIMITS } from './limits';
import { loadState } from './persist';
import { randomSeed, seededRng } from './random';
import { Renderer } from './render';
import { handleShare } from './share';
import { SERVER_FAULTS } from './faults';
import { FAULT_KINDS, type FaultKind, type SimulatorOptions, type Simulator } from './types';

export const DEFAULT_API_KEY = 'sim-key';

function checkOptions(opts: SimulatorOptions): void {
  if (opts.apiKeys && opts.apiKeys.length === 0) throw new Error('apiKeys must hold at least one key');
  if (opts.processingMs !== undefined && !(opts.processingMs >= 0)) throw new Error('processingMs must be 0 or more');
  for (const [kind, rate] of Object.entries(opts.faultRates ?? {})) {
    if (!FAULT_KINDS.includes(kind as never)) throw new Error(`Unknown fault kind ${kind}`);
    if (SERVER_FAULTS.has(kind as FaultKind)) throw new Error(`${kind} strikes the whole server: inject it with forMs instead of a rate`);
    if (!(typeof rate === 'number' && rate >= 0 && rate <= 1)) throw new Error(`The rate of ${kind} must be between 0 and 1`);
  }
}

async function route(core: SimCore, req: IncomingMessage, res: ServerResponse, adminToken: string): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://simulator.invalid');
  if (url.pathname.startsWith('/_sim/')) return handleAdmin(core, req, res, url, adminToken);
  const share = /^\/_share\/([A-Za-z0-9_-]+)$/.exec(url.pathname);
  if (share?.[1]) return handleShare(core, req, res, share[1]);
  return handleApi(core, req, res, url);
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (e: Error) => {
      server.off('listening', onListening);
      reject(e);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

export async function startSimulator(opts: SimulatorOptions = {}): Promise<Simulator> {
  checkOptions(opts);
  // The admin routes change the ledger and inject faults: like browser mode, they answer only a holder of the token.
  const adminToken = opts.adminToken ?? randomBytes(24).toString('base64url');
  const host = opts.host ?? '127.0.0.1';
  const saved = opts.statePath ? loadState(opts.statePath) : undefined;
  const ownsWorkDir = opts.workDir === undefined;
  const workDir = opts.workDir ?? (await mkdtemp(path.join(os.tmpdir(), 'venice-sim-')));
  await mkdir(workDir, { recursive: true });

  const renderer = new Renderer(workDir, opts.ffmpegPath, opts.shareRenders);
  const core = new SimCore({
    apiKeys: opts.apiKeys ?? [DEFAULT_API_KEY],
    processingMs: opts.processingMs ?? 3000,
    jobTiming: opts.jobTiming,
    limits: { ...DEFAULT_LIMITS, ...opts.limits },
    faultRates: opts.faultRates ?? {},
    rng: seededRng(opts.seed ?? randomSeed()),
    renderer,
    statePath: opts.statePath,
    saved,
    balanceUsd: opts.balanceUsd ?? 100,
    answerDelayMs: opts.answerDelayMs,
    clipBytesPerSecond: opts.clipBytesPerSecond,
  });

  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    route(core, req, res, adminToken).catch((e: unknown) => {
      // A bug or a client that vanished mid-request: answer if still possible, never take the server down.
      if (!res.headersSent && !res.destroyed) {
        console.error('venice simulator: internal error', e);
        res.writeHead(500, { 'content-type': 'application/json; charset=utf-8' });
        res.end(JSON.stringify({ error: 'Simulator internal error' }));
      } else {
        res.destroy();
      }
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  // With saved state, try the previous run's port first: download links handed out then point at it.
  const preferred = opts.port ?? saved?.port ?? 0;
  try {
    await listen(server, preferred, host);
  } catch (e) {
    if (opts.port !== undefined || preferred === 0 || (e as NodeJS.ErrnoException).code !== 'EADDRINUSE') {
      if (ownsWorkDir) await rm(workDir, { recursive: true, force: true });
      throw e;
    }
    await listen(server, 0, host);
  }
  const { port } = server.address() as AddressInfo;
  const origin = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  core.origin = origin;
  core.port = port;
  core.resumeRenders();
  core.save();
  // Tests in another process (and the Rehearsal e2e) read the admin token here; the data folder is the user's own.
  if (opts.statePath) await writeFile(`${opts.statePath.replace(/\.json$/i, '')}.admin-token`, `${adminToken}\n`, { mode: 0o600 });

  let closing: Promise<void> | undefined;
  // The network going down: stop listening (new connections are refused) and reset every open connection, then
  // listen again on the same port when the outage ends, so saved download links keep working.
  let outage: { timer: NodeJS.Timeout; back: Promise<void> } | undefined;
  core.networkDown = (ms) => {
    if (outage || closing) return;
    let timer: NodeJS.Timeout | undefined;
    core.networkIsDown = true;
    const back = new Promise<void>((resolve) => {
      server.close();
      for (const s of sockets) s.destroy();
      timer = setTimeout(() => {
        outage = undefined;
        core.networkIsDown = false;
        if (closing) return resolve();
        listen(server, port, host).then(resolve, (e: Error) => {
          console.error(`venice simulator: could not listen again on port ${port}: ${e.message}`);
          resolve();
        });
      }, ms);
    });
    outage = { timer: timer as unknown as NodeJS.Timeout, back };
  };

  const close = () =>
    (closing ??= (async () => {
      if (outage) {
        clearTimeout(outage.timer);
        outage = undefined;
      } else {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          for (const s of sockets) s.destroy();
          server.closeAllConnections();
        });
      }
      for (const s of sockets) s.destroy();
      await renderer.close();
      if (ownsWorkDir) await rm(workDir, { recursive: true, force: true });
    })());

  return {
    url: `${origin}/api/v1`,
    origin,
    adminToken,
    injectFault: (spec) => core.inject(spec),
    setBalance: (usd) => {
      core.ledger.setBalance(usd);
      core.save();
    },
    balance: () => core.ledger.balance(),
    ledger: () => core.ledger.list(),
    jobs: () => core.jobs.all().map((j) => core.jobs.view(j)),
    stats: () => structuredClone(core.stats),
    expire: (queueId) => {
      if (!expireJob(core, queueId)) throw new Error(`The simulator has no job ${queueId}`);
    },
    firedFaults: () => core.faults.firedFaults(),
    exchanges: () => core.exchanges(),
    close,
  };
}
