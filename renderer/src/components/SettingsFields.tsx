/**
 * The editable settings: clips at a time, output folder, file-name template and what to do when every batch is
 * done. Each field saves when it loses focus or on Enter; main checks the value (settings:set) and a refusal is
 * shown under the field in main's own words, so the rules live in one place.
 */
import { useEffect, useId, useState, type ReactNode } from 'react';
import type { CallInput, CallOutput } from '../../../main/contract';
import { NAME_FIELDS, exampleFileName } from '../editor/name-example';
import { useSettingsStore } from '../state/settings';

type Settings = CallOutput<'settings:get'>;
type Patch = CallInput<'settings:set'>;

function TextSetting(props: {
  label: string;
  value: string;
  toPatch: (text: string) => Patch | string;
  testId: string;
  className?: string;
  type?: 'text' | 'number';
  min?: number;
  max?: number;
  help?: (draft: string) => ReactNode;
}) {
  const save = useSettingsStore((s) => s.save);
  const [draft, setDraft] = useState(props.value);
  const [problem, setProblem] = useState<string | undefined>();
  const [saved, setSaved] = useState(false);
  const id = useId();
  useEffect(() => setDraft(props.value), [props.value]);

  const commit = async () => {
    if (draft === props.value) return;
    const patch = props.toPatch(draft);
    if (typeof patch === 'string') {
      setProblem(patch);
      return;
    }
    const refusal = await save(patch);
    setProblem(refusal);
    setSaved(!refusal);
    if (!refusal) setTimeout(() => setSaved(false), 1500);
  };

  return (
    <div className="setting-field">
      <label htmlFor={id}>{props.label}</label>
      <div className="controls">
        <input
          id={id}
          type={props.type ?? 'text'}
          min={props.min}
          max={props.max}
          className={props.className ?? 'wide'}
          value={draft}
          aria-invalid={problem ? true : undefined}
          aria-describedby={problem ? `${id}-problem` : undefined}
          data-testid={props.testId}
          onChange={(e) => {
            setDraft(e.target.value);
            setProblem(undefined);
          }}
          onBlur={() => void commit()}
          onKeyDown={(e) => {
            if (e.key === 'Enter') void commit();
            if (e.key === 'Escape' && (draft !== props.value || problem)) {
              // The first Escape puts the field back; only a second one closes the settings dialog.
              e.preventDefault();
              setDraft(props.value);
              setProblem(undefined);
            }
          }}
        />
        {saved && <span className="muted">Saved</span>}
      </div>
      {problem && (
        <p className="error" id={`${id}-problem`} role="alert">
          {problem}
        </p>
      )}
      {props.help?.(draft)}
    </div>
  );
}

export function SettingsFields({ settings, desktop }: { settings: Settings; desktop: boolean }) {
  const update = useSettingsStore((s) => s.update);
  return (
    <fieldset className="defaults settings-fields">
      <legend>How batches run</legend>
      <TextSetting
        label="Clips generated at a time (1–20)"
        type="number"
        min={1}
        max={20}
        className="narrow"
        value={String(settings.concurrency)}
        testId="setting-concurrency"
        toPatch={(t) => {
          const n = Number(t);
          return Number.isInteger(n) && n >= 1 && n <= 20 ? { concurrency: n } : 'Choose a whole number from 1 to 20.';
        }}
        help={() => (
          <p className="muted">
            {settings.concurrency === 1 ? 'One clip at a time.' : `Up to ${settings.concurrency} clips at a time.`} More is faster; Venice may ask the app to slow
            down.
          </p>
        )}
      />
      <TextSetting
        label="Output folder"
        value={settings.outputDir}
        testId="setting-output-dir"
        toPatch={(t) => ({ outputDir: t })}
        help={() => <p className="muted">The full path of a folder. Each batch gets its own folder inside it.</p>}
      />
      <TextSetting
        label="Clip file names"
        value={settings.nameTemplate}
        testId="setting-name-template"
        toPatch={(t) => ({ nameTemplate: t })}
        help={(draft) => (
          <div className="muted">
            <p>
              Example: <code data-testid="name-example">{exampleFileName(draft)}</code>
            </p>
            <p>
              Fields:{' '}
              {NAME_FIELDS.map((f, i) => (
                <span key={f.field}>
                  {i > 0 && ' · '}
                  <code>{f.field}</code> {f.means}
                </span>
              ))}
            </p>
          </div>
        )}
      />
      <div className="setting-field">
        <label htmlFor="setting-when-done">When every batch is done</label>
        <div className="controls">
          <select
            id="setting-when-done"
            value={settings.whenDone}
            data-testid="setting-when-done"
            onChange={(e) => void update({ whenDone: e.target.value as Settings['whenDone'] })}
          >
            <option value="nothing">Do nothing</option>
            <option value="quit">Quit the app</option>
            <option value="sleep">Put the computer to sleep</option>
          </select>
        </div>
        <p className="muted">
          {desktop ? 'Applies to the desktop app.' : 'Applies to the desktop app only: browser mode never quits or sleeps the computer.'}
        </p>
      </div>
    </fieldset>
  );
}
