/**
 * The simulator's options for the studio bench: a shorter limit window, a run time and estimate per job
 * (generations of 30 s to 6 min, each job its own), and one shared render per clip spec.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../main/core/venice/simulator';
import { post, queueJob, waitUntilDone } from '../helpers/sim-http';

const FAST = 'sim-fast-text-to-video';
const clip = (prompt: string) => ({ model: FAST, prompt, duration: '1s', audio: false });
const open: Simulator[] = [];

async function sim(opts: SimulatorOptions): Promise<Simulator> {
  const s = await startSimulator({ processingMs: 200, seed: 1, ...opts });
  open.push(s);
  return s;
}

afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

describe('simulator time scale', () => {
  it('counts the per-route limits in the given window instead of a minute', async () => {
    const s = await sim({ limits: { queuePerMinute: 2, windowMs: 5_000 } });
    expect((await post(s, '/video/queue', clip('a'))).status).toBe(200);
    expect((await post(s, '/video/queue', clip('b'))).status).toBe(200);
    const over = await post(s, '/video/queue', clip('c'));
    expect(over.status).toBe(429);
    // The slot frees when the first call leaves the 5 s window, not a minute later (unix seconds, rounded up).
    const reset = Number(over.headers.get('x-ratelimit-reset-requests'));
    expect(reset).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000) + 6);
    expect(reset).toBeGreaterThan(Date.now() / 1000);
    expect(s.stats().rateLimited).toBe(1);
  });

  it('gives each job the run time and estimate the hook returns, and the default to the others', async () => {
    const s = await sim({
      processingMs: 150,
      jobTiming: (job) => (job.prompt.startsWith('long') ? { processingMs: 60_000, estimateMs: 72_000 } : undefined),
    });
    const long = await queueJob(s, clip('long shot'));
    const short = await queueJob(s, clip('short shot'));
    const answer = await post(s, '/video/retrieve', { model: FAST, queue_id: long.queue_id });
    expect(await answer.json()).toMatchObject({ status: 'PROCESSING', average_execution_time: 72_000 });
    const first = (await (await post(s, '/video/retrieve', { model: FAST, queue_id: short.queue_id })).json()) as { average_execution_time: number };
    // The default estimate: 1.1x to 1.3x the simulator's processingMs.
    expect(first.average_execution_time).toBeGreaterThanOrEqual(165);
    expect(first.average_execution_time).toBeLessThanOrEqual(195);
    // The short job is ready once rendered; the long one still generates.
    const done = await waitUntilDone(s, FAST, short.queue_id, {}, 15_000);
    expect(done.headers.get('content-type')).toMatch(/^video\//);
    await done.arrayBuffer();
    const still = await post(s, '/video/retrieve', { model: FAST, queue_id: long.queue_id });
    expect(await still.json()).toMatchObject({ status: 'PROCESSING' });
  });

  it('renders once per clip spec when asked to share renders, and every job still gets a whole clip', async () => {
    const s = await sim({ processingMs: 100, shareRenders: true });
    const jobs = [await queueJob(s, clip('first')), await queueJob(s, clip('second')), await queueJob(s, { ...clip('third'), duration: '2s' })];
    const bodies = [];
    for (const j of jobs) {
      const done = await waitUntilDone(s, FAST, j.queue_id, {}, 15_000);
      expect(done.headers.get('content-type')).toMatch(/^video\//);
      bodies.push(Buffer.from(await done.arrayBuffer()));
    }
    // The two 1 s jobs share one render (the same bytes); the 2 s job has its own.
    expect(bodies[0]!.length).toBeGreaterThan(1_000);
    expect(bodies[0]!.equals(bodies[1]!)).toBe(true);
    expect(bodies[2]!.equals(bodies[0]!)).toBe(false);
  });
});
