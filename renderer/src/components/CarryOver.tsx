/** The defaults and spend cap a newly opened sheet kept from the last one, said out loud, to keep or reset. */
import { usd } from '../format';
import { plural } from '../editor/live-quote';
import type { CarryOver } from '../state/importer';
import { useImportStore } from '../state/importer';
import { useSettingsStore } from '../state/settings';

export function describeCarryOver(c: CarryOver, modelName: (id: string) => string): string[] {
  const d = c.defaults;
  const parts: string[] = [];
  if (d.model) parts.push(`model ${modelName(d.model)}`);
  if (d.takes && d.takes !== 1) parts.push(`${plural(d.takes, 'take')} per row`);
  if (d.duration) parts.push(`duration ${d.duration}`);
  if (d.resolution) parts.push(`resolution ${d.resolution}`);
  if (d.aspect_ratio) parts.push(`aspect ratio ${d.aspect_ratio}`);
  if (d.audio !== undefined) parts.push(`audio ${d.audio ? 'on' : 'off'}`);
  if (d.negative_prompt) parts.push('a negative prompt');
  if (c.budgetUsd !== null) parts.push(`spend cap ${usd(c.budgetUsd)}`);
  return parts;
}

export function CarryOverNotice() {
  const carry = useImportStore((s) => s.carryOver);
  const keep = useImportStore((s) => s.keepCarryOver);
  const reset = useImportStore((s) => s.resetCarryOver);
  const models = useSettingsStore((s) => s.models);
  if (!carry) return null;
  const nameOf = (id: string) => models.find((m) => m.id === id)?.name ?? id;
  const parts = describeCarryOver(carry, nameOf);
  return (
    <div className="carry-over" role="region" aria-label="Settings kept from the last sheet" data-testid="carry-over">
      <p>
        <strong>Kept from the last sheet:</strong> {parts.join(', ')}. They apply to every row of this sheet that leaves the cell empty
        {carry.budgetUsd !== null ? ', and the cap stops the batch' : ''}.
      </p>
      <div className="controls">
        <button onClick={keep}>Keep them</button>
        <button onClick={reset}>Reset them for this sheet</button>
      </div>
    </div>
  );
}
