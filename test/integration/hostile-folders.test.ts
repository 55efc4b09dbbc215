/**
 * Output folders that cannot hold clips: under /proc (where Node's recursive mkdir spins forever), under /sys, below
 * a file, unwritable. Each is refused when saved in Settings and when a batch is created (browser mode's calls and
 * the CLI's --out), with the reason, and the event loop is never frozen meanwhile: the event-loop watchdog runs
 * through every case (and reports any turn over 100 ms).
 */
import { chmodSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeStall, startLoopWatchdog, track, type Watchdog } from '../../main/core/loop-watchdog';
import { checkOutputFolder, makeFolder } from '../../main/core/media/output-folder';
import { runCli } from '../support/cli-process';
import { openApp, tempRoot, type AppWithBatch } from '../support/app-batch';

let root: string;
let a: AppWithBatch;
let dog: Watchdog;
const logged: string[] = [];

const SHEET = 'Shot,Prompt,Duration (s),Resolution\nOne,A lighthouse at dusk,1,480p\n';

beforeAll(async () => {
  root = tempRoot('vb-folders-');
  a = await openApp(root);
  dog = startLoopWatchdog({ thresholdMs: 100, log: (l) => logged.push(l) });
});
afterAll(async () => {
  dog?.stop();
  await a?.app.close();
  rmSync(root, { recursive: true, force: true });
});

/**
 * The call answers (it does not hang) and never froze the loop. Not a speed target (those live in the benches): a
 * busy mkdir loop freezes it for good, so anything near a second is that bug, not a slow machine. Turns over
 * 100 ms are reported by the watchdog all the same.
 */
async function promptly<T>(work: Promise<T>): Promise<T> {
  const before = dog.stalls().length;
  const result = await Promise.race([work, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the call hung')), 15_000))]);
  const frozen = dog.stalls().slice(before).filter((s) => s.ms > 1_000);
  expect(frozen.map(describeStall)).toEqual([]);
  return result;
}

describe('choosing an output folder', () => {
  it('refuses /proc, /sys, a path below a file and an unwritable folder in Settings, with the reason', async () => {
    const proc = await promptly(a.call('settings:set', { outputDir: '/proc/venice-batch/clips' }));
    expect(proc.ok).toBe(false);
    expect(proc.error?.message).toMatch(/proc.*not a disk/);
    const sys = await promptly(a.call('settings:set', { outputDir: '/sys/venice-batch' }));
    expect(sys.error?.message).toMatch(/sysfs.*not a disk/);

    const file = path.join(root, 'a-file');
    writeFileSync(file, 'x');
    const below = await promptly(a.call('settings:set', { outputDir: path.join(file, 'clips') }));
    expect(below.error?.message).toMatch(/a file, not a folder/);

    const locked = path.join(root, 'locked');
    mkdirSync(locked);
    chmodSync(locked, 0o500);
    try {
      const err = await checkOutputFolder(path.join(locked, 'clips')).then(() => undefined, (e: Error) => e);
      // root may write anywhere; everyone else is told plainly.
      if (process.getuid?.() !== 0) expect(err?.message).toMatch(/permission/);
    } finally {
      chmodSync(locked, 0o700);
    }

    // Nothing changed, and a good folder (not there yet) is accepted and not created by the check.
    expect((await a.call('settings:get')).value.outputDir).toBe(path.join(root, 'clips'));
    const good = path.join(root, 'Videos', 'Venice');
    const saved = await promptly(a.call('settings:set', { outputDir: good }));
    expect(saved.ok, saved.error?.message).toBe(true);
    expect(existsSync(good)).toBe(false);
  });

  it('refuses to create a batch in /proc, promptly, and leaves nothing queued', async () => {
    const preview = await a.call('batch:importSheet', { fileName: 'proc.csv', text: SHEET, rehearsal: true, defaults: { model: 'sim-fast-text-to-video', audio: false } });
    expect(preview.ok, preview.error?.message).toBe(true);
    const created = await promptly(a.call('batch:create', { importId: preview.value.importId, outputDir: '/proc/venice-batch' }));
    expect(created.ok).toBe(false);
    expect(created.error?.message).toMatch(/proc.*not a disk/);
    expect((await a.call('batch:list')).value).toEqual([]);
  });

  it('makes missing levels one at a time, and never more than asked', async () => {
    const deep = path.join(root, 'new', 'deeper', 'clips');
    await promptly(makeFolder(deep));
    expect(existsSync(deep)).toBe(true);
    const unplugged = path.join(root, 'gone-drive', 'clips');
    await expect(makeFolder(unplugged, { maxNewLevels: 1 })).rejects.toThrow(/Was a drive unplugged/);
    expect(existsSync(path.dirname(unplugged))).toBe(false);
    await expect(promptly(makeFolder('/proc/venice-batch/x'))).rejects.toThrow(/proc/);
  });

  it('the CLI refuses --out under /proc at once', async () => {
    const sheet = path.join(root, 'cli.csv');
    writeFileSync(sheet, SHEET);
    const r = await runCli(['run', sheet, '--out', '/proc/venice-batch', '--rehearsal', '--yes', '--model', 'sim-fast-text-to-video'], { VENICE_BATCH_DATA: path.join(root, 'cli-data') }, 30_000);
    expect(r.code).toBe(2);
    expect(r.output).toMatch(/proc.*not a disk/);
  });
});

describe('the event-loop watchdog', () => {
  it('names the tracked work that blocked the loop', async () => {
    const before = dog.stalls().length;
    await track('call settings:busy-test', async () => {
      const until = Date.now() + 250;
      while (Date.now() < until) {
        /* a synchronous hog, as a recursive mkdir under /proc was */
      }
    });
    await new Promise((r) => setTimeout(r, 60));
    const stall = dog.stalls().slice(before)[0];
    expect(stall?.ms).toBeGreaterThanOrEqual(150);
    expect(stall?.culprits.join(' ')).toContain('call settings:busy-test');
    expect(logged.some((l) => /event loop blocked for \d+ ms: call settings:busy-test/.test(l))).toBe(true);
    // Done with the deliberate stall: no other test in this file may leave one.
    logged.length = 0;
  });
});
