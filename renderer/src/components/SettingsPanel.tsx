import { useState } from 'react';
import { EXTERNAL_LINKS } from '../../../main/contract-names';
import { useAppStore } from '../state/app';
import { useSettingsStore } from '../state/settings';
import { SettingsFields } from './SettingsFields';
import { StudioQueueSettings } from './StudioQueueSettings';

export function SettingsPanel() {
  const settings = useSettingsStore((s) => s.settings);
  const key = useSettingsStore((s) => s.key);
  const update = useSettingsStore((s) => s.update);
  const saveKey = useSettingsStore((s) => s.saveKey);
  const clearKey = useSettingsStore((s) => s.clearKey);
  const [draft, setDraft] = useState('');
  const [keyProblem, setKeyProblem] = useState<string | undefined>();
  const [checking, setChecking] = useState(false);
  const mode = useAppStore((s) => s.info?.mode);
  if (!settings) return null;

  const submitKey = async () => {
    setChecking(true);
    setKeyProblem(undefined);
    const problem = await saveKey(draft);
    setChecking(false);
    setKeyProblem(problem);
    if (!problem) setDraft('');
  };

  return (
    <section className="settings" aria-label="Settings">
      <label className="confirm">
        <input type="checkbox" checked={settings.rehearsal} onChange={(e) => void update({ rehearsal: e.target.checked })} data-testid="rehearsal-toggle" />{' '}
        Rehearsal: new batches run on the built-in simulator. Nothing is charged; clips are placeholders.
      </label>
      <SettingsFields settings={settings} desktop={mode === 'desktop'} />
      <h3>Venice API key</h3>
      {key?.set ? (
        <p>
          A key ending in <code>{key.last4}</code> is {key.source === 'environment' ? 'set by VENICE_API_KEY for this run' : 'stored in the system keychain'}.{' '}
          {key.source === 'keychain' && <button onClick={() => void clearKey()}>Remove it</button>}
        </p>
      ) : (
        <p className="muted">No key yet. Rehearsal works without one.</p>
      )}
      {key && !key.keychainAvailable && <p className="warn">{key.problem}</p>}
      <form
        className="controls"
        onSubmit={(e) => {
          e.preventDefault();
          void submitKey();
        }}
      >
        <input
          type="password"
          autoComplete="off"
          placeholder="Paste a key"
          value={draft}
          disabled={!key?.keychainAvailable}
          onChange={(e) => setDraft(e.target.value)}
          aria-label="Venice API key"
        />
        <button type="submit" disabled={!draft.trim() || checking || !key?.keychainAvailable}>
          {checking ? 'Checking with Venice…' : 'Check and save'}
        </button>
      </form>
      {keyProblem && (
        <p className="error" role="alert">
          {keyProblem}
        </p>
      )}
      <p className="muted">
        The key is checked with Venice, then kept in your system keychain. This page only ever sees its last four characters.{' '}
        <a href={EXTERNAL_LINKS.apiKeys} target="_blank" rel="noreferrer noopener">
          Get a key
        </a>
      </p>
      <StudioQueueSettings />
    </section>
  );
}
