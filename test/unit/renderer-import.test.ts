import { describe, expect, it } from 'vitest';
import { matchingProfiles, overrideOf, profileToApply, sameMapping, unmappedHeaders, withColumn, type SavedProfile } from '../../renderer/src/import/mapping';

const studioA: SavedProfile = { name: 'Studio A', mapping: { prompt: 'Beschreibung', duration: 'Dauer' }, updatedAt: 1 };
const studioB: SavedProfile = { name: 'Studio B', mapping: { prompt: 'Text' }, updatedAt: 2 };

describe('withColumn', () => {
  it('names every canonical column so nothing is guessed after a manual choice', () => {
    const o = withColumn({ name: 'Titel' }, 'prompt', 'Beschreibung');
    expect(o.prompt).toBe('Beschreibung');
    expect(o.name).toBe('Titel');
    expect(Object.keys(o)).toContain('negative_prompt');
    expect(o.negative_prompt).toBeNull();
  });

  it('moves a header instead of feeding two columns with it', () => {
    const o = withColumn({ prompt: 'Text', name: 'Beschreibung' }, 'prompt', 'beschreibung');
    expect(o.prompt).toBe('beschreibung');
    expect(o.name).toBeNull();
  });

  it('switches a column off with null', () => {
    expect(withColumn({ prompt: 'A', model: 'M' }, 'model', null).model).toBeNull();
  });
});

describe('unmappedHeaders', () => {
  it('lists the headers no column uses, ignoring case and blanks', () => {
    expect(unmappedHeaders(['Beschreibung', 'Szene', '', 'Kamera'], { prompt: 'beschreibung' })).toEqual(['Szene', 'Kamera']);
  });
});

describe('profiles', () => {
  it('fit a sheet only when every header they map is in it', () => {
    expect(matchingProfiles([studioA, studioB], ['Beschreibung', 'Dauer', 'Szene']).map((p) => p.name)).toEqual(['Studio A']);
    expect(matchingProfiles([studioA], ['Beschreibung'])).toEqual([]);
    expect(matchingProfiles([{ name: 'empty', mapping: {}, updatedAt: 0 }], ['x'])).toEqual([]);
  });

  it('is applied by itself only when it is the one match and changes something', () => {
    const headers = ['Beschreibung', 'Dauer', 'Text'];
    expect(profileToApply([studioA], headers, {})?.name).toBe('Studio A');
    expect(profileToApply([studioA, studioB], headers, {})).toBeUndefined();
    expect(profileToApply([studioA], headers, { prompt: 'Beschreibung', duration: 'Dauer' })).toBeUndefined();
  });

  it('turns a saved mapping into a full override', () => {
    const o = overrideOf(studioA.mapping);
    expect(o.prompt).toBe('Beschreibung');
    expect(o.model).toBeNull();
    expect(sameMapping({ prompt: 'a' }, { prompt: 'A' })).toBe(true);
    expect(sameMapping({ prompt: 'a' }, { prompt: 'a', name: 'n' })).toBe(false);
  });
});
