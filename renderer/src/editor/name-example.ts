/**
 * A live example of a clip file name for the settings panel. The real renderer is main/core/queue/output-names.ts
 * (Node only); this mirrors its field rules closely enough to show the user what a template will give.
 */
export const NAME_FIELDS: ReadonlyArray<{ field: string; means: string }> = [
  { field: '{row}', means: 'the sheet row, zero-padded (001)' },
  { field: '{name}', means: 'the name column, or the first words of the prompt' },
  { field: '{take}', means: 'the take number (1, 2, …)' },
  { field: '{model}', means: 'the model id' },
  { field: '{prompt}', means: 'the first words of the prompt' },
  { field: '{any column}', means: 'any other column of the sheet, by its header' },
];

const SAMPLE: Record<string, string> = {
  row: '007',
  name: 'forest-dawn',
  take: '2',
  model: 'wan-2.5-preview-text-to-video',
  prompt: 'A slow dolly shot through a',
  scene: '12',
};

/** "{row}-{name}-{take}" -> "007-forest-dawn-2.mp4". */
export function exampleFileName(template: string): string {
  const stem = template
    .replace(/\{([^{}]+)\}/g, (_, key: string) => SAMPLE[key.trim().toLowerCase()] ?? '')
    .replace(/[<>:"/\\|?*]/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^[.\s-]+/, '')
    .replace(/[.\s]+$/, '');
  return `${stem || 'row-007'}.mp4`;
}
