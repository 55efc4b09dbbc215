/**
 * Contract tests of the Venice client against the simulator over real HTTP: every success form of every endpoint
 * and every error the product must tell apart, with what the caller needs from each.
 */
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VeniceClient } from '../../main/core/venice/client';
import { VeniceError } from '../../main/core/venice/errors';
import { rulesFromModel } from '../../main/core/venice/model-rules';
import type { ResponseMeta } from '../../main/core/venice/response-meta';
import { startSimulator, type Simulator } from '../../main/core/venice/simulator';

const CANARY_KEY = 'vk-canary-Zq8Jt2Lm9Xr4Pw7K';
const FAST = 'sim-fast-text-to-video';
const job = (prompt = 'A lighthouse at dusk') => ({ model: FAST, prompt, duration: '1s', resolution: '480p', audio: false });

let sim: Simulator;
let dir: string;
const metas: Array<{ route: string; meta: ResponseMeta }> = [];
let client: VeniceClient;

function clientWith(key: string | undefined, timeouts: Partial<{ responseMs: number; queueResponseMs: number; idleMs: number }> = {}) {
  return new VeniceClient({
    baseUrl: sim.url,
    apiKey: () => key,
    timeouts: { connectMs: 2_000, responseMs: 3_000, queueResponseMs: 3_000, idleMs: 3_000, ...timeouts },
    onMeta: (route, meta) => metas.push({ route, meta }),
  });
}

async function failure(p: Promise<unknown>): Promise<VeniceError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(VeniceError);
    const err = e as VeniceError;
    // The key never travels inside an error, whatever its kind.
    expect(JSON.stringify(err)).not.toContain(CANARY_KEY);
    expect(err.message).not.toContain(CANARY_KEY);
    expect(String(err.stack)).not.toContain(CANARY_KEY);
    return err;
  }
  throw new Error('expected the call to fail');
}

async function waitReady(queueId: string, model = FAST): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const j = sim.jobs().find((x) => x.queueId === queueId);
    if (j?.status === 'ready') return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`job ${queueId} of ${model} never became ready`);
}

