import { describe, expect, it } from 'vitest';
import type { ModelRules } from '../../main/core/venice/model-rules';
import * as schemas from '../../main/core/venice/schemas';
import { importSheet } from '../../main/core/sheet';
import { DEFAULT_PROMPT_LIMIT, IMAGE_LIMIT_BYTES, NEGATIVE_PROMPT_LIMIT } from '../../main/core/sheet/limits';
import type { SheetRow } from '../../main/core/sheet/types';
import { validateRow, type BatchDefaults } from '../../main/core/sheet/validate';
import { validateSheet } from '../../main/core/sheet/validate-sheet';

function rules(over: Partial<ModelRules> & { id: string }): ModelRules {
  return {
    name: over.id,
    kind: 'text-to-video',
    durations: ['5s', '10s'],
    resolutions: ['480p', '720p', '1080p'],
    aspectRatios: ['16:9', '9:16'],
    audio: true,
    audioConfigurable: true,
    promptLimit: 2500,
    requiresImage: false,
    requiresVideo: false,
    deprecation: null,
    beta: false,
    ...over,
  };
}

const WAN = rules({ id: 'sim-wan-2.5' });
const I2V = rules({ id: 'sim-i2v', kind: 'image-to-video', requiresImage: true, aspectRatios: null, audio: false, audioConfigurable: false });
const V2V = rules({ id: 'sim-v2v', kind: 'video', requiresVideo: true });
const FREE = rules({ id: 'sim-free', durations: [], resolutions: [], aspectRatios: [], audio: true, audioConfigurable: false, promptLimit: 1500 });
const RULES = new Map([WAN, I2V, V2V, FREE].map((r) => [r.id, r]));

function row(over: Partial<SheetRow> = {}): SheetRow {
  return { index: 1, sourceRow: 2, prompt: 'A cat on a mat', duration: '5s', extras: {}, raw: {}, ...over };
}

const messages = (r: { errors: Array<{ message: string }> }) => r.errors.map((e) => e.message);

describe('limits', () => {
  it('mirror core/venice/schemas.ts', () => {
    expect(DEFAULT_PROMPT_LIMIT).toBe(schemas.DEFAULT_PROMPT_LIMIT);
    expect(NEGATIVE_PROMPT_LIMIT).toBe(schemas.NEGATIVE_PROMPT_LIMIT);
    expect(IMAGE_LIMIT_BYTES).toBe(18 * 1024 * 1024);
  });
});

