/**
 * The simulator's state and the few operations that change it (queue a job, end a job, refund, render), shared by
 * the HTTP routes and the in-process API. Each change is persisted before the answer that reveals it is sent.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { FaultBook } from './faults';
import { JobBook, type SimJob } from './jobs';
import { Ledger } from './ledger';
import { Limiter } from './limits';
import { findSimModel } from './models';
import { saveState, type SavedState } from './persist';
import type { Rng } from './random';
import { captionFor, frameSize } from './render-args';
import type { Renderer } from './render';
import { SIM_ROUTES, type ExchangeRecord, type FaultKind, type FaultSpec, type SimLimits, type SimRoute, type SimStats, type SimulatorOptions } from './types';
import type { QueueParams } from './validate';

/** A pre-signed link is good for about a day, as on Venice. */
export const DOWNLOAD_LINK_TTL_MS = 24 * 60 * 60 * 1000;

/** Jobs remember which key queued them by a hash, so a state file never holds a key. */
export function ownerOf(apiKey: string): string {
  return createHash('sha256').update(apiKey).digest('hex').slice(0, 16);
}

export interface CoreConfig {
  apiKeys: string[];
  processingMs: number;
  jobTiming?: SimulatorOptions['jobTiming'];
  limits: SimLimits;
  faultRates: Partial<Record<FaultKind, number>>;
  rng: Rng;
  renderer: Renderer;
  statePath: string | undefined;
  saved: SavedState | undefined;
  balanceUsd: number;
  answerDelayMs?: number;
  clipBytesPerSecond?: number;
}

/** The most exchanges kept in the journal. */
const MAX_EXCHANGES = 100_000;

export class SimCore {
  readonly apiKeys: ReadonlySet<string>;
  readonly processingMs: number;
  private readonly jobTiming: SimulatorOptions['jobTiming'];
  readonly rng: Rng;
  readonly ledger: Ledger;
  readonly jobs: JobBook;
  readonly faults: FaultBook;
  readonly limiter: Limiter;
  readonly renderer: Renderer;
  readonly stats: SimStats;
  readonly answerDelayMs: number;
  readonly clipBytesPerSecond: number | undefined;
  /** Set once the server listens; download links are built from it. */
  origin = '';
  port: number | undefined;
  /** Set by the server: takes it off the network for a while (see `network_down`). */
  networkDown: ((ms: number) => void) | undefined;
  /** True during a `network_down` outage. */
  networkIsDown = false;
  private readonly statePath: string | undefined;
  private readonly journal: ExchangeRecord[] = [];

  constructor(cfg: CoreConfig) {
    this.apiKeys = new Set(cfg.apiKeys);
    this.processingMs = cfg.processingMs;
    this.jobTiming = cfg.jobTiming;
    this.rng = cfg.rng;
    this.ledger = new Ledger(cfg.saved?.ledger ?? { balanceUsd: cfg.balanceUsd, entries: [] });
    this.jobs = new JobBook(cfg.saved?.jobs ?? []);
    this.faults = new FaultBook(cfg.faultRates, cfg.rng);
    this.limiter = new Limiter(cfg.limits);
    this.renderer = cfg.renderer;
    this.statePath = cfg.statePath;
    this.answerDelayMs = cfg.answerDelayMs ?? 0;
    this.clipBytesPerSecond = cfg.clipBytesPerSecond;
    this.stats = {
      requests: Object.fromEntries(SIM_ROUTES.map((r) => [r, 0])) as Record<SimRoute, number>,
      statusCounts: {},
      rateLimited: 0,
      lockouts: 0,
    };
  }

  /** Injects a fault: per-request faults go to the fault book, server faults act at once. */
  inject(spec: FaultSpec): void {
    const s = FaultBook.check(spec);
    if (s.kind !== 'network_down') return this.faults.inject(s);
    if (!this.networkDown) throw new Error('The network cannot go down before the server listens');
    this.faults.record('network_down', 'server');
    this.networkDown(s.forMs ?? 0);
  }

  /** Records how an exchange ended (see ExchangeOutcome). */
  noteExchange(rec: ExchangeRecord): void {
    if (this.journal.length >= MAX_EXCHANGES) this.journal.shift();
    this.journal.push(rec);
  }

