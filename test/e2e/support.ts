/**
 * Starts browser mode the way `npm run web` does (tsx main/web.ts), over a fresh data folder in Rehearsal with
 * fast simulated clips, and reads the address it prints.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, type Page } from '@playwright/test';

export interface WebApp {
  url: string;
  dir: string;
  clipsDir: string;
  output: () => string;
  /** `keep`: leave the folder for another start over the same data (a restart). */
  stop: (opts?: { keep?: boolean }) => Promise<void>;
}

/** `dir`: start over the data folder of an earlier start (stopped with `keep`), as the app does after a restart. */
export async function startWebApp(opts: { dir?: string } = {}): Promise<WebApp> {
  const dir = opts.dir ?? mkdtempSync(path.join(os.tmpdir(), 'vb-e2e-'));
  const dataDir = path.join(dir, 'data');
  const clipsDir = path.join(dir, 'clips');
  mkdirSync(dataDir, { recursive: true });
  // A restart (`dir` given) keeps what the user saved, as the app does.
  if (!opts.dir || !existsSync(path.join(dataDir, 'settings.json'))) {
    writeFileSync(path.join(dataDir, 'settings.json'), JSON.stringify({ rehearsal: true, outputDir: clipsDir, concurrency: 3 }));
  }
  const child: ChildProcess = spawn(path.resolve('node_modules/.bin/tsx'), ['main/web.ts', '--port', '0'], {
    env: {
      ...process.env,
      VENICE_BATCH_DATA: dataDir,
      VENICE_API_KEY: '',
      VENICE_BATCH_REHEARSAL_MS: '400',
      VENICE_BATCH_POLL_FLOOR_MS: '200',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (out += c.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`browser mode did not start:\n${out}`)), 30_000);
    const check = () => {
      const m = /Open: (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout?.on('data', check);
    child.once('exit', (code) => reject(new Error(`browser mode exited (${code}):\n${out}`)));
  });
  return {
    url,
    dir,
    clipsDir,
    output: () => out,
    stop: async ({ keep = false } = {}) => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      if (!keep) rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const SHEET = [
  'Shot,Prompt,Model,Duration (s),Resolution,Audio',
  'Opening,"Slow aerial push over a foggy harbour at dawn",sim-fast-text-to-video,1,480p,no',
  'Market,"Handheld walk through a busy fish market",sim-fast-text-to-video,1,480p,no',
  'Closing,"Boats returning at sunset, long shadows",sim-fast-text-to-video,1,480p,no',
].join('\n');

/**
 * Tells the Rehearsal simulator of a running browser-mode app to strike the next /video/queue with a fault. The
 * simulator writes its port in its state file and its admin token beside it; throws unless it took the fault.
 */
export async function injectQueueFault(web: Pick<WebApp, 'dir'>, kind: string): Promise<void> {
  const dir = path.join(web.dir, 'data', 'rehearsal');
  const state = JSON.parse(readFileSync(path.join(dir, 'simulator-state.json'), 'utf8')) as { port: number };
  const token = readFileSync(path.join(dir, 'simulator-state.admin-token'), 'utf8').trim();
  const res = await fetch(`http://127.0.0.1:${state.port}/_sim/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-sim-admin-token': token },
    body: JSON.stringify({ kind, route: 'queue' }),
  });
  if (res.status !== 200) throw new Error(`The simulator refused the fault ${kind}: ${res.status} ${await res.text()}`);
}

/** Calls the app the way the page does (with the token of its start address), for facts a test checks against. */
export async function callApp<T>(web: Pick<WebApp, 'url'>, name: string, input: unknown): Promise<T> {
  const token = new URL(web.url).searchParams.get('token') ?? '';
  const res = await fetch(new URL(`/api/${name}`, web.url), { method: 'POST', headers: { 'content-type': 'application/json', 'x-venice-token': token }, body: JSON.stringify(input) });
  const body = (await res.json()) as { ok: boolean; value: T; error?: { message: string } };
  if (!body.ok) throw new Error(`${name}: ${body.error?.message}`);
  return body.value;
}

/**
 * A number read from the page once it has stopped changing (two reads 250 ms apart agree): on a loaded machine the
 * first layout can land after the elements appear, and a value read too early measures a layout that is gone.
 */
export async function settledValue(page: Page, read: () => Promise<number>, tolerance = 0): Promise<number> {
  let last = await read();
  await expect
    .poll(async () => {
      await page.waitForTimeout(250);
      const now = await read();
      const same = Math.abs(now - last) <= tolerance;
      last = now;
      return same;
    })
    .toBe(true);
  return last;
}
