/**
 * Plain-fetch helpers for talking to the Venice simulator in tests (deliberately not the product's client, so the
 * simulator is checked against the wire contract itself), plus ffprobe for checking the clips it renders.
 */
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import type { Simulator } from '../../main/core/venice/simulator';

const run = promisify(execFile);

export const SIM_KEY = 'sim-key';

export interface CallOptions {
  key?: string | null;
  signal?: AbortSignal;
}

/** POSTs JSON to `/api/v1<path>` with the bearer key (null: no Authorization header). */
export function post(sim: Simulator, path: string, body: unknown, opts: CallOptions = {}): Promise<Response> {
  const key = opts.key === undefined ? SIM_KEY : opts.key;
  return fetch(sim.url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    signal: opts.signal,
  });
}

export function get(sim: Simulator, path: string, opts: CallOptions = {}): Promise<Response> {
  const key = opts.key === undefined ? SIM_KEY : opts.key;
  return fetch(sim.url + path, { headers: key ? { authorization: `Bearer ${key}` } : {}, signal: opts.signal });
}

export async function queueJob(sim: Simulator, body: Record<string, unknown>): Promise<{ model: string; queue_id: string; download_url?: string }> {
  const res = await post(sim, '/video/queue', body);
  if (res.status !== 200) throw new Error(`queue answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as { model: string; queue_id: string; download_url?: string };
}

/** Polls retrieve until the answer is no longer PROCESSING; returns that answer (body unread). */
export async function waitUntilDone(
  sim: Simulator,
  model: string,
  queueId: string,
  extra: Record<string, unknown> = {},
  timeoutMs = 30_000,
): Promise<Response> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await post(sim, '/video/retrieve', { model, queue_id: queueId, ...extra });
    const type = res.headers.get('content-type') ?? '';
    if (res.status !== 200 || !type.startsWith('application/json')) return res;
    const text = await res.text();
    if (!text.includes('PROCESSING')) return new Response(text, { status: res.status, headers: res.headers });
    if (Date.now() > deadline) throw new Error(`job ${queueId} still processing after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function saveBody(res: Response, file: string): Promise<number> {
  const bytes = Buffer.from(await res.arrayBuffer());
  await writeFile(file, bytes);
  return bytes.length;
}

export interface Probe {
  duration: number;
  width: number | undefined;
  height: number | undefined;
  videoCodec: string | undefined;
  pixFmt: string | undefined;
  hasAudio: boolean;
  audioCodec: string | undefined;
}

export async function probe(file: string): Promise<Probe> {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_type,codec_name,width,height,pix_fmt:format=duration', '-of', 'json', file]);
  const info = JSON.parse(stdout) as {
    streams: Array<{ codec_type: string; codec_name: string; width?: number; height?: number; pix_fmt?: string }>;
    format: { duration: string };
  };
  const video = info.streams.find((s) => s.codec_type === 'video');
  const audio = info.streams.find((s) => s.codec_type === 'audio');
  return {
    duration: Number(info.format.duration),
    width: video?.width,
    height: video?.height,
    videoCodec: video?.codec_name,
    pixFmt: video?.pix_fmt,
    hasAudio: audio !== undefined,
    audioCodec: audio?.codec_name,
  };
}
