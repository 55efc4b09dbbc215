/**
 * 200,000 rows through the page's own path: the sheet read in the renderer (the same core import) and loaded into
 * the editor store. Spreading that many keys into Math.max overflowed the stack and the import died with it.
 */
import { describe, expect, it } from 'vitest';
import { importSheet, MAX_SHEET_ROWS } from '../../main/core/sheet';
import { useEditorStore } from '../../renderer/src/state/editor';

describe('a sheet at the row limit in the app', () => {
  it('reads and loads into the editor without overflowing the stack', async () => {
    const lines = ['prompt,duration'];
    for (let i = 1; i <= MAX_SHEET_ROWS; i++) lines.push(`Shot ${i},5`);
    const sheet = await importSheet(new TextEncoder().encode(lines.join('\n')));
    expect(sheet.rows).toHaveLength(MAX_SHEET_ROWS);
    const rows = sheet.rows.map((r) => ({ ...r, key: r.index }));
    expect(() => useEditorStore.getState().load(rows, sheet.mapping)).not.toThrow();
    expect(useEditorStore.getState().nextKey).toBe(MAX_SHEET_ROWS + 1);
  });
});
