/**
 * The simulator's video jobs. A job is ready when BOTH its processing time has passed AND its clip has been rendered;
 * the render state lives only in memory (a restarted simulator re-renders what is missing), everything else is
 * persisted with the ledger.
 */
import type { SimJobStatus, SimJobView } from './types';

export interface SimJob {
  queueId: string;
  /** Hash of the key that queued it (see ownerOf): another key asking about it gets a 404, as on Venice. */
  owner: string;
  model: string;
  prompt: string;
  negativePrompt: string;
  duration: string;
  resolution: string;
  aspectRatio: string | null;
  audio: boolean;
  chargedUsd: number;
  queuedAt: number;
  /** Not ready before this instant (queuedAt + processingMs as configured when it was queued). */
  readyAt: number;
  /** What retrieve reports as average_execution_time: a P80-ish estimate of the whole run, with seeded jitter. */
  estimateMs: number;
  /** Silent moderation: this job renders a tiny placeholder instead of the real clip. */
  placeholder: boolean;
  /** Private models: the unguessable token of the pre-signed download link. */
  downloadToken?: string;
  /** A retrieve asked for delete_media_on_completion before the clip went out through its download link. */
  deleteAfterDownload?: boolean;
  state: 'active' | 'completed' | 'expired';
}

export type RenderState = 'pending' | 'done' | 'failed';

export class JobBook {
  private readonly jobs = new Map<string, SimJob>();
  private readonly renders = new Map<string, { state: RenderState; error?: string }>();

  constructor(saved: SimJob[]) {
    for (const j of saved) this.jobs.set(j.queueId, { ...j });
  }

  add(job: SimJob): void {
    this.jobs.set(job.queueId, job);
    this.renders.set(job.queueId, { state: 'pending' });
  }

  get(queueId: string): SimJob | undefined {
    return this.jobs.get(queueId);
  }

  byToken(token: string): SimJob | undefined {
    for (const j of this.jobs.values()) if (j.downloadToken === token) return j;
    return undefined;
  }

  all(): SimJob[] {
    return [...this.jobs.values()];
  }

  setRender(queueId: string, state: RenderState, error?: string): void {
    this.renders.set(queueId, { state, ...(error ? { error } : {}) });
  }

  render(queueId: string): { state: RenderState; error?: string } {
    return this.renders.get(queueId) ?? { state: 'pending' };
  }

  status(job: SimJob, now: number = Date.now()): SimJobStatus {
    if (job.state !== 'active') return job.state;
    return now >= job.readyAt && this.render(job.queueId).state === 'done' ? 'ready' : 'processing';
  }

  view(job: SimJob): SimJobView {
    return {
      queueId: job.queueId,
      model: job.model,
      prompt: job.prompt,
      duration: job.duration,
      resolution: job.resolution,
      aspectRatio: job.aspectRatio,
      audio: job.audio,
      status: this.status(job),
      chargedUsd: job.chargedUsd,
    };
  }

  snapshot(): SimJob[] {
    return this.all().map((j) => ({ ...j }));
  }
}