describe('validateRow', () => {
  it('accepts a good row and resolves what will be sent, defaults filling empty cells', () => {
    const defaults: BatchDefaults = { model: 'sim-wan-2.5', duration: '10', resolution: '720', aspect_ratio: '16x9', audio: false, negative_prompt: 'blurry' };
    const r = validateRow(row({ duration: undefined }), WAN, defaults);
    expect(r).toMatchObject({ row: 1, valid: true, errors: [], warnings: [] });
    expect(r.resolved).toEqual({ model: 'sim-wan-2.5', prompt: 'A cat on a mat', duration: '10s', resolution: '720p', aspect_ratio: '16:9', audio: false, negative_prompt: 'blurry' });
    const own = validateRow(row({ model: 'sim-wan-2.5', audio: true, resolution: '1080p' }), WAN, defaults);
    expect(own.resolved).toMatchObject({ audio: true, resolution: '1080p', duration: '5s' });
  });

  it('says when the prompt is empty or too long', () => {
    expect(messages(validateRow(row({ prompt: '   ' }), WAN, { model: 'sim-wan-2.5' }))).toEqual(['Prompt is empty.']);
    expect(messages(validateRow(row({ prompt: 'x'.repeat(2612) }), WAN, { model: 'sim-wan-2.5' }))).toEqual([
      'Prompt is 2,612 characters; this model accepts at most 2,500.',
    ]);
    expect(messages(validateRow(row({ prompt: 'x'.repeat(1501) }), FREE, { model: 'sim-free' }))).toEqual([
      'Prompt is 1,501 characters; this model accepts at most 1,500.',
    ]);
    expect(validateRow(row({ prompt: 'x'.repeat(2500) }), WAN, { model: 'sim-wan-2.5' }).valid).toBe(true);
  });

  it('says when the negative prompt is too long, naming a batch default', () => {
    expect(messages(validateRow(row({ negative_prompt: 'n'.repeat(2501) }), WAN, { model: 'sim-wan-2.5' }))).toEqual([
      'Negative prompt is 2,501 characters; Venice accepts at most 2,500.',
    ]);
    expect(messages(validateRow(row(), WAN, { model: 'sim-wan-2.5', negative_prompt: 'n'.repeat(3000) }))).toEqual([
      'Negative prompt (the batch default) is 3,000 characters; Venice accepts at most 2,500.',
    ]);
  });

  it('asks for a model when neither the row nor the batch names one', () => {
    expect(messages(validateRow(row(), undefined, {}))).toEqual(['No model chosen: fill the model column or pick a model for the whole batch.']);
  });

  it('checks the duration against the model', () => {
    const d = { model: 'sim-wan-2.5' };
    expect(messages(validateRow(row({ duration: '7s' }), WAN, d))).toEqual(['Duration "7s" is not offered by sim-wan-2.5: use 5s or 10s.']);
    expect(messages(validateRow(row({ duration: '7' }), WAN, d))).toEqual(['Duration "7s" is not offered by sim-wan-2.5: use 5s or 10s.']);
    expect(messages(validateRow(row({ duration: undefined }), WAN, { ...d, duration: '8' }))).toEqual([
      'Duration "8s" (the batch default) is not offered by sim-wan-2.5: use 5s or 10s.',
    ]);
    expect(messages(validateRow(row({ duration: undefined }), WAN, d))).toEqual(['Duration is missing: use 5s or 10s.']);
    expect(messages(validateRow(row({ duration: undefined }), FREE, { model: 'sim-free' }))).toEqual([
      'Duration is missing: enter the clip length in seconds, e.g. 5s.',
    ]);
    expect(messages(validateRow(row({ duration: 'five' }), WAN, d))).toEqual(['Duration "five" is not a number of seconds: write it like 5s.']);
    expect(validateRow(row({ duration: '7s' }), FREE, { model: 'sim-free' }).valid).toBe(true);
  });

  it('checks the resolution against the model', () => {
    expect(messages(validateRow(row({ resolution: '4k' }), WAN, { model: 'sim-wan-2.5' }))).toEqual([
      'Resolution "4k" is not offered by sim-wan-2.5: use 480p, 720p or 1080p.',
    ]);
    expect(validateRow(row({ resolution: '4k' }), FREE, { model: 'sim-free' }).valid).toBe(true);
  });

  it('checks the aspect ratio, and leaves a batch default out for a model that takes none', () => {
    expect(messages(validateRow(row({ aspect_ratio: '4:3' }), WAN, { model: 'sim-wan-2.5' }))).toEqual([
      'Aspect ratio "4:3" is not offered by sim-wan-2.5: use 16:9 or 9:16.',
    ]);
    const i2v = { model: 'sim-i2v' };
    expect(messages(validateRow(row({ aspect_ratio: '16:9', image: 'https://x.test/a.png' }), I2V, i2v))).toEqual([
      'This model does not accept an aspect ratio: leave the cell empty.',
    ]);
    const fromDefault = validateRow(row({ image: 'https://x.test/a.png' }), I2V, { ...i2v, aspect_ratio: '16:9' });
    expect(fromDefault.valid).toBe(true);
    expect(fromDefault.resolved?.aspect_ratio).toBeUndefined();
    expect(messages(validateRow(row({ aspect_ratio: 'wide' }), FREE, { model: 'sim-free' }))).toEqual([
      'Aspect ratio "wide" is not a ratio: write it like 16:9.',
    ]);
    expect(validateRow(row({ aspect_ratio: '21:9' }), FREE, { model: 'sim-free' }).valid).toBe(true);
  });

  it('checks audio: readable, and possible for the model', () => {
    const d = { model: 'sim-wan-2.5' };
    expect(messages(validateRow(row({ raw: { audio: 'maybe' } }), WAN, d))).toEqual([
      'Audio "maybe" is not yes or no: write yes or no (oui/non, ja/nein, sí/no, sì/no, sim/não and ja/nee are read too), or leave the cell empty for the model\'s default.',
    ]);
    const img = { image: 'https://x.test/a.png' };
    expect(messages(validateRow(row({ ...img, audio: true }), I2V, { model: 'sim-i2v' }))).toEqual([
      'sim-i2v makes silent clips: set audio to no or leave the cell empty.',
    ]);
    expect(messages(validateRow(row({ audio: false }), FREE, { model: 'sim-free' }))).toEqual([
      'sim-free always adds sound: set audio to yes or leave the cell empty.',
    ]);
    // A batch default that does not fit a row's model is not sent, rather than failing every such row.
    const r = validateRow(row({ ...img }), I2V, { model: 'sim-i2v', audio: true });
    expect(r.valid).toBe(true);
    expect(r.resolved?.audio).toBeUndefined();
  });

  it('asks image-to-video rows for an image and checks what the cell holds', () => {
    const d = { model: 'sim-i2v' };
    expect(messages(validateRow(row(), I2V, d))).toEqual(['This model turns a still image into video: add an image (a file path or an https URL).']);
    expect(validateRow(row({ image: 'https://cdn.example.com/a.png' }), I2V, d).resolved?.image).toBe('https://cdn.example.com/a.png');
    expect(validateRow(row({ image: 'C:\\shots\\a.png' }), I2V, d).valid).toBe(true);
    expect(validateRow(row({ image: 'data:image/png;base64,iVBORw0KGgo=' }), I2V, d).valid).toBe(true);
    expect(messages(validateRow(row({ image: 'ftp://host/a.png' }), I2V, d))).toEqual([
      'Image "ftp://host/a.png" is not an https URL or a file path: use one of those.',
    ]);
    // Refused in the preview, not only when the row is sent.
    expect(messages(validateRow(row({ image: 'file:///etc/passwd' }), I2V, d))).toEqual([
      "file:// addresses are not accepted in the image column: write the path of the image relative to the sheet's folder (e.g. images/shot1.png), or use an https URL.",
    ]);
    expect(messages(validateRow(row({ image: 'http://cdn.example.com/a.png' }), I2V, d))).toEqual([
      'Image URL "http://cdn.example.com/a.png" is plain http: use its https address, or a file in the sheet\'s folder.',
    ]);
    // A data: URL is judged by its bytes, not its label: these are the bytes of "<html>".
    expect(messages(validateRow(row({ image: 'data:image/png;base64,PGh0bWw+' }), I2V, d))).toEqual([
      'The image cell holds a data: URL that is not a base64 PNG, JPEG, WebP or GIF image: use a file path or an https URL.',
    ]);
    expect(messages(validateRow(row({ image: 'https://' }), I2V, d))).toEqual(['Image URL "https://" is not a valid web address: check it.']);
    expect(messages(validateRow(row({ image: 'data:text/plain;base64,aGk=' }), I2V, d))).toEqual([
      'The image cell holds a data: URL that is not a base64 PNG, JPEG, WebP or GIF image: use a file path or an https URL.',
    ]);
    const big = `data:image/jpeg;base64,/9j/${'A'.repeat(Math.ceil((19 * 1024 * 1024 * 4) / 3))}`;
    expect(messages(validateRow(row({ image: big }), I2V, d))[0]).toMatch(/^Image is 19\.0 MB; images over 18\.0 MB are too large to send .*: use a smaller image or an https URL\.$/);
  });

  it('warns, and sends no image, when a text-to-video row has one', () => {
    const r = validateRow(row({ image: 'https://x.test/a.png' }), WAN, { model: 'sim-wan-2.5' });
    expect(r.valid).toBe(true);
    expect(r.warnings.map((w) => w.message)).toEqual(['sim-wan-2.5 makes video from text only, so the image will not be sent. Pick an image-to-video model to use it.']);
    expect(r.resolved?.image).toBeUndefined();
  });

  it('refuses video-to-video models, which a sheet cannot feed', () => {
    expect(messages(validateRow(row(), V2V, { model: 'sim-v2v' }))).toEqual([
      'sim-v2v turns a video into another video, which a sheet cannot supply: pick a text-to-video or image-to-video model.',
    ]);
  });

  it('warns about a model being retired', () => {
    const r = validateRow(row(), { ...WAN, deprecation: '2027-01-01' }, { model: 'sim-wan-2.5' });
    expect(r.valid).toBe(true);
    expect(r.warnings[0]?.message).toBe('sim-wan-2.5 is being retired (2027-01-01): consider another model.');
  });

  it('names columns as the sheet has them', () => {
    const r = validateRow(row({ duration: '7s' }), WAN, { model: 'sim-wan-2.5' }, { columns: { duration: 'Duration (s)' } });
    expect(r.errors[0]).toEqual({ field: 'duration', column: 'Duration (s)', message: 'Duration "7s" is not offered by sim-wan-2.5: use 5s or 10s.' });
    expect(validateRow(row({ duration: '7s' }), WAN, { model: 'sim-wan-2.5' }).errors[0]?.column).toBe('duration');
  });
});

