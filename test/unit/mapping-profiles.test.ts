import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MappingProfiles } from '../../main/core/services/mapping-profiles';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'profiles-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('MappingProfiles', () => {
  it('starts empty without a file', () => {
    expect(new MappingProfiles(dir).list()).toEqual({ profiles: [], warning: null });
  });

  it('saves, replaces by name and deletes, on disk', () => {
    let t = 100;
    const store = new MappingProfiles(dir, () => t++);
    store.save('Studio A', { prompt: 'Beschreibung' });
    store.save('Basic', { prompt: 'Text' });
    const after = store.save('studio a', { prompt: 'Beschreibung', duration: 'Dauer' });
    expect(after.profiles.map((p) => p.name)).toEqual(['Basic', 'studio a']);
    expect(after.profiles[1]!.mapping).toEqual({ prompt: 'Beschreibung', duration: 'Dauer' });
    // Another instance reads the same file: it really is on disk.
    expect(new MappingProfiles(dir).list().profiles).toHaveLength(2);
    expect(store.delete('Basic').profiles.map((p) => p.name)).toEqual(['studio a']);
    expect(readdirSync(dir)).toEqual(['mapping-profiles.json']); // no temporary file left behind
    expect(JSON.parse(readFileSync(path.join(dir, 'mapping-profiles.json'), 'utf8')).version).toBe(1);
  });

  it('reads a damaged file as no profiles with a warning, and saving starts afresh', () => {
    writeFileSync(path.join(dir, 'mapping-profiles.json'), '{"version":1,"profiles":[{"name":');
    const store = new MappingProfiles(dir);
    const list = store.list();
    expect(list.profiles).toEqual([]);
    expect(list.warning).toMatch(/damaged/);
    expect(store.save('A', { prompt: 'P' }).profiles.map((p) => p.name)).toEqual(['A']);
  });

  it('refuses a profile without a name or with an unknown column', () => {
    const store = new MappingProfiles(dir);
    expect(() => store.save('  ', { prompt: 'P' })).toThrow();
    expect(() => store.save('X', { bogus: 'P' } as never)).toThrow();
  });
});
