/**
 * ffmpeg and ffprobe run with no VENICE_* variable in their environment (the API key among them): the binaries the
 * app uses here are wrappers that write down the environment they were given, then hand over to the real tools.
 */
import { chmodSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useMediaBinaries } from '../../main/core/media/ffmpeg-binaries';
import { runFfmpeg } from '../../main/core/media/ffmpeg-run';
import { probeMedia } from '../../main/core/media/probe';
import { verifyClip } from '../../main/core/media/verify-clip';
import { startSimulator } from '../../main/core/venice/simulator';

const KEY = 'vk-env-canary-7Yt3Qp9Lm2Xw5Rb8';
let dir: string;
let wrappers: string;
let dumps: string;

function wrapper(name: string): void {
  const real = execFileSync('sh', ['-c', `command -v ${name}`]).toString().trim();
  const file = path.join(wrappers, name);
  writeFileSync(file, `#!/bin/sh\nenv > "${dumps}/${name}-$$.env"\nexec "${real}" "$@"\n`);
  chmodSync(file, 0o755);
}

function dumped(prefix: string): string[] {
  return readdirSync(dumps)
    .filter((f) => f.startsWith(prefix))
    .map((f) => readFileSync(path.join(dumps, f), 'utf8'));
}

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'vb-child-env-'));
  wrappers = path.join(dir, 'bin');
  dumps = path.join(dir, 'dumps');
  execFileSync('mkdir', ['-p', wrappers, dumps]);
  wrapper('ffmpeg');
  wrapper('ffprobe');
  process.env.VENICE_API_KEY = KEY;
  process.env.VENICE_BASE_URL = 'https://api.venice.ai/api/v1';
  expect(useMediaBinaries({ settingDir: wrappers }).source).toBe('setting');
});
afterAll(() => {
  delete process.env.VENICE_API_KEY;
  delete process.env.VENICE_BASE_URL;
  rmSync(dir, { recursive: true, force: true });
});

describe('media children', () => {
  it('ffmpeg, ffprobe and the simulator renderer get no VENICE_* variable', async () => {
    const clip = path.join(dir, 'clip.mp4');
    await runFfmpeg({ args: ['-y', '-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=10', '-t', '1', '-pix_fmt', 'yuv420p', clip] });
    expect(existsSync(clip)).toBe(true);
    expect((await probeMedia(clip)).video?.width).toBe(320);
    expect((await verifyClip(clip, { durationSec: 1 })).ok).toBe(true);

    const sim = await startSimulator({ ffmpegPath: path.join(wrappers, 'ffmpeg'), processingMs: 0, seed: 1 });
    try {
      const res = await fetch(`${sim.url}/video/queue`, {
        method: 'POST',
        headers: { authorization: 'Bearer sim-key', 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'sim-fast-text-to-video', prompt: 'env check', duration: '1s', resolution: '480p', audio: false }),
      });
      expect(res.status).toBe(200);
      const start = Date.now();
      while (!sim.jobs().some((j) => j.status === 'ready') && Date.now() - start < 30_000) await new Promise((r) => setTimeout(r, 50));
    } finally {
      await sim.close();
    }

    const ffmpegEnvs = dumped('ffmpeg-');
    const ffprobeEnvs = dumped('ffprobe-');
    expect(ffmpegEnvs.length).toBeGreaterThanOrEqual(2); // ours and the simulator's
    expect(ffprobeEnvs.length).toBeGreaterThanOrEqual(2);
    for (const env of [...ffmpegEnvs, ...ffprobeEnvs]) {
      expect(env).toContain('PATH=');
      expect(env).not.toMatch(/^VENICE_/m);
      expect(env).not.toContain(KEY);
    }
  });
});
