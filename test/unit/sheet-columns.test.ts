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

  it('fails clearly when two headers could be the same column', () => {
    const attempt = () => mapColumns(['Prompt', 'Duration', 'Description'], 3);
    expect(attempt).toThrow(SheetReadError);
    expect(attempt).toThrow('Two columns could be the prompt: "Prompt" (column A) and "Description" (column C). Rename or delete one, or choose the prompt column in the mapping.');
    try {
      attempt();
    } catch (e) {
      expect((e as SheetReadError).code).toBe('duplicate-column');
      expect((e as SheetReadError).details.headers).toEqual(['Prompt', 'Duration', 'Description']);
    }
    expect(() => mapColumns(['prompt', 'Seconds', 'Length'], 3)).toThrow(/Two columns could be the duration: "Seconds" \(column B\) and "Length" \(column C\)/);
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
