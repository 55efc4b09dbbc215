/**
 * Clip names an attacker (or a spreadsheet) could choose: quotes, spaces, unicode, a leading dash, shell syntax,
 * protocol prefixes, a concat-list injection and a newline. Both export paths must stitch them correctly, create
 * nothing outside the output folder, and run no shell.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportTimeline } from '../../main/core/media/export';
import { synthClip } from '../../main/core/media/synth-clip';
import { withTransitionEverywhere } from '../../main/core/media/timeline';
import { timelineFromFolder } from '../../main/core/media/timeline-from-folder';

let root: string;
let clipsDir: string;
let names: string[];

function canMakeName(dir: string, name: string): boolean {
  try {
    writeFileSync(path.join(dir, name), '');
    rmSync(path.join(dir, name));
    return true;
  } catch {
    return false;
  }
}

/** Every path under `dir`, relative, sorted. */
function tree(dir: string, rel = ''): string[] {
  return readdirSync(path.join(dir, rel), { withFileTypes: true }).flatMap((e) => {
    const r = path.join(rel, e.name);
    return e.isDirectory() ? [r, ...tree(dir, r)] : [r];
  }).sort();
}

beforeAll(async () => {
  root = mkdtempSync(path.join(os.tmpdir(), 'vb-media-hostile-'));
  clipsDir = path.join(root, 'clips');
  mkdirSync(clipsDir);
  const wanted = [
    `it's a "quoted" clip.mp4`,
    'two  spaces and trailing .mp4',
    'ünïcødé 映像 🎬.mp4',
    '-leading-dash.mp4',
    '--help.mp4',
    '$(touch pwned).mp4',
    '`touch pwned2`.mp4',
    'semi;colon|pipe&amp.mp4',
    'concat:a.mp4',
    // A concat-list injection: with naive quoting this would add a second `file` line (a slash cannot be in a name).
    "evil'\nfile 'it's a \"quoted\" clip.mp4",
    'line\nbreak.mp4',
    '100% [x] {y} #z?.mp4',
  ];
  names = wanted.filter((n) => canMakeName(clipsDir, n));
  // Same spec, so the folder is eligible for the lossless path.
  for (const n of names) await synthClip(path.join(clipsDir, n), { width: 160, height: 90, fps: 12, seconds: 1, audio: {}, pattern: 'color' });
});

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('hostile clip names', () => {
  it('the file system here allows most of them, newlines included on Linux', () => {
    expect(names.length).toBeGreaterThanOrEqual(process.platform === 'linux' ? 12 : 8);
  });

  it('a folder of them is listed whole and exported losslessly and by conform, with nothing outside the output folder', async () => {
    const timeline = await timelineFromFolder(clipsDir);
    expect(timeline?.clips.map((c) => path.basename(c.file)).sort()).toEqual([...names].sort());
    const before = tree(root);
    const cwdBefore = readdirSync(process.cwd()).sort();
    const outDir = path.join(root, 'out');

    const lossless = await exportTimeline(timeline!, { out: path.join(outDir, '$(touch pwned) "final".mp4') });
    expect(lossless.path).toBe('lossless');
    expect(Math.abs(lossless.durationSec - names.length)).toBeLessThanOrEqual(0.1);
    expect(lossless.output).toBe(path.join(outDir, '$(touch pwned) -final-.mp4'));

    const conform = await exportTimeline(withTransitionEverywhere(timeline!, { kind: 'crossfade', durationSec: 0.25 }), {
      out: path.join(outDir, '-rf.mp4'),
      encoder: { x264Preset: 'ultrafast' },
    });
    expect(conform.path).toBe('conform');
    expect(Math.abs(conform.durationSec - (names.length - 0.25 * (names.length - 1)))).toBeLessThanOrEqual(0.1);
    // The leading dash is gone from the name: it could never be read as an option.
    expect(conform.output).toBe(path.join(outDir, 'rf.mp4'));

    // Only the two outputs are new: no work folder, no link, no `pwned` anywhere.
    const added = tree(root).filter((p) => !before.includes(p));
    expect(added.sort()).toEqual(['out', path.join('out', '$(touch pwned) -final-.mp4'), path.join('out', 'rf.mp4')].sort());
    expect(readdirSync(process.cwd()).sort()).toEqual(cwdBefore);
    for (const d of [root, clipsDir, process.cwd(), os.tmpdir()]) {
      expect(existsSync(path.join(d, 'pwned'))).toBe(false);
      expect(existsSync(path.join(d, 'pwned2'))).toBe(false);
    }
  });
});
