import { useMemo } from 'react';
import { MAX_TAKES } from '../editor/sheet';
import { useImportStore } from '../state/importer';
import { useSettingsStore } from '../state/settings';

const uniq = (lists: ReadonlyArray<readonly string[] | null>) => [...new Set(lists.flatMap((l) => l ?? []))];

/** Values for rows that leave a cell empty; a row's own cell always wins. Choices follow the default model's rules. */
export function BatchDefaults() {
  const models = useSettingsStore((s) => s.models);
  const { defaults, setDefaults } = useImportStore();
  const model = models.find((m) => m.id === defaults.model);
  // Without a default model, offer what any model takes: each row's own model then decides.
  const pool = model ? [model] : models;
  const durations = useMemo(() => uniq(pool.map((m) => m.durations)), [pool]);
  const resolutions = useMemo(() => uniq(pool.map((m) => m.resolutions)), [pool]);
  const ratios = useMemo(() => uniq(pool.map((m) => m.aspectRatios)), [pool]);
  const audioChoice = !model || model.audioConfigurable;

  const pick = (field: 'duration' | 'resolution' | 'aspect_ratio', list: string[], label: string) => (
    <label>
      {label}{' '}
      <select data-testid={`default-${field}`} value={defaults[field] ?? ''} onChange={(e) => setDefaults({ [field]: e.target.value || undefined })}>
        <option value="">(each row’s own)</option>
        {list.map((v) => (
          <option key={v} value={v}>
            {v}
          </option>
        ))}
        {defaults[field] && !list.includes(defaults[field]) && <option value={defaults[field]}>{defaults[field]} (not offered by this model)</option>}
      </select>
    </label>
  );

  return (
    <fieldset className="defaults">
      <legend>Batch defaults — for rows that leave a cell empty</legend>
      <div className="controls">
        <label>
          Model{' '}
          <select value={defaults.model ?? ''} onChange={(e) => setDefaults({ model: e.target.value || undefined })} data-testid="model-select">
            <option value="">(the sheet’s own)</option>
            {models.map((m) => (
              <option key={m.id} value={m.id}>
                {m.name} — {m.durations.join(', ')}
              </option>
            ))}
          </select>
        </label>
        {pick('duration', durations, 'Duration')}
        {pick('resolution', resolutions, 'Resolution')}
        {ratios.length > 0 && pick('aspect_ratio', ratios, 'Aspect ratio')}
        {audioChoice && (
          <label>
            Audio{' '}
            <select
              data-testid="default-audio"
              value={defaults.audio === undefined ? '' : defaults.audio ? 'on' : 'off'}
              onChange={(e) => setDefaults({ audio: e.target.value === '' ? undefined : e.target.value === 'on' })}
            >
              <option value="">(each row’s own)</option>
              <option value="on">On</option>
              <option value="off">Off</option>
            </select>
          </label>
        )}
        <label title="Each take is its own clip, generated and charged separately; pick the best one on the timeline">
          Takes per row{' '}
          <select
            data-testid="default-takes"
            value={defaults.takes ?? 1}
            onChange={(e) => setDefaults({ takes: Number(e.target.value) === 1 ? undefined : Number(e.target.value) })}
          >
            {Array.from({ length: MAX_TAKES }, (_, i) => i + 1).map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
      </div>
      <label className="block">
        Negative prompt{' '}
        <input
          className="wide"
          data-testid="default-negative"
          value={defaults.negative_prompt ?? ''}
          maxLength={2500}
          placeholder="blurry, watermark, text"
          onChange={(e) => setDefaults({ negative_prompt: e.target.value || undefined })}
        />
      </label>
    </fieldset>
  );
}
