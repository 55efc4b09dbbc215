import { describe, expect, it } from 'vitest';
import { columnLetter, headerKey, mapColumns, matchHeader } from '../../main/core/sheet/columns';
import { SheetReadError } from '../../main/core/sheet/errors';

describe('matchHeader', () => {
  it.each([
    ['prompt', ['Prompt', 'PROMPT', ' prompt ', 'Prompt text', 'Text prompt', 'text_prompt', 'Description', 'Prompt:']],
    ['negative_prompt', ['Negative Prompt', 'negative-prompt', 'Negative', 'Neg prompt', 'NEG. PROMPT', 'negative_prompt']],
    ['model', ['Model', 'Model ID', 'model_id', 'Model-Id']],
    ['duration', ['Duration', 'Duration (s)', 'Duration [sec]', 'Length', 'Seconds', 'duration_seconds']],
    ['resolution', ['Resolution', 'Quality', 'résolution']],
    ['aspect_ratio', ['Aspect Ratio', 'aspect-ratio', 'Aspect', 'Ratio', 'AR', 'a/r']],
    ['audio', ['Audio', 'Sound', 'With audio', 'with_audio']],
    ['image', ['Image', 'Image URL', 'image_url', 'Image path', 'Start image', 'Reference image', 'Image (URL or path)']],
    ['name', ['Name', 'Title', 'Shot', 'Shot #', 'Clip name', 'Filename', 'File name']],
    ['takes', ['Takes', 'TAKES', 'Variants', 'Number of takes', 'number_of_takes', 'Takes per row', 'Number of variants']],
  ])('maps variants of %s', (column, variants) => {
    for (const v of variants) expect([v, matchHeader(v)]).toEqual([v, column]);
  });

  it('leaves other headers alone', () => {
    for (const h of ['Notes', 'Scene', 'Camera', '', '   ', 'Take', 'prompt 2']) expect(matchHeader(h)).toBeNull();
  });

  it('builds keys without case, accents, spaces or punctuation', () => {
    expect(headerKey(' Durée (s) ')).toBe('durees');
    expect(columnLetter(0)).toBe('A');
    expect(columnLetter(25)).toBe('Z');
    expect(columnLetter(26)).toBe('AA');
    expect(columnLetter(701)).toBe('ZZ');
  });
});

describe('mapColumns', () => {
  it('maps known headers and keeps the rest as extras', () => {
    const plan = mapColumns(['Shot', 'Prompt text', 'Notes', 'Duration (s)', ''], 6);
    expect(plan.mapping).toEqual({ prompt: 'Prompt text', duration: 'Duration (s)', name: 'Shot' });
    expect(plan.indexOf).toEqual({ prompt: 1, duration: 3, name: 0 });
    expect(plan.unmappedHeaders).toEqual(['Notes']);
    expect(plan.extras).toEqual([
      { index: 2, key: 'Notes', named: true },
      { index: 4, key: 'Column E', named: false },
      { index: 5, key: 'Column F', named: false },
    ]);
  });

  it('numbers repeated extra headers and says so', () => {
    const plan = mapColumns(['prompt', 'Notes', 'Notes'], 3);
    expect(plan.extras.map((e) => e.key)).toEqual(['Notes', 'Notes (2)']);
    expect(plan.warnings[0]).toMatch(/Two columns are headed "Notes"; the one in column C is kept as "Notes \(2\)"/);
  });

  it('stops only when two prompt columns cannot be told apart, naming both', () => {
    const attempt = () => mapColumns(['Prompt (EN)', 'Duration', 'Prompt (FR)'], 3);
    expect(attempt).toThrow(SheetReadError);
    expect(attempt).toThrow('Two columns could be the prompt: "Prompt (EN)" (column A) and "Prompt (FR)" (column C). Choose the prompt column in the mapping, or rename one of them.');
    try {
      attempt();
    } catch (e) {
      expect((e as SheetReadError).code).toBe('duplicate-column');
      expect((e as SheetReadError).details.headers).toEqual(['Prompt (EN)', 'Duration', 'Prompt (FR)']);
    }
  });

  it('a header that is exactly a known name wins, and the note says which column was passed over', () => {
    const plan = mapColumns(['Prompt', 'Duration', 'Description'], 3);
    expect(plan.mapping).toEqual({ prompt: 'Prompt', duration: 'Duration' });
    expect(plan.unmappedHeaders).toEqual(['Description']);
    expect(plan.warnings).toEqual([
      '"Prompt" (column A) and "Description" (column C) could all be the prompt; "Prompt" (column A) is used (its header names the field most plainly), and "Description" (column C) is kept as an extra column. Choose another prompt column in the mapping if that is wrong.',
    ]);
  });

  it('never blocks on ambiguous optional columns: a fixed preference, said in a note', () => {
    // A shot list: "Shot" and "Name" could both name the clip; "Name" says it most plainly.
    const shotList = mapColumns(['Shot', 'Prompt', 'Name', 'Take'], 4);
    expect(shotList.mapping).toEqual({ prompt: 'Prompt', name: 'Name' });
    expect(shotList.warnings[0]).toMatch(/^"Shot" \(column A\) and "Name" \(column C\) could all be the name; "Name" \(column C\) is used/);
    expect(shotList.warnings[1]).toMatch(/^Column "Take" \(column D\) matches no field/);
    // Same preference: the first one, and a note.
    const twice = mapColumns(['prompt', 'Seconds', 'Length'], 3);
    expect(twice.mapping).toMatchObject({ duration: 'Length' });
    const same = mapColumns(['prompt', 'Duration', 'Duration'], 3);
    expect(same.mapping).toMatchObject({ duration: 'Duration' });
    expect(same.indexOf.duration).toBe(1);
    expect(same.warnings[0]).toMatch(/"Duration" \(column B\) is used \(it comes first\)/);
  });

  it('lets an explicit mapping settle an ambiguity and win over guesses', () => {
    const plan = mapColumns(['Prompt', 'Duration', 'Description'], 3, { prompt: 'Description' });
    expect(plan.mapping).toEqual({ prompt: 'Description', duration: 'Duration' });
    expect(plan.unmappedHeaders).toEqual(['Prompt']);
    const custom = mapColumns(['Idea', 'Clip length', 'Look'], 3, { prompt: 'idea', duration: 'Clip length', resolution: null });
    expect(custom.mapping).toEqual({ prompt: 'Idea', duration: 'Clip length' });
  });

  it('switches a guessed column off with null', () => {
    const plan = mapColumns(['Prompt', 'Title'], 2, { name: null });
    expect(plan.mapping).toEqual({ prompt: 'Prompt' });
    expect(plan.unmappedHeaders).toEqual(['Title']);
  });

  it('rejects a mapping to a missing header, or one header for two columns', () => {
    expect(() => mapColumns(['Idea', 'Look'], 2, { prompt: 'Text' })).toThrow('The mapping sets the prompt column to "Text", but the sheet has no column with that header. Its columns are: "Idea", "Look".');
    expect(() => mapColumns(['Idea', 'Look'], 2, { prompt: 'Idea', negative_prompt: 'Idea' })).toThrow(/uses the column "Idea" for both the prompt and the negative prompt/);
    expect(() => mapColumns(['Idea', 'Idea'], 2, { prompt: 'Idea' })).toThrow(/More than one column is headed "Idea" \(A, B\)/);
  });
});