beforeAll(async () => {
  sim = await startSimulator({ apiKeys: [CANARY_KEY], processingMs: 300, seed: 3 });
  dir = mkdtempSync(path.join(os.tmpdir(), 'vb-client-'));
  client = clientWith(CANARY_KEY);
});
afterAll(async () => {
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('success forms', () => {
  it('lists video models and turns their constraints into rules', async () => {
    const list = await client.listModels();
    const rules = list.data.map(rulesFromModel);
    const fast = rules.find((r) => r.id === FAST);
    expect(fast).toMatchObject({ kind: 'text-to-video', durations: ['1s', '2s', '3s'], resolutions: ['480p'] });
    expect(rules.some((r) => r.aspectRatios === null && r.requiresImage)).toBe(true);
    expect(rules.some((r) => r.deprecation)).toBe(true);
  });

  it('quotes, with audio changing the price', async () => {
    const silent = await client.quote({ model: FAST, duration: '2s', resolution: '480p', audio: false });
    const loud = await client.quote({ model: FAST, duration: '2s', resolution: '480p', audio: true });
    expect(silent.quoteUsd).toBeGreaterThan(0);
    expect(loud.quoteUsd).toBeGreaterThan(silent.quoteUsd);
  });

  it('queues, reads the balance, polls PROCESSING, streams the MP4 to disk, completes', async () => {
    const before = sim.balance();
    const q = await client.queue(job('queue and fetch'));
    expect(q.queueId).toBeTruthy();
    expect(q.meta.balanceUsd).toBeCloseTo(before, 6);
    expect(sim.balance()).toBeLessThan(before);

    const first = await client.retrieve({ model: FAST, queue_id: q.queueId }, path.join(dir, 'never.mp4'));
    expect(first.kind).toBe('processing');
    if (first.kind === 'processing') expect(first.averageExecutionMs).toBeGreaterThan(0);
    expect(existsSync(path.join(dir, 'never.mp4'))).toBe(false);

    await waitReady(q.queueId);
    const dest = path.join(dir, 'clip.mp4');
    let sawVideo = false;
    const done = await client.retrieve({ model: FAST, queue_id: q.queueId }, dest, { onVideo: () => (sawVideo = true) });
    expect(done.kind).toBe('video');
    expect(sawVideo).toBe(true);
    if (done.kind === 'video') expect(done.bytes).toBe(statSync(dest).size);

    await client.complete({ model: FAST, queue_id: q.queueId });
    const gone = await failure(client.retrieve({ model: FAST, queue_id: q.queueId }, path.join(dir, 'gone.mp4')));
    expect(gone.kind).toBe('not_found');
    expect(gone.retryable).toBe(false);
  });

  it('follows the private-model form: a download link at queue time, COMPLETED, then a plain GET', async () => {
    const model = 'sim-sora-2-private-text-to-video';
    const q = await client.queue({ model, prompt: 'private clip', duration: '4s', resolution: '480p', aspect_ratio: '16:9' });
    expect(q.downloadUrl).toMatch(/^http/);
    await waitReady(q.queueId, model);
    const r = await client.retrieve({ model, queue_id: q.queueId }, path.join(dir, 'unused.mp4'));
    expect(r.kind).toBe('completed');
    const dl = await client.downloadFromUrl(q.downloadUrl!, path.join(dir, 'private.mp4'));
    expect(dl.bytes).toBeGreaterThan(10_000);
    expect(dl.bytes).toBe(dl.expectedBytes);
  });

  it('surfaces the deprecation warning header', async () => {
    const legacy = (await client.listModels()).data.map(rulesFromModel).find((m) => m.deprecation)!;
    metas.length = 0;
    await client.quote({ model: legacy.id, duration: legacy.durations[0]!, resolution: legacy.resolutions[0] });
    expect(metas.find((m) => m.route === 'quote')?.meta.deprecationWarning).toBeTruthy();
  });
});

describe('errors', () => {
  it('400 names the field; an unknown field never leaves the client', async () => {
    const err = await failure(client.queue({ ...job(), duration: '7s' }));
    expect(err).toMatchObject({ kind: 'bad_request', status: 400, mayHaveBeenCharged: false, retryable: false });
    expect(err.fieldErrors.map((f) => f.field)).toContain('duration');
    const local = await failure(client.queue({ ...job(), colour: 'red' } as never));
    expect(local.kind).toBe('bad_request');
    expect(local.status).toBeUndefined();
  });

  it('401 for a bad key, without echoing it', async () => {
    const err = await failure(clientWith('wrong-key-123456').queue(job()));
    expect(err).toMatchObject({ kind: 'unauthorized', status: 401, mayHaveBeenCharged: false });
    const none = await failure(clientWith(undefined).queue(job()));
    expect(none.kind).toBe('unauthorized');
  });

  it('402 when the balance runs out, and nothing is charged', async () => {
    const keep = sim.balance();
    sim.setBalance(0.001);
    const err = await failure(client.queue(job()));
    expect(err).toMatchObject({ kind: 'insufficient_balance', status: 402, mayHaveBeenCharged: false });
    expect(sim.balance()).toBeCloseTo(0.001, 6);
    sim.setBalance(keep);
  });

  it('413 for a payload over Venice’s limit', async () => {
    const huge = `data:image/png;base64,${'A'.repeat(26 * 1024 * 1024)}`;
    const err = await failure(client.queue({ model: 'sim-kling-2.1-image-to-video', prompt: 'x', duration: '5s', image_url: huge }));
    expect(err.kind).toBe('payload_too_large');
  });

  it('422 carries the suggested prompt and the refund', async () => {
    sim.injectFault({ kind: 'content_policy_422', route: 'queue' });
    const err = await failure(client.queue(job('something spicy')));
    expect(err).toMatchObject({ kind: 'content_policy', status: 422, mayHaveBeenCharged: false, retryable: false });
    expect(err.suggestedPrompt).toBeTruthy();
    expect(err.creditsRefunded).toBeDefined();
  });

  it('429 carries the reset time as an instant', async () => {
    sim.injectFault({ kind: 'rate_limit_429', route: 'quote' });
    const err = await failure(client.quote({ model: FAST, duration: '1s' }));
    expect(err).toMatchObject({ kind: 'rate_limited', status: 429, retryable: true });
    expect(err.resetAt).toBeGreaterThan(Date.now());
  });

  it('5xx on queue may have been charged; on retrieve it is simply retryable', async () => {
    sim.injectFault({ kind: 'server_500', route: 'queue' });
    const q500 = await failure(client.queue(job('server error on queue')));
    expect(q500).toMatchObject({ kind: 'server_error', mayHaveBeenCharged: true, retryable: false });
    sim.injectFault({ kind: 'unavailable_503', route: 'retrieve' });
    const r503 = await failure(client.retrieve({ model: FAST, queue_id: 'x' }, path.join(dir, 'x.mp4')));
    expect(r503).toMatchObject({ kind: 'unavailable', status: 503, mayHaveBeenCharged: false, retryable: true });
  });

  it('a charge followed by a dropped connection is "may have been charged"', async () => {
    sim.injectFault({ kind: 'charge_then_drop', route: 'queue' });
    const err = await failure(client.queue(job('dropped after charge')));
    expect(err).toMatchObject({ kind: 'network', mayHaveBeenCharged: true, retryable: false });
    expect(sim.ledger().filter((e) => e.prompt === 'dropped after charge' && e.kind === 'charge')).toHaveLength(1);
  });

  it('a hang times out: in doubt on queue, retryable on retrieve', async () => {
    const impatient = clientWith(CANARY_KEY, { responseMs: 400, queueResponseMs: 400 });
    sim.injectFault({ kind: 'hang', route: 'queue' });
    const q = await failure(impatient.queue(job('hung queue')));
    expect(q).toMatchObject({ kind: 'timeout', mayHaveBeenCharged: true, retryable: false });
    sim.injectFault({ kind: 'hang', route: 'retrieve' });
    const r = await failure(impatient.retrieve({ model: FAST, queue_id: 'x' }, path.join(dir, 'h.mp4')));
    expect(r).toMatchObject({ kind: 'timeout', mayHaveBeenCharged: false, retryable: true });
  });

  it('malformed JSON on a 200 queue answer means charged but id unknown', async () => {
    sim.injectFault({ kind: 'malformed_json', route: 'queue' });
    const err = await failure(client.queue(job('garbled answer')));
    expect(err).toMatchObject({ kind: 'protocol', mayHaveBeenCharged: true });
  });

  it('a cut-off clip download is retryable and leaves no partial file', async () => {
    const q = await client.queue(job('truncate me'));
    await waitReady(q.queueId);
    sim.injectFault({ kind: 'truncated_download', route: 'retrieve' });
    const dest = path.join(dir, 'partial.mp4');
    const err = await failure(client.retrieve({ model: FAST, queue_id: q.queueId }, dest));
    expect(err).toMatchObject({ kind: 'truncated', retryable: true });
    expect(existsSync(dest)).toBe(false);
    const again = await client.retrieve({ model: FAST, queue_id: q.queueId }, dest);
    expect(again.kind).toBe('video');
  });

  it('a refused connection was never delivered: safe to send again', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = net.createServer();
      s.listen(0, '127.0.0.1', () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    const dead = new VeniceClient({ baseUrl: `http://127.0.0.1:${port}/api/v1`, apiKey: () => CANARY_KEY });
    const err = await failure(dead.queue(job()));
    expect(err).toMatchObject({ kind: 'network', networkCode: 'ECONNREFUSED', mayHaveBeenCharged: false, retryable: true });
  });
});