describe('validateSheet', () => {
  const csv = (text: string) => importSheet(new TextEncoder().encode(text));

  it('validates every row with its own model, names sheet headers, and sums up', async () => {
    const sheet = await csv(
      [
        'Shot,Text prompt,Model ID,Duration (s),AR,With audio,Start image',
        '1,A fox in snow,sim-wan-2.5,5,16x9,yes,',
        '2,A fox in snow,sim-wan-2.5,7,,,',
        '3,Portrait smiles,sim-i2v,5,,,portraits/anna.png',
        '4,Portrait smiles,sim-i2v,5,,,portraits/missing.png',
        '5,Lake,foo,5,,perhaps,',
        '6,  ,,5,,,',
      ].join('\n'),
    );
    const files: Record<string, number> = { 'portraits/anna.png': 2_000_000 };
    const checked: string[] = [];
    const result = await validateSheet(sheet, {
      rulesById: RULES,
      defaults: { model: 'sim-wan-2.5' },
      checkFile: async (path) => {
        checked.push(path);
        return path in files ? { exists: true, bytes: files[path]! } : { exists: false };
      },
    });
    expect(result.summary).toEqual({ total: 6, valid: 2, invalid: 4 });
    const [r1, r2, r3, r4, r5, r6] = result.rows;
    expect(r1).toMatchObject({ row: 1, valid: true, resolved: { model: 'sim-wan-2.5', duration: '5s', aspect_ratio: '16:9', audio: true } });
    expect(r2?.errors).toEqual([{ field: 'duration', column: 'Duration (s)', message: 'Duration "7s" is not offered by sim-wan-2.5: use 5s or 10s.' }]);
    expect(r3).toMatchObject({ valid: true, resolved: { image: 'portraits/anna.png' } });
    expect(r4?.errors).toEqual([{ field: 'image', column: 'Start image', message: "Image file not found: portraits/missing.png — check the path (it is read from the sheet's folder) or use an https URL." }]);
    expect(messages(r5!)[0]).toBe('Unknown model "foo": pick one of sim-free, sim-i2v, sim-v2v or sim-wan-2.5.');
    expect(messages(r5!)[1]).toMatch(/^Audio "[^"]+" is not yes or no/);
    expect(r5?.errors[0]?.column).toBe('Model ID');
    expect(r6?.errors).toEqual([{ field: 'prompt', column: 'Text prompt', message: 'Prompt is empty.' }]);
    expect(checked.sort()).toEqual(['portraits/anna.png', 'portraits/missing.png']);
  });

  it('rejects an image file over 18 MB and reports a failing check', async () => {
    const rows = [row({ index: 1, model: 'sim-i2v', image: '/big.png' }), row({ index: 2, model: 'sim-i2v', image: '/err.png' })];
    const result = await validateSheet(rows, {
      rulesById: RULES,
      checkFile: (p) => {
        if (p === '/err.png') throw new Error('permission denied');
        return { exists: true, bytes: 19 * 1024 * 1024 };
      },
    });
    expect(messages(result.rows[0]!)[0]).toMatch(/^Image file is 19\.0 MB; images over 18\.0 MB are too large to send/);
    expect(messages(result.rows[1]!)).toEqual(['Image file could not be checked: /err.png (permission denied) — check the path or use an https URL.']);
    expect(result.summary).toEqual({ total: 2, valid: 0, invalid: 2 });
  });

  it('suggests the model a near-miss meant, and names a bad batch default', async () => {
    const result = await validateSheet([row({ model: 'SIM-WAN-2.5' }), row({ index: 2 })], { rulesById: RULES, defaults: { model: 'nope' } });
    expect(messages(result.rows[0]!)).toEqual(['Unknown model "SIM-WAN-2.5": did you mean "sim-wan-2.5"?']);
    expect(messages(result.rows[1]!)[0]).toBe('Unknown model "nope" (the batch default): pick one of sim-free, sim-i2v, sim-v2v or sim-wan-2.5.');
  });

  it('does not look up images that will not be sent, and folds in the sheet\'s row errors', async () => {
    const sheet = await csv('prompt,image\nA,local.png\n"B,never closed\n');
    let calls = 0;
    const result = await validateSheet(sheet, {
      rulesById: RULES,
      defaults: { model: 'sim-wan-2.5', duration: '5s' },
      checkFile: () => {
        calls++;
        return { exists: false };
      },
    });
    expect(calls).toBe(0);
    expect(result.rows[0]?.valid).toBe(true);
    expect(result.rows[1]?.errors[0]).toMatchObject({ field: null, column: null });
    expect(result.rows[1]?.errors[0]?.message).toMatch(/never closed/);
  });
});

