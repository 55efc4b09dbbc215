/**
 * The five Venice video routes, after the gate in api.ts has authenticated, rate-limited and parsed the request.
 * Route-specific faults strike here, at the point where they would on Venice: a content-policy refusal before the
 * charge, a dropped answer after it, a truncated body only once there is a clip to send.
 */
import { ownerOf, type SimCore } from './core';
import type { Exchange } from './exchange';
import type { SimJob } from './jobs';
import { SIM_MODELS, modelToWire } from './models';
import { priceUsd } from './pricing';
import { validateComplete, validateQueue, validateQuote, validateRetrieve, type JobRef } from './validate';

const NOT_FOUND = { error: 'Media not found: the video expired, was deleted, or never existed' };

/** What Venice's moderation suggests instead of a refused prompt. */
export function softenedPrompt(prompt: string): string {
  const gist = prompt.replace(/\s+/g, ' ').trim().slice(0, 200);
  return `A calm, family-friendly scene inspired by: ${gist}`;
}

export function handleModels(core: SimCore, ex: Exchange, url: URL): void {
  const type = url.searchParams.get('type');
  const data = type === null || type === 'video' || type === 'all' ? SIM_MODELS.map(modelToWire) : [];
  const answer = { object: 'list', type: type ?? 'video', data };
  return core.faults.take('malformed_json', { route: 'models' }) ? ex.malformed(answer) : ex.json(200, answer);
}

export function handleQuote(core: SimCore, ex: Exchange, body: unknown): void {
  const v = validateQuote(body);
  if (!v.ok) return ex.json(v.status, v.body);
  const { model, duration, resolution, audio } = v.value;
  const answer = { quote: priceUsd(model, duration, resolution, audio) };
  return core.faults.take('malformed_json', { route: 'quote' }) ? ex.malformed(answer) : ex.json(200, answer);
}

export function handleQueue(core: SimCore, ex: Exchange, body: unknown): void {
  const v = validateQueue(body);
  if (!v.ok) return ex.json(v.status, v.body);
  const p = v.value;
  if (core.faults.take('content_policy_422', { route: 'queue' })) {
    // Refused before any charge: nothing to refund, so the credits are "refunded" in full.
    return ex.json(422, { error: 'Content policy violation', suggested_prompt: softenedPrompt(p.prompt), credits_refunded: true });
  }
  const price = priceUsd(p.model, p.duration, p.resolution, p.audio);
  if (!core.ledger.canAfford(price)) {
    return ex.json(402, { error: `Insufficient USD or Diem balance to complete request (needs $${price.toFixed(2)})` });
  }
  const placeholder = core.faults.take('placeholder_clip', { route: 'queue' });
  const job = core.queueJob(p, ex.key ?? '', price, placeholder);
  // The classic in-doubt case: charged and queued, but the answer never arrives.
  if (core.faults.take('charge_then_drop', { route: 'queue', queueId: job.queueId })) return ex.drop();
  const downloadUrl = core.downloadUrl(job);
  const answer = { model: job.model, queue_id: job.queueId, ...(downloadUrl ? { download_url: downloadUrl } : {}) };
  if (core.faults.take('malformed_json', { route: 'queue', queueId: job.queueId })) return ex.malformed(answer);
  ex.json(200, answer);
}

/** The job a retrieve/complete names, if this key may see it and it still holds media. */
function liveJob(core: SimCore, ex: Exchange, ref: JobRef): SimJob | undefined {
  const job = core.jobs.get(ref.queueId);
  if (!job || job.owner !== ownerOf(ex.key ?? '') || job.model !== ref.model.id || job.state !== 'active') return undefined;
  return job;
}

export async function handleRetrieve(core: SimCore, ex: Exchange, body: unknown): Promise<void> {
  const v = validateRetrieve(body);
  if (!v.ok) return ex.json(v.status, v.body);
  const job = liveJob(core, ex, v.value);
  if (!job) return ex.json(404, NOT_FOUND);
  const site = { route: 'retrieve' as const, queueId: job.queueId };

  if (core.faults.take('expired_404', site)) {
    core.endJob(job, 'expired');
    return ex.json(404, NOT_FOUND);
  }
  if (core.faults.take('content_policy_422', site)) {
    // Moderation after generation: the charge is refunded and the media is gone.
    core.refund(job);
    core.endJob(job, 'expired');
    return ex.json(422, { error: 'Content policy violation', suggested_prompt: softenedPrompt(job.prompt), credits_refunded: job.chargedUsd });
  }

  const now = Date.now();
  const render = core.jobs.render(job.queueId);
  if (render.state === 'failed' && now >= job.readyAt) {
    return ex.json(500, { error: `Inference failed: ${render.error ?? 'the video could not be generated'}` });
  }
  if (core.jobs.status(job, now) === 'processing') {
    const answer = { status: 'PROCESSING', average_execution_time: job.estimateMs, execution_duration: now - job.queuedAt };
    return core.faults.take('malformed_json', site) ? ex.malformed(answer) : ex.json(200, answer);
  }
  if (job.downloadToken) {
    // Private models: the clip is fetched from the download_url; the flag applies to that download.
    if (v.value.deleteMediaOnCompletion && !job.deleteAfterDownload) {
      job.deleteAfterDownload = true;
      core.save();
    }
    return core.faults.take('malformed_json', site) ? ex.malformed('COMPLETED') : ex.json(200, 'COMPLETED');
  }
  const delivered = await ex.clip(core.renderer.clipPath(job.queueId), { truncate: core.faults.take('truncated_download', site) });
  if (delivered && v.value.deleteMediaOnCompletion) core.endJob(job, 'completed');
}

export function handleComplete(core: SimCore, ex: Exchange, body: unknown): void {
  const v = validateComplete(body);
  if (!v.ok) return ex.json(v.status, v.body);
  const job = liveJob(core, ex, v.value);
  if (!job) return ex.json(404, NOT_FOUND);
  core.endJob(job, 'completed');
  const answer = { success: true };
  return core.faults.take('malformed_json', { route: 'complete', queueId: job.queueId }) ? ex.malformed(answer) : ex.json(200, answer);
}
