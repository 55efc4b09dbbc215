/** The input that edits one cell, with the chosen model's offered values as suggestions. */
import { useId, useRef } from 'react';
import type { EditRow, Field, ModelView } from '../editor/rows';

interface Props {
  field: Field;
  row: EditRow;
  models: ModelView[];
  defaultModel: string;
  value: string;
  onChange: (value: string) => void;
  onDone: (keep: boolean, move?: 'down' | 'right') => void;
}

/** The values offered for a cell; models are offered by id (what the cell holds) and labelled by their names. */
function choices(field: Field, model: ModelView | undefined, models: ModelView[]): string[] {
  if (field === 'model') return models.map((m) => m.id);
  if (field === 'audio') return ['yes', 'no'];
  if (field === 'takes') return Array.from({ length: 10 }, (_, i) => String(i + 1));
  if (!model) return [];
  if (field === 'duration') return model.durations;
  if (field === 'resolution') return model.resolutions;
  if (field === 'aspect_ratio') return model.aspectRatios ?? [];
  return [];
}

export function CellEditor({ field, row, models, defaultModel, value, onChange, onDone }: Props) {
  const listId = useId();
  // Leaving the input (blur) keeps the edit, unless Enter, Tab or Escape already ended it.
  const ended = useRef(false);
  const done = (keep: boolean, move?: 'down' | 'right') => {
    if (ended.current) return;
    ended.current = true;
    onDone(keep, move);
  };
  const model = models.find((m) => m.id === (row.model?.trim() || defaultModel));
  const options = choices(field, model, models);
  return (
    <>
      <input
        autoFocus
        className="cell-input"
        aria-label={`Edit ${field.replace('_', ' ')}`}
        data-testid="cell-input"
        value={value}
        list={options.length ? listId : undefined}
        onChange={(e) => onChange(e.target.value)}
        onFocus={(e) => e.target.setSelectionRange(e.target.value.length, e.target.value.length)}
        onBlur={() => done(true)}
        onKeyDown={(e) => {
          e.stopPropagation();
          const end = ({ Enter: [true, 'down'], Tab: [true, 'right'], Escape: [false, undefined] } as const)[e.key as 'Enter' | 'Tab' | 'Escape'];
          if (!end) return;
          e.preventDefault();
          done(end[0], end[1]);
        }}
      />
      {options.length > 0 && (
        <datalist id={listId}>
          {options.map((o) => (
            <option key={o} value={o} label={field === 'model' ? (models.find((m) => m.id === o)?.name ?? o) : undefined} />
          ))}
        </datalist>
      )}
    </>
  );
}
