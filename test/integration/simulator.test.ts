/**
 * The Venice simulator over real HTTP (fetch), rendering real clips with ffmpeg and checked with ffprobe. Every
 * test starts its own simulator so rate windows, lockouts and ledgers never leak between tests.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { rulesFromModel } from '../../main/core/venice/model-rules';
import { ModelListResponseSchema, QueueResponseSchema } from '../../main/core/venice/schemas';
import { FAULT_KINDS, SIM_MODELS, startSimulator, type Simulator, type SimulatorOptions } from '../../main/core/venice/simulator';
import { SIM_KEY, get, post, probe, queueJob, saveBody, waitUntilDone } from '../helpers/sim-http';

const FAST = 'sim-fast-text-to-video';
const WAN = 'sim-wan-2.5-text-to-video';
const VEO = 'sim-veo-3-fast-text-to-video';
const I2V = 'sim-kling-2.1-image-to-video';
const PRIVATE = 'sim-sora-2-private-text-to-video';
const LEGACY = 'sim-ltx-legacy-text-to-video';
const fastClip = (extra: Record<string, unknown> = {}) => ({ model: FAST, prompt: 'A red kite over a beach', duration: '1s', audio: false, ...extra });

let tmp: string;
const open: Simulator[] = [];
const faultsSeen = new Set<string>();

async function sim(opts: SimulatorOptions = {}): Promise<Simulator> {
  const s = await startSimulator({ processingMs: 200, seed: 1, ...opts });
  open.push(s);
  return s;
}

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'sim-test-'));
  return () => rm(tmp, { recursive: true, force: true });
});

afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

const nowSeconds = () => Date.now() / 1000;

describe('models', () => {
  it('lists video models in Venice’s shape, with every awkward corner represented', async () => {
    const s = await sim();
    const res = await get(s, '/models?type=video', { key: null });
    expect(res.status).toBe(200);
    const list = ModelListResponseSchema.parse(await res.json());
    expect(list.object).toBe('list');
    expect(list.data.map((m) => m.id)).toEqual(SIM_MODELS.map((m) => m.id));
    for (const m of list.data) {
      expect(m.id.startsWith('sim-')).toBe(true);
      expect(m.type).toBe('video');
      expect(m.model_spec?.constraints?.durations?.length).toBeGreaterThan(0);
    }
    const rules = Object.fromEntries(list.data.map((m) => [m.id, rulesFromModel(m)]));
    expect(rules[WAN]).toMatchObject({ durations: ['5s', '10s'], promptLimit: 2500, audioConfigurable: true });
    expect(rules[VEO]).toMatchObject({ durations: ['4s', '6s', '8s'], promptLimit: 1500, audio: true, audioConfigurable: false });
    expect(rules[I2V]).toMatchObject({ kind: 'image-to-video', aspectRatios: null, requiresImage: true });
    expect(rules[LEGACY]?.deprecation).toBe('2026-06-30');
    expect(rules[LEGACY]?.promptLimit).toBe(2500); // absent from the spec: Venice's default
    expect(list.data.find((m) => m.id === LEGACY)?.model_spec?.constraints?.prompt_character_limit).toBeUndefined();
    expect(rules[FAST]).toMatchObject({ resolutions: ['480p'], durations: ['1s', '2s', '3s'] });

    expect((await get(s, '/models?type=video', { key: 'wrong' })).status).toBe(401);
    const authed = await get(s, '/models?type=video');
    expect(authed.headers.get('x-venice-balance-usd')).toBe('100');
    expect(authed.headers.get('cf-ray')).toMatch(/-SIM$/);
  });

  it('answers unknown routes with a JSON 404 and a missing key with 401', async () => {
    const s = await sim();
    const res = await get(s, '/nope');
    expect(res.status).toBe(404);
    expect(await res.json()).toHaveProperty('error');
    expect((await post(s, '/video/quote', { model: FAST, duration: '1s' }, { key: null })).status).toBe(401);
  });
});

describe('quote', () => {
  it('prices per second and resolution, adds the audio surcharge, and creates nothing', async () => {
    const s = await sim();
    const quote = async (body: Record<string, unknown>) => {
      const res = await post(s, '/video/quote', body);
      expect(res.status).toBe(200);
      return ((await res.json()) as { quote: number }).quote;
    };
    expect(await quote({ model: WAN, duration: '5s', resolution: '720p', audio: false })).toBe(0.5);
    expect(await quote({ model: WAN, duration: '5s', resolution: '720p', audio: true })).toBe(0.65);
    expect(await quote({ model: WAN, duration: '10s', resolution: '1080p', audio: false })).toBe(1.5);
    expect(await quote({ model: WAN, duration: '5s' })).toBe(0.65); // defaults: 720p, audio on
    expect(await quote({ model: VEO, duration: '8s', resolution: '720p' })).toBe(2);
    expect(await quote({ model: FAST, duration: '2s', audio: true })).toBe(0.03);
    expect(s.ledger()).toEqual([]);
    expect(s.jobs()).toEqual([]);
    expect(s.balance()).toBe(100);
  });

  it('marks requests naming a deprecated model with the deprecation header', async () => {
    const s = await sim();
    const res = await post(s, '/video/quote', { model: LEGACY, duration: '5s' });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-venice-model-deprecation-warning')).toMatch(/deprecated.*2026-06-30/);
    expect((await post(s, '/video/quote', { model: FAST, duration: '1s' })).headers.get('x-venice-model-deprecation-warning')).toBeNull();
  });
});

describe('queue and the ledger', () => {
  it('charges at queue time, reports the balance before the request, and answers 402 when broke', async () => {
    const s = await sim({ balanceUsd: 0.05 });
    const res = await post(s, '/video/queue', fastClip({ duration: '2s', audio: true }));
    expect(res.status).toBe(200);
    expect(res.headers.get('x-venice-balance-usd')).toBe('0.05');
    const body = QueueResponseSchema.parse(await res.json());
    expect(body.model).toBe(FAST);
    expect(body.queue_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(body.download_url).toBeUndefined();
    expect(s.balance()).toBeCloseTo(0.02, 6);
    expect(s.ledger()).toEqual([expect.objectContaining({ queueId: body.queue_id, model: FAST, amountUsd: 0.03, kind: 'charge' })]);
    expect(s.jobs()).toEqual([expect.objectContaining({ queueId: body.queue_id, duration: '2s', resolution: '480p', aspectRatio: '16:9', audio: true, chargedUsd: 0.03 })]);

    const broke = await post(s, '/video/queue', fastClip({ duration: '2s', audio: true }));
    expect(broke.status).toBe(402);
    expect(broke.headers.get('x-venice-balance-usd')).toBe('0.02');
    expect(await broke.json()).toHaveProperty('error');
    expect(s.jobs()).toHaveLength(1);
    expect(s.ledger()).toHaveLength(1);
  });
});

describe('strict validation', () => {
  async function rejected(s: Simulator, body: unknown, status = 400) {
    const res = await post(s, '/video/queue', body);
    expect(res.status).toBe(status);
    return (await res.json()) as { error: string; details: Record<string, { _errors: string[] }>; issues: unknown[] };
  }

  it('names the offending field and charges nothing', async () => {
    const s = await sim();
    const unknown = await rejected(s, fastClip({ seed: 42 }));
    expect(unknown.error).toBe('Invalid request');
    expect(unknown.details.seed?._errors[0]).toMatch(/Unrecognized key/);
    expect(unknown.issues.length).toBeGreaterThan(0);

    expect((await rejected(s, fastClip({ duration: '5s' }))).details.duration?._errors[0]).toMatch(/1s, 2s, 3s/);
    expect((await rejected(s, fastClip({ resolution: '1080p' }))).details.resolution?._errors[0]).toMatch(/480p/);
    const aspect = await rejected(s, { model: I2V, prompt: 'x', duration: '5s', image_url: 'https://example.com/a.png', aspect_ratio: '16:9' });
    expect(aspect.details.aspect_ratio?._errors[0]).toMatch(/does not accept aspect_ratio/);
    expect((await rejected(s, { model: VEO, prompt: 'x'.repeat(1501), duration: '4s' })).details.prompt?._errors[0]).toMatch(/1500/);
    expect((await rejected(s, { model: I2V, prompt: 'x', duration: '5s' })).details.image_url?._errors[0]).toMatch(/required/);
    expect((await rejected(s, fastClip({ negative_prompt: 'n'.repeat(2501) }))).details.negative_prompt).toBeDefined();
    expect((await rejected(s, fastClip({ model: 'sim-nope' }))).details.model?._errors[0]).toMatch(/Unknown model/);
    expect((await rejected(s, { model: VEO, prompt: 'x', duration: '4s', audio: false })).details.audio).toBeDefined();
    expect((await rejected(s, fastClip({ image_url: 'https://example.com/a.png' }))).details.image_url).toBeDefined();
    // An image-to-video request done right is accepted (it has no aspect ratio: the clip is 16:9).
    const ok = await post(s, '/video/queue', { model: I2V, prompt: 'x', duration: '5s', resolution: '480p', image_url: 'https://example.com/a.png' });
    expect(ok.status).toBe(200);
    expect(s.jobs()).toEqual([expect.objectContaining({ model: I2V, aspectRatio: null })]);
    expect(s.ledger()).toHaveLength(1);
  });

  it('refuses bodies over ~25 MB with 413', async () => {
    const s = await sim();
    const image = `data:image/png;base64,${'A'.repeat(26 * 1024 * 1024)}`;
    const res = await post(s, '/video/queue', { model: I2V, prompt: 'x', duration: '5s', image_url: image });
    expect(res.status).toBe(413);
    expect(s.jobs()).toEqual([]);
  });
});

describe('retrieve and complete', () => {
  it('answers PROCESSING, then streams an MP4 with the requested duration, size and audio', async () => {
    const s = await sim({ processingMs: 400 });
    const cases = [
      { duration: '2s', aspect_ratio: '9:16', audio: true, w: 480, h: 854 },
      { duration: '1s', aspect_ratio: '1:1', audio: false, w: 480, h: 480 },
      { duration: '3s', aspect_ratio: '16:9', audio: false, w: 854, h: 480 },
    ];
    const queued = [];
    for (const c of cases) queued.push(await queueJob(s, fastClip({ duration: c.duration, aspect_ratio: c.aspect_ratio, audio: c.audio })));

    const first = await post(s, '/video/retrieve', { model: FAST, queue_id: queued[0]?.queue_id });
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toMatch(/^application\/json/);
    const processing = (await first.json()) as { status: string; average_execution_time: number; execution_duration: number };
    expect(processing.status).toBe('PROCESSING');
    expect(processing.average_execution_time).toBeGreaterThanOrEqual(400);
    expect(processing.execution_duration).toBeGreaterThanOrEqual(0);
    expect(s.jobs()[0]?.status).toBe('processing');

    for (const [i, c] of cases.entries()) {
      const res = await waitUntilDone(s, FAST, queued[i]?.queue_id ?? '');
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('video/mp4');
      const file = path.join(tmp, `clip-${i}.mp4`);
      const bytes = await saveBody(res, file);
      expect(bytes).toBe(Number(res.headers.get('content-length')));
      const p = await probe(file);
      expect(Math.abs(p.duration - Number.parseFloat(c.duration))).toBeLessThanOrEqual(0.2);
      expect([p.width, p.height]).toEqual([c.w, c.h]);
      expect(p.videoCodec).toBe('h264');
      expect(p.pixFmt).toBe('yuv420p');
      expect(p.hasAudio).toBe(c.audio);
      if (c.audio) expect(p.audioCodec).toBe('aac');
    }
    expect(s.jobs().map((j) => j.status)).toEqual(['ready', 'ready', 'ready']);
  });

  it('deletes the media on complete (and with delete_media_on_completion); later retrieves are 404', async () => {
    const s = await sim({ apiKeys: [SIM_KEY, 'other-key'] });
    const a = await queueJob(s, fastClip());
    const b = await queueJob(s, fastClip());
    expect((await waitUntilDone(s, FAST, a.queue_id)).status).toBe(200);
    // Another key of the simulator cannot see (or delete) this key's job.
    expect((await post(s, '/video/retrieve', { model: FAST, queue_id: a.queue_id }, { key: 'other-key' })).status).toBe(404);
    expect((await post(s, '/video/complete', { model: FAST, queue_id: a.queue_id }, { key: 'other-key' })).status).toBe(404);
    const done = await post(s, '/video/complete', { model: FAST, queue_id: a.queue_id });
    expect(done.status).toBe(200);
    expect(await done.json()).toEqual({ success: true });
    expect((await post(s, '/video/retrieve', { model: FAST, queue_id: a.queue_id })).status).toBe(404);
    expect((await post(s, '/video/complete', { model: FAST, queue_id: a.queue_id })).status).toBe(404);

    const once = await waitUntilDone(s, FAST, b.queue_id, { delete_media_on_completion: true });
    expect(once.headers.get('content-type')).toBe('video/mp4');
    await once.arrayBuffer();
    await expect.poll(async () => (await post(s, '/video/retrieve', { model: FAST, queue_id: b.queue_id })).status).toBe(404);
    expect(s.jobs().map((j) => j.status)).toEqual(['completed', 'completed']);
    expect((await post(s, '/video/retrieve', { model: FAST, queue_id: '00000000-0000-0000-0000-000000000000' })).status).toBe(404);
  });

  it('survives a failed render: the job answers 500 once due, the server keeps serving', async () => {
    const s = await sim({ ffmpegPath: path.join(tmp, 'no-such-ffmpeg') });
    const q = await queueJob(s, fastClip());
    const res = await waitUntilDone(s, FAST, q.queue_id);
    expect(res.status).toBe(500);
    expect(((await res.json()) as { error: string }).error).toMatch(/Inference failed/);
    expect((await post(s, '/video/quote', { model: FAST, duration: '1s' })).status).toBe(200);
  });

  it('gives private models a pre-signed download link and answers "COMPLETED" when ready', async () => {
    const s = await sim();
    const q = await queueJob(s, { model: PRIVATE, prompt: 'A lighthouse at dusk', duration: '4s', resolution: '480p', audio: true });
    expect(q.download_url).toBeDefined();
    const link = new URL(q.download_url ?? '');
    expect(link.origin).toBe(s.origin);
    expect(link.pathname).toMatch(/^\/_share\/[A-Za-z0-9_-]{40,}$/);

    const done = await waitUntilDone(s, PRIVATE, q.queue_id);
    expect(done.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await done.json()).toBe('COMPLETED');

    s.injectFault({ kind: 'truncated_download', route: 'download' });
    const cut = await fetch(q.download_url ?? '');
    expect(cut.status).toBe(200);
    expect(await cut.arrayBuffer().then((b) => b.byteLength, () => -1)).toBeLessThan(Number(cut.headers.get('content-length')));

    const dl = await fetch(q.download_url ?? ''); // no Authorization header
    expect(dl.status).toBe(200);
    expect(dl.headers.get('content-type')).toBe('video/mp4');
    const file = path.join(tmp, 'private.mp4');
    expect(await saveBody(dl, file)).toBe(Number(dl.headers.get('content-length')));
    const p = await probe(file);
    expect(Math.abs(p.duration - 4)).toBeLessThanOrEqual(0.2);
    expect([p.width, p.height, p.hasAudio]).toEqual([854, 480, true]);

    expect((await fetch(`${s.origin}/_share/not-a-real-token-at-all`)).status).toBe(404);
    expect((await post(s, '/video/complete', { model: PRIVATE, queue_id: q.queue_id })).status).toBe(200);
    expect((await fetch(q.download_url ?? '')).status).toBe(404);
    expect(s.stats().requests.download).toBe(4);
  });
});

describe('rate limits and lockout', () => {
  it('defaults to 40 queue and 120 retrieve requests per minute', async () => {
    const s = await sim();
    const q = await post(s, '/video/queue', fastClip());
    expect(q.headers.get('x-ratelimit-limit-requests')).toBe('40');
    expect(q.headers.get('x-ratelimit-remaining-requests')).toBe('39');
    const { queue_id } = (await q.json()) as { queue_id: string };
    const r = await post(s, '/video/retrieve', { model: FAST, queue_id });
    expect(r.headers.get('x-ratelimit-limit-requests')).toBe('120');
    expect(r.headers.get('x-ratelimit-remaining-requests')).toBe('119');
  });

  it('answers the queue request over the limit with 429 and a reset time in unix seconds', async () => {
    const s = await sim({ limits: { queuePerMinute: 3 } });
    for (let i = 0; i < 3; i++) {
      const res = await post(s, '/video/queue', fastClip());
      expect(res.status).toBe(200);
      expect(res.headers.get('x-ratelimit-remaining-requests')).toBe(String(2 - i));
    }
    const over = await post(s, '/video/queue', fastClip());
    expect(over.status).toBe(429);
    expect(await over.json()).toHaveProperty('error');
    const reset = Number(over.headers.get('x-ratelimit-reset-requests'));
    expect(Number.isInteger(reset)).toBe(true);
    expect(reset).toBeGreaterThan(nowSeconds() + 50);
    expect(reset).toBeLessThanOrEqual(nowSeconds() + 61);
    expect(over.headers.get('x-ratelimit-remaining-requests')).toBe('0');
    expect(s.jobs()).toHaveLength(3);
    // Other routes have their own window.
    expect((await post(s, '/video/quote', { model: FAST, duration: '1s' })).status).toBe(200);
    expect(s.stats().rateLimited).toBe(1);
  });

  it('blocks a key for 30 s after more than 20 errors in 30 s', async () => {
    const s = await sim();
    for (let i = 0; i < 20; i++) expect((await post(s, '/video/quote', { model: FAST, duration: '9s' })).status).toBe(400);
    expect((await post(s, '/video/quote', { model: FAST, duration: '1s' })).status).toBe(200);
    expect((await post(s, '/video/quote', { model: FAST, duration: '9s' })).status).toBe(400); // the 21st
    const blocked = await post(s, '/video/quote', { model: FAST, duration: '1s' });
    expect(blocked.status).toBe(429);
    const reset = Number(blocked.headers.get('x-ratelimit-reset-requests'));
    expect(reset).toBeGreaterThan(nowSeconds() + 25);
    expect(reset).toBeLessThanOrEqual(nowSeconds() + 31);
    expect((await get(s, '/models?type=video')).status).toBe(429);
    expect(s.stats()).toMatchObject({ lockouts: 1, rateLimited: 2 });
  });

  it('counts injected faults as errors, and lets the key back in after the lockout', async () => {
    const s = await sim({ limits: { errorThreshold: 2, lockoutMs: 300 } });
    s.injectFault({ kind: 'server_500', route: 'quote', count: 3 });
    for (let i = 0; i < 3; i++) expect((await post(s, '/video/quote', { model: FAST, duration: '1s' })).status).toBe(500);
    expect((await post(s, '/video/quote', { model: FAST, duration: '1s' })).status).toBe(429);
    await new Promise((r) => setTimeout(r, 350));
    expect((await post(s, '/video/quote', { model: FAST, duration: '1s' })).status).toBe(200);
    expect(s.stats().lockouts).toBe(1);
    faultsSeen.add('server_500');
  });
});

describe('faults', () => {
  const quote = (s: Simulator, opts: { signal?: AbortSignal } = {}) => post(s, '/video/quote', { model: FAST, duration: '1s' }, opts);

  it('rate_limit_429, server_500 and unavailable_503 strike the next matching request only', async () => {
    const s = await sim();
    s.injectFault({ kind: 'rate_limit_429', route: 'quote' });
    const limited = await quote(s);
    expect(limited.status).toBe(429);
    const reset = Number(limited.headers.get('x-ratelimit-reset-requests'));
    expect(reset).toBeGreaterThan(nowSeconds());
    expect(reset).toBeLessThan(nowSeconds() + 10);
    expect((await quote(s)).status).toBe(200);

    s.injectFault({ kind: 'unavailable_503', route: 'models' });
    expect((await quote(s)).status).toBe(200); // not the route it targets
    expect((await get(s, '/models?type=video')).status).toBe(503);

    const q = await queueJob(s, fastClip());
    s.injectFault({ kind: 'server_500', queueId: q.queue_id });
    expect((await post(s, '/video/retrieve', { model: FAST, queue_id: q.queue_id })).status).toBe(500);
    expect((await post(s, '/video/retrieve', { model: FAST, queue_id: q.queue_id })).status).toBe(200);
    expect(s.stats().statusCounts).toMatchObject({ '429': 1, '503': 1, '500': 1 });
    faultsSeen.add('rate_limit_429').add('unavailable_503').add('server_500');
  });

  it('hang never answers, and close() still ends promptly', async () => {
    const s = await sim();
    s.injectFault({ kind: 'hang', route: 'quote' });
    await expect(quote(s, { signal: AbortSignal.timeout(300) })).rejects.toThrow();
    expect(s.stats().statusCounts.hang).toBe(1);
    s.injectFault({ kind: 'hang' });
    const pending = quote(s).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 100));
    const t0 = Date.now();
    await s.close();
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(await pending).toBeInstanceOf(Error);
    faultsSeen.add('hang');
  });

  it('truncated_download sends a full Content-Length and cuts the body short', async () => {
    const s = await sim();
    const q = await queueJob(s, fastClip({ duration: '2s' }));
    await (await waitUntilDone(s, FAST, q.queue_id)).arrayBuffer();
    s.injectFault({ kind: 'truncated_download', queueId: q.queue_id });
    const res = await post(s, '/video/retrieve', { model: FAST, queue_id: q.queue_id });
    expect(res.status).toBe(200);
    const declared = Number(res.headers.get('content-length'));
    expect(declared).toBeGreaterThan(10_000);
    const got = await res.arrayBuffer().then((b) => b.byteLength, () => -1);
    expect(got).toBeLessThan(declared);
    // The clip is still there for the retry.
    const again = await post(s, '/video/retrieve', { model: FAST, queue_id: q.queue_id });
    expect((await again.arrayBuffer()).byteLength).toBe(declared);
    faultsSeen.add('truncated_download');
  });

  it('malformed_json on queue answers 200 with a broken body, after charging', async () => {
    const s = await sim();
    s.injectFault({ kind: 'malformed_json', route: 'queue' });
    const res = await post(s, '/video/queue', fastClip());
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(() => JSON.parse(text)).toThrow();
    expect(s.ledger()).toHaveLength(1);
    expect(s.jobs()).toHaveLength(1);
    faultsSeen.add('malformed_json');
  });

  it('expired_404 loses the media of a paid job', async () => {
    const s = await sim();
    const q = await queueJob(s, fastClip());
    s.injectFault({ kind: 'expired_404', route: 'retrieve' });
    expect((await post(s, '/video/retrieve', { model: FAST, queue_id: q.queue_id })).status).toBe(404);
    expect(s.jobs()[0]).toMatchObject({ status: 'expired', chargedUsd: 0.01 });
    expect(s.ledger()).toHaveLength(1);
    faultsSeen.add('expired_404');
  });

  it('content_policy_422 on queue charges nothing; on retrieve it refunds', async () => {
    const s = await sim();
    s.injectFault({ kind: 'content_policy_422', route: 'queue' });
    const refused = await post(s, '/video/queue', fastClip());
    expect(refused.status).toBe(422);
    expect(await refused.json()).toMatchObject({ error: 'Content policy violation', suggested_prompt: expect.any(String), credits_refunded: true });
    expect(s.ledger()).toEqual([]);
    expect(s.jobs()).toEqual([]);

    const q = await queueJob(s, fastClip({ duration: '3s' }));
    s.injectFault({ kind: 'content_policy_422', queueId: q.queue_id });
    const late = await post(s, '/video/retrieve', { model: FAST, queue_id: q.queue_id });
    expect(late.status).toBe(422);
    expect(await late.json()).toMatchObject({ credits_refunded: 0.03, suggested_prompt: expect.stringContaining('red kite') });
    expect(s.ledger().map((e) => [e.kind, e.amountUsd])).toEqual([['charge', 0.03], ['refund', 0.03]]);
    expect(s.balance()).toBe(100);
    expect((await post(s, '/video/retrieve', { model: FAST, queue_id: q.queue_id })).status).toBe(404);
    faultsSeen.add('content_policy_422');
  });

  it('charge_then_drop charges and creates the job but never answers', async () => {
    const s = await sim();
    s.injectFault({ kind: 'charge_then_drop' });
    await expect(post(s, '/video/queue', fastClip())).rejects.toThrow();
    expect(s.ledger()).toEqual([expect.objectContaining({ kind: 'charge', amountUsd: 0.01 })]);
    expect(s.jobs()).toHaveLength(1);
    expect(s.stats().statusCounts.dropped).toBe(1);
    faultsSeen.add('charge_then_drop');
  });

  it('placeholder_clip delivers a tiny placeholder instead of the clip', async () => {
    const s = await sim();
    s.injectFault({ kind: 'placeholder_clip' });
    const q = await queueJob(s, fastClip({ duration: '3s', audio: true }));
    const res = await waitUntilDone(s, FAST, q.queue_id);
    const file = path.join(tmp, 'placeholder.mp4');
    expect(await saveBody(res, file)).toBeLessThan(100 * 1024);
    const p = await probe(file);
    expect([p.width, p.height, p.hasAudio]).toEqual([64, 64, false]);
    expect(p.duration).toBeLessThan(1.5);
    faultsSeen.add('placeholder_clip');
  });

  it('unauthorized_401 refuses the next keyed request as a revoked key would, then lets the key back', async () => {
    const s = await sim();
    s.injectFault({ kind: 'unauthorized_401', route: 'quote' });
    const refused = await quote(s);
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ error: expect.stringMatching(/invalid API key/i) });
    expect((await quote(s)).status).toBe(200);
    expect(s.stats().statusCounts).toMatchObject({ '401': 1 });
    faultsSeen.add('unauthorized_401');
  });

  it('network_down refuses connections for its window, then the server answers again', async () => {
    const s = await sim();
    s.injectFault({ kind: 'network_down', forMs: 400 });
    await expect(quote(s, { signal: AbortSignal.timeout(2000) })).rejects.toThrow();
    await new Promise((r) => setTimeout(r, 600));
    expect((await quote(s)).status).toBe(200);
    faultsSeen.add('network_down');
  });

  it('rolls fault rates with the seed, so the same seed gives the same run', async () => {
    const statuses = async (seed: number) => {
      const s = await sim({ seed, faultRates: { server_500: 0.3, unavailable_503: 0.2 }, limits: { errorThreshold: 1000 } });
      const out: number[] = [];
      for (let i = 0; i < 25; i++) out.push((await quote(s)).status);
      return out;
    };
    const a = await statuses(7);
    expect(await statuses(7)).toEqual(a);
    expect(a).toContain(200);
    expect(a.some((x) => x >= 500)).toBe(true);
    expect(await statuses(8)).not.toEqual(a);
  });

  // Runs after the fault tests above (Vitest keeps file order): a fault kind added without a test fails here.
  it('has exercised every fault kind', () => {
    expect([...faultsSeen].sort()).toEqual([...FAULT_KINDS].sort());
  });
});

describe('state and admin', () => {
  it('keeps the ledger and jobs across a restart through statePath, re-rendering what is missing', async () => {
    const statePath = path.join(tmp, 'restart', 'state.json');
    const first = await sim({ statePath, balanceUsd: 10 });
    const q = await queueJob(first, fastClip({ duration: '2s' }));
    const origin = first.origin;
    await first.close();
    const saved = await readFile(statePath, 'utf8');
    expect(JSON.parse(saved)).toMatchObject({ version: 1 });
    expect(saved).not.toContain(SIM_KEY); // jobs remember their key by a hash only

    const second = await sim({ statePath, balanceUsd: 999 });
    expect(second.origin).toBe(origin); // the saved port is reused when free, so download links survive
    expect(second.balance()).toBeCloseTo(9.98, 6);
    expect(second.ledger()).toEqual([expect.objectContaining({ queueId: q.queue_id, amountUsd: 0.02 })]);
    expect(second.jobs()).toEqual([expect.objectContaining({ queueId: q.queue_id })]);
    const res = await waitUntilDone(second, FAST, q.queue_id);
    expect(res.headers.get('content-type')).toBe('video/mp4');
    const file = path.join(tmp, 'restarted.mp4');
    await saveBody(res, file);
    expect(Math.abs((await probe(file)).duration - 2)).toBeLessThanOrEqual(0.2);
  });

  it('drives a simulator over /_sim/ without an API key, with its admin token', async () => {
    const s = await sim();
    const token = { 'x-sim-admin-token': s.adminToken };
    const admin = (p: string, body?: unknown) =>
      fetch(`${s.origin}/_sim/${p}`, body === undefined ? { headers: token } : { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json', ...token } });

    expect((await admin('balance', { usd: 3.5 })).status).toBe(200);
    expect(s.balance()).toBe(3.5);
    expect((await admin('faults', { kind: 'unavailable_503', route: 'quote' })).status).toBe(200);
    expect((await admin('faults', { kind: 'nonsense' })).status).toBe(400);
    expect((await admin('faults', { kind: 'charge_then_drop', route: 'retrieve' })).status).toBe(400);
    expect((await quote(s)).status).toBe(503);

    const q = await queueJob(s, fastClip());
    expect((await admin('expire', { queueId: q.queue_id })).status).toBe(200);
    expect((await admin('expire', { queueId: 'nope' })).status).toBe(404);
    expect((await post(s, '/video/retrieve', { model: FAST, queue_id: q.queue_id })).status).toBe(404);

    const state = (await (await admin('state')).json()) as { balance: number; ledger: unknown[]; jobs: Array<{ status: string }>; stats: { requests: Record<string, number> } };
    expect(state.balance).toBeCloseTo(3.49, 6);
    expect(state.ledger).toHaveLength(1);
    expect(state.jobs.map((j) => j.status)).toEqual(['expired']);
    expect(state.stats.requests).toMatchObject({ quote: 1, queue: 1, retrieve: 1 });
  });

  function quote(s: Simulator) {
    return post(s, '/video/quote', { model: FAST, duration: '1s' });
  }
});

describe('cli', () => {
  it('prints where it listens and stops cleanly on SIGTERM', async () => {
    const statePath = path.join(tmp, 'cli', 'state.json');
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'main/core/venice/simulator/cli.ts', '--port', '0', '--balance', '7', '--seed', '1', '--state', statePath, '--fault-rate', 'server_500=0'],
      { cwd: fileURLToPath(new URL('../..', import.meta.url)), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    await expect.poll(() => out, { timeout: 20_000 }).toMatch(/Venice simulator listening on (http:\/\/\S+\/api\/v1).*sim-key/);
    await expect.poll(() => out, { timeout: 20_000 }).toMatch(/Admin token: \S+/);
    const url = /listening on (\S+)/.exec(out)?.[1] ?? '';
    const adminToken = /Admin token: (\S+)/.exec(out)?.[1] ?? '';
    const state = (await (await fetch(new URL('/_sim/state', url), { headers: { 'x-sim-admin-token': adminToken } })).json()) as { balance: number };
    expect(state.balance).toBe(7);
    const res = await fetch(`${url}/video/quote`, {
      method: 'POST',
      headers: { authorization: `Bearer ${SIM_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: FAST, duration: '1s' }),
    });
    expect(res.status).toBe(200);
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(existsSync(statePath)).toBe(true);
  });
});