describe('takes', () => {
  const d: BatchDefaults = { model: 'sim-wan-2.5' };
  it('is 1 by default, the batch default where the cell is empty, and the cell where filled', () => {
    expect(validateRow(row(), WAN, d).takes).toBe(1);
    expect(validateRow(row(), WAN, { ...d, takes: 4 }).takes).toBe(4);
    expect(validateRow(row({ takes: '3' }), WAN, { ...d, takes: 4 }).takes).toBe(3);
    expect(validateRow(row({ takes: '10' }), WAN, d).takes).toBe(10);
    // takes never reaches Venice: it is not part of the request
    expect(validateRow(row({ takes: '3' }), WAN, d).resolved).not.toHaveProperty('takes');
  });

  it.each(['0', '11', '2.5', 'two', '-1', '1e1'])('refuses "%s" with a plain message naming the column', (cell) => {
    const r = validateRow(row({ takes: cell }), WAN, d, { columns: { takes: 'Variants' } });
    expect(r.valid).toBe(false);
    expect(r.takes).toBeUndefined();
    expect(r.errors).toEqual([
      {
        field: 'takes',
        column: 'Variants',
        message: `Takes "${cell}" is not a whole number from 1 to 10: write how many versions of this row to generate, or leave it empty for 1.`,
      },
    ]);
  });

  it('refuses a batch default outside 1-10', () => {
    expect(messages(validateRow(row(), WAN, { ...d, takes: 12 }))).toEqual(['Takes per row (the batch default) must be a whole number from 1 to 10.']);
  });

  it('reads a Takes column from a sheet', async () => {
    const sheet = await importSheet(new TextEncoder().encode('Prompt,Number of takes\nA cat,3\nA dog,\n'), { fileName: 'takes.csv' });
    const result = await validateSheet(sheet, { rulesById: RULES, defaults: { model: 'sim-wan-2.5', duration: '5s', takes: 2 } });
    expect(result.rows.map((r) => r.takes)).toEqual([3, 2]);
  });
});
