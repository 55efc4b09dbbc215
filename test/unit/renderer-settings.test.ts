/** The settings panel's live file-name example agrees with the name the engine will really give the clip. */
import { describe, expect, it } from 'vitest';
import { renderName } from '../../main/core/queue/output-names';
import { exampleFileName } from '../../renderer/src/editor/name-example';

const fields = { row: 7, rowCount: 40, name: 'forest-dawn', prompt: 'A slow dolly shot through a misty forest', take: 2, model: 'wan-2.5-preview-text-to-video', extras: { Scene: '12' } };

describe('file-name example', () => {
  it.each(['{row}-{name}-{take}', '{model} {row}', 'scene {scene} take {take}', '{row}-{unknown}-{take}', 'clip: {name}?', '{prompt}'])('matches the engine for %s', (template) => {
    expect(exampleFileName(template)).toBe(`${renderName(template, fields)}.mp4`);
  });

  it('falls back to a row name when the template gives nothing', () => {
    expect(exampleFileName('{nothing}')).toBe('row-007.mp4');
    expect(renderName('{nothing}', fields)).toBe('row-007');
  });
});
