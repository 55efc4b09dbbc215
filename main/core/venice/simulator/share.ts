/**
 * Pre-signed download links (`/_share/<token>`) of the private models. Like a real pre-signed URL the link itself
 * is the credential: a plain GET with no Authorization header, no API-key rate window, valid about a day.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { exchangeFor, genericFault } from './api';
import { DOWNLOAD_LINK_TTL_MS, type SimCore } from './core';

const GONE = { error: 'Not found: the link expired or the video was deleted' };

export async function handleShare(core: SimCore, req: IncomingMessage, res: ServerResponse, token: string): Promise<void> {
  const ex = exchangeFor(core, req, res);
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    ex.setHeader('allow', 'GET, HEAD');
    return ex.json(405, { error: 'Method not allowed' });
  }
  core.stats.requests.download += 1;
  ex.route = 'download';
  const job = core.jobs.byToken(token);
  const now = Date.now();
  if (!job || job.state !== 'active' || now > job.queuedAt + DOWNLOAD_LINK_TTL_MS) return ex.json(404, GONE);
  ex.queueId = job.queueId;
  if (genericFault(core, ex, 'download', job.queueId)) return;
  const site = { route: 'download' as const, queueId: job.queueId };
  if (core.faults.take('expired_404', site)) {
    core.endJob(job, 'expired');
    return ex.json(404, GONE);
  }
  const render = core.jobs.render(job.queueId);
  if (render.state === 'failed' && now >= job.readyAt) return ex.json(500, { error: 'The video could not be generated' });
  if (core.jobs.status(job, now) !== 'ready') return ex.json(404, { error: 'Not found: the video is not ready yet' });
  const delivered = await ex.clip(core.renderer.clipPath(job.queueId), { truncate: core.faults.take('truncated_download', site) });
  if (delivered && req.method === 'GET' && job.deleteAfterDownload) core.endJob(job, 'completed');
}
