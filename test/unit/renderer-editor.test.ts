/**
 * The batch editor's rows and store (renderer/src/editor/rows.ts, renderer/src/state/editor.ts): cell edits are
 * validated live with the shared sheet rules, offer the obvious fix, and undo/redo covers edits, adds, duplicates
 * and deletes. Plain Node: the store has no DOM or bridge.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { importSheet } from '../../main/core/sheet';
import { cellText, checkRow, defaultText, rulesOf, suggestFix, withCell, type EditRow, type ModelView } from '../../renderer/src/editor/rows';
import { editedSheetBytes } from '../../renderer/src/state/edited-sheet';
import { useEditorStore, validationOf } from '../../renderer/src/state/editor';

const model = (over: Partial<ModelView> = {}): ModelView => ({
  id: 'fast',
  name: 'Fast',
  kind: 'text-to-video',
  durations: ['5s', '10s'],
  resolutions: ['480p', '720p'],
  aspectRatios: ['16:9', '9:16'],
  audio: true,
  audioConfigurable: true,
  promptLimit: 100,
  requiresImage: false,
  deprecation: null,
  beta: false,
  ...over,
});
const MODELS = [model(), model({ id: 'silent-one', audio: false, audioConfigurable: false })];
const rules = rulesOf(MODELS);

const row = (key: number, over: Partial<EditRow> = {}): EditRow => ({
  key,
  index: key,
  sourceRow: key + 1,
  prompt: `Shot ${key}`,
  model: 'fast',
  duration: '5s',
  extras: {},
  raw: {},
  ...over,
});

describe('cells', () => {
  it('validates a duration the model does not offer, with the plain message and the nearest fix', () => {
    const r = withCell(row(1), 'duration', '7');
    expect(r.duration).toBe('7s');
    const v = checkRow(r, rules, {});
    expect(v.valid).toBe(false);
    expect(v.errors[0]).toMatchObject({ field: 'duration', message: 'Duration "7s" is not offered by fast: use 5s or 10s.' });
    expect(suggestFix(r, 'duration', rules, {})).toBe('5s');
    expect(suggestFix(withCell(r, 'duration', '9'), 'duration', rules, {})).toBe('10s');
    expect(checkRow(withCell(r, 'duration', '10'), rules, {}).valid).toBe(true);
  });

  it('names an unknown model and suggests the close one', () => {
    const r = withCell(row(1), 'model', 'FAST');
    const v = checkRow(r, rules, {});
    expect(v.errors[0]?.message).toContain('did you mean "fast"?');
    expect(suggestFix(r, 'model', rules, {})).toBe('fast');
  });

  it('reads audio as yes/no, keeps unreadable text, and an empty cell falls back to the batch default model', () => {
    expect(withCell(row(1), 'audio', 'Yes').audio).toBe(true);
    const odd = withCell(row(1), 'audio', 'maybe');
    expect(odd.audio).toBeUndefined();
    expect(checkRow(odd, rules, {}).errors[0]?.message).toMatch(/^Audio "maybe" is not yes or no/);
    const silent = withCell(row(1, { model: 'silent-one' }), 'audio', 'yes');
    expect(checkRow(silent, rules, {}).errors[0]?.message).toContain('makes silent clips');
    const noModel = withCell(row(1), 'model', '');
    expect(checkRow(noModel, rules, {}).valid).toBe(false);
    expect(checkRow(noModel, rules, { model: 'fast' }).valid).toBe(true);
  });

  it('edits takes, checks it with the sheet rules, and shows the batch default for an empty cell', () => {
    const three = withCell(row(1), 'takes', ' 3 ');
    expect(cellText(three, 'takes')).toBe('3');
    expect(checkRow(three, rules, {}).takes).toBe(3);
    const bad = withCell(row(1), 'takes', '12');
    expect(checkRow(bad, rules, {}).errors[0]).toMatchObject({ field: 'takes' });
    expect(checkRow(withCell(three, 'takes', ''), rules, { takes: 4 }).takes).toBe(4);
    expect(defaultText('takes', {})).toBe('1');
    expect(defaultText('takes', { takes: 4 })).toBe('4');
    expect(defaultText('model', { model: 'fast' })).toBe('fast');
    expect(defaultText('audio', { audio: false })).toBe('no');
    expect(defaultText('resolution', {})).toBe('');
    expect(defaultText('prompt', { model: 'fast' })).toBe('');
  });

  it('catches a prompt longer than the model accepts', () => {
    const v = checkRow(withCell(row(1), 'prompt', 'x'.repeat(101)), rules, {});
    expect(v.errors[0]?.message).toBe('Prompt is 101 characters; this model accepts at most 100.');
  });
});

describe('the editor store', () => {
  const s = () => useEditorStore.getState();
  beforeEach(() => s().load([row(1), row(2), row(3)], { duration: 'Duration (s)' }));

  it('undoes and redoes cell edits, adds, duplicates and deletes', () => {
    s().setCell(2, 'duration', '7');
    expect(s().rows[1]?.duration).toBe('7s');
    expect(s().rows).not.toBe(s().baseline);
    const key = s().duplicateRow(2)!;
    expect(s().rows.map((r) => r.key)).toEqual([1, 2, key, 3]);
    expect(s().rows.map((r) => r.index)).toEqual([1, 2, 3, 4]);
    s().deleteRow(1);
    const added = s().addRow(3);
    expect(s().rows.at(-1)).toMatchObject({ key: added, prompt: '', model: 'fast', duration: '5s' });
    expect(s().rows).toHaveLength(4);

    s().undo();
    s().undo();
    expect(s().rows.map((r) => r.key)).toEqual([1, 2, key, 3]);
    s().undo();
    s().undo();
    expect(s().rows[1]?.duration).toBe('5s');
    expect(s().rows).toBe(s().baseline);
    s().undo();
    expect(s().rows).toBe(s().baseline);
    s().redo();
    expect(s().rows[1]?.duration).toBe('7s');
    s().setCell(1, 'name', 'New');
    expect(s().future).toEqual([]);
  });

  it('an edit that changes nothing is not an undo step', () => {
    s().setCell(1, 'duration', '5');
    expect(s().past).toHaveLength(0);
  });

  it('validates live, naming the column as the sheet does, and re-checks only rows that changed', () => {
    s().setCell(2, 'duration', '7');
    const first = validationOf(s().rows, MODELS, {}, s().mapping);
    expect(first.map((v) => v.valid)).toEqual([true, false, true]);
    expect(first[1]?.errors[0]?.column).toBe('Duration (s)');
    s().setCell(3, 'name', 'Last');
    const second = validationOf(s().rows, MODELS, {}, s().mapping);
    expect(second[0]).toBe(first[0]);
    expect(second[1]).toBe(first[1]);
    expect(second[2]).not.toBe(first[2]);
  });

  // What keeps a big sheet live while typing (its speed is measured by `npm run bench -- dom`, not timed here).
  it('an edit on a 10,000-row sheet checks that row again and no other', () => {
    const rows = Array.from({ length: 10_000 }, (_, i) => row(i + 1));
    s().load(rows, {});
    const v = validationOf(s().rows, MODELS, { model: 'fast' }, {});
    expect(v.every((x) => x.valid)).toBe(true);
    s().setCell(5_000, 'duration', '7');
    const again = validationOf(s().rows, MODELS, { model: 'fast' }, {});
    expect(again.filter((x) => !x.valid)).toHaveLength(1);
    expect(again.map((x, i) => (x === v[i] ? -1 : i)).filter((i) => i >= 0)).toEqual([4_999]);
  });
});

describe('queueing the edited rows', () => {
  it('writes a CSV that main reads back to the same cells, headers and extra columns', async () => {
    const rows = [
      withCell(row(1, { extras: { Scene: '12A' } }), 'prompt', '- wide shot, "quoted", =not a formula\nsecond line'),
      withCell(withCell(row(2, { extras: { Scene: '12B' } }), 'audio', 'yes'), 'resolution', '720'),
    ];
    const mapping = { prompt: 'Prompt text', duration: 'Duration (s)', model: 'Model' };
    const sheet = await importSheet(await editedSheetBytes(rows, mapping), { fileName: 'edited.csv' });
    expect(sheet.headers).toEqual(['Prompt text', 'Model', 'Duration (s)', 'resolution', 'audio', 'Scene']);
    expect(sheet.rows.map((r) => [r.prompt, r.model, r.duration, r.resolution, r.audio, r.extras])).toEqual([
      ['- wide shot, "quoted", =not a formula\nsecond line', 'fast', '5s', undefined, undefined, { Scene: '12A' }],
      ['Shot 2', 'fast', '5s', '720p', true, { Scene: '12B' }],
    ]);
  });
});
