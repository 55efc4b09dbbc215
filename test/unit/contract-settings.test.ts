/** Settings behind `settings:get` / `settings:set`: defaults, a damaged file, validation, and what is written. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SettingsFile, defaultSettings } from '../../main/core/services/app-settings';
import { sleepCommand } from '../../main/core/services/when-done';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('settings', () => {
  it('start in Rehearsal, with a clips folder under the user’s Videos', () => {
    const d = defaultSettings('/home/editor');
    expect(d).toMatchObject({ rehearsal: true, concurrency: 4, whenDone: 'nothing', ffmpegDir: null });
    expect(d.outputDir).toBe(path.join('/home/editor', 'Videos', 'Venice Batch'));
  });

  it('keep the good fields of a damaged file and fall back for the rest', () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'vb-settings-'));
    writeFileSync(path.join(dir, 'settings.json'), JSON.stringify({ rehearsal: false, concurrency: 'lots', outputDir: 'relative', whenDone: 'sleep' }));
    const s = new SettingsFile(dir, defaultSettings('/home/e')).get();
    expect(s).toMatchObject({ rehearsal: false, concurrency: 4, outputDir: path.join('/home/e', 'Videos', 'Venice Batch'), whenDone: 'sleep' });
    writeFileSync(path.join(dir, 'settings.json'), '{ not json');
    expect(new SettingsFile(dir, defaultSettings('/home/e')).get().rehearsal).toBe(true);
  });

  it('refuse invalid values, and write valid ones for the next start', () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'vb-settings-'));
    const file = new SettingsFile(dir, defaultSettings('/home/e'));
    expect(() => file.set({ outputDir: 'clips' })).toThrow(/full path/);
    expect(() => file.set({ nameTemplate: '../{row}' })).toThrow(/cannot contain/);
    expect(() => file.set({ apiKey: 'x' } as never)).toThrow();
    file.set({ concurrency: 8, whenDone: 'quit' });
    expect(JSON.parse(readFileSync(path.join(dir, 'settings.json'), 'utf8'))).toMatchObject({ concurrency: 8, whenDone: 'quit' });
    expect(new SettingsFile(dir).get()).toMatchObject({ concurrency: 8, whenDone: 'quit' });
  });

  it('know how to put each desktop system to sleep when asked to', () => {
    expect(sleepCommand('darwin')).toEqual({ cmd: 'pmset', args: ['sleepnow'] });
    expect(sleepCommand('linux')?.cmd).toBe('systemctl');
    expect(sleepCommand('win32')?.args[0]).toMatch(/SetSuspendState/);
    expect(sleepCommand('aix')).toBeUndefined();
  });
});