  exchanges(): ExchangeRecord[] {
    return this.journal.map((r) => ({ ...r }));
  }

  save(): void {
    if (!this.statePath) return;
    saveState(this.statePath, {
      version: 1,
      ...(this.port === undefined ? {} : { port: this.port }),
      ledger: this.ledger.snapshot(),
      jobs: this.jobs.snapshot(),
    });
  }

  downloadUrl(job: SimJob): string | undefined {
    return job.downloadToken ? `${this.origin}/_share/${job.downloadToken}` : undefined;
  }

  /** Charges the ledger, creates the job, persists both, and starts its render. */
  queueJob(p: QueueParams, apiKey: string, priceUsd: number, placeholder: boolean): SimJob {
    const now = Date.now();
    const queueId = randomUUID();
    const timing = this.jobTiming?.({ model: p.model.id, prompt: p.prompt, duration: p.duration, resolution: p.resolution });
    const processingMs = timing?.processingMs ?? this.processingMs;
    const job: SimJob = {
      queueId,
      owner: ownerOf(apiKey),
      model: p.model.id,
      prompt: p.prompt,
      negativePrompt: p.negativePrompt ?? '',
      duration: p.duration,
      resolution: p.resolution,
      aspectRatio: p.aspectRatio,
      audio: p.audio,
      chargedUsd: priceUsd,
      queuedAt: now,
      readyAt: now + processingMs,
      // Venice's average_execution_time is a P80-ish estimate of the whole run: 1.1x to 1.3x the real time.
      estimateMs: Math.round(timing?.estimateMs ?? processingMs * (1.1 + 0.2 * this.rng())),
      placeholder,
      state: 'active',
      ...(p.model.privateDownload ? { downloadToken: randomBytes(32).toString('base64url') } : {}),
    };
    this.ledger.charge({ queueId, model: job.model, amountUsd: priceUsd, prompt: job.prompt });
    this.jobs.add(job);
    this.save();
    this.startRender(job);
    return job;
  }

  startRender(job: SimJob): void {
    const model = findSimModel(job.model);
    const size = frameSize(job.resolution, job.aspectRatio);
    const footer = `${job.model} | ${job.duration} ${job.resolution} ${job.aspectRatio ?? 'auto'} | ${job.queueId.slice(0, 8)}`;
    this.jobs.setRender(job.queueId, 'pending');
    this.renderer.enqueue(
      {
        queueId: job.queueId,
        caption: captionFor(job.prompt, footer, size),
        args: {
          size,
          fps: model?.fps ?? 24,
          seconds: Number.parseFloat(job.duration) || 1,
          audio: job.audio,
          placeholder: job.placeholder,
        },
      },
      (ok, error) => {
        this.jobs.setRender(job.queueId, ok ? 'done' : 'failed', error);
        // Finished after the job was completed or expired: the clip is not wanted any more.
        if (ok && job.state !== 'active') void this.renderer.deleteClip(job.queueId).catch(() => undefined);
      },
    );
  }

  /** A restarted simulator re-renders the clips of live jobs whose files are gone (a fresh work directory). */
  resumeRenders(): void {
    for (const job of this.jobs.all()) {
      if (job.state !== 'active') continue;
      if (this.renderer.hasClip(job.queueId)) this.jobs.setRender(job.queueId, 'done');
      else this.startRender(job);
    }
  }

  /** Completed (downloaded/acknowledged) or expired: either way the media is deleted and retrieve answers 404. */
  endJob(job: SimJob, state: 'completed' | 'expired'): void {
    job.state = state;
    this.save();
    void this.renderer.deleteClip(job.queueId).catch(() => undefined);
  }

  refund(job: SimJob): void {
    this.ledger.refund({ queueId: job.queueId, model: job.model, amountUsd: job.chargedUsd, prompt: job.prompt });
    this.save();
  }

  count(label: string): void {
    this.stats.statusCounts[label] = (this.stats.statusCounts[label] ?? 0) + 1;
  }

  /** A non-2xx answer for `key`; may start a lockout. */
  failedFor(key: string): void {
    if (this.limiter.recordError(key)) this.stats.lockouts += 1;
  }
}
