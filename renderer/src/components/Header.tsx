import { useAppStore } from '../state/app';
import { useSettingsStore } from '../state/settings';
import { usd } from '../format';
import { resetLayout } from '../workspace/reset';
import { useWorkspace } from '../workspace/workspace-state';

export function Header() {
  const info = useAppStore((s) => s.info);
  const connected = useAppStore((s) => s.connected);
  const balance = useAppStore((s) => s.balance);
  const settings = useSettingsStore((s) => s.settings);
  const key = useSettingsStore((s) => s.key);
  const open = useWorkspace((s) => s.open);
  return (
    <header className="header">
      <h1>Venice Batch</h1>
      {settings?.rehearsal && (
        <span className="badge rehearsal" title="New batches run on the built-in simulator">
          Rehearsal
        </span>
      )}
      <span className="spacer" />
      {balance && (
        <span className="muted">
          {balance.rehearsal ? 'Rehearsal balance' : 'Venice balance'}: {usd(balance.balanceUsd)}
        </span>
      )}
      <span className={key?.set ? 'muted' : 'warn'} data-testid="key-status">
        {key === undefined ? '' : key.set ? `API key …${key.last4 ?? ''} (${key.source === 'environment' ? 'from VENICE_API_KEY' : 'in the keychain'})` : 'No API key'}
      </span>
      {info?.queue.kind === 'studio' && (
        <span className={info.queue.problem ? 'warn' : 'muted'} data-testid="queue-status" title={info.queue.problem ?? info.queue.description}>
          {info.queue.problem ? 'Studio queue unreachable' : 'Studio queue'}
        </span>
      )}
      {info && <span className="muted">{info.mode === 'browser' ? 'browser mode' : `v${info.version}`}</span>}
      {!connected && <span className="warn">Reconnecting…</span>}
      <span className="header-buttons">
        <button className="small" onClick={resetLayout} title="Put every pane back at its default size">
          Reset layout
        </button>
        <button className="small" onClick={() => open('shortcuts')} aria-keyshortcuts="?" title="Keyboard shortcuts (?)">
          Keys ?
        </button>
        <button className="small" onClick={() => open('settings')} aria-keyshortcuts="Control+," title="Settings (Ctrl+,)">
          Settings
        </button>
      </span>
    </header>
  );
}
