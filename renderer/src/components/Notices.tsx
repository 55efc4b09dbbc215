/**
 * What the app has to tell the user, one line each: the same notice twice is shown once (with "×2"), every notice
 * can be dismissed, and notices about a batch go by themselves once their cause is gone (state/app.ts).
 */
import { useState } from 'react';
import { withModelNames } from '../format';
import { useAppStore } from '../state/app';
import { useSettingsStore } from '../state/settings';

interface Line {
  key: string;
  level: 'info' | 'warning' | 'error';
  message: string;
  count: number;
  dismiss: () => void;
}

export function Notices() {
  const notices = useAppStore((s) => s.notices);
  const dismiss = useAppStore((s) => s.dismiss);
  const info = useAppStore((s) => s.info);
  const models = useSettingsStore((s) => s.models);
  // The app's own standing conditions (another process runs the queue, ffmpeg missing) can be put away too.
  const [hidden, setHidden] = useState<ReadonlySet<string>>(new Set());
  const hide = (key: string) => () => setHidden((h) => new Set([...h, key]));
  const lines: Line[] = [];
  const busy = info?.engine.state === 'busy';
  if (busy && info.engine.message) lines.push({ key: 'engine', level: 'warning', message: info.engine.message, count: 1, dismiss: hide('engine') });
  if (info && !info.media.found && info.media.message) lines.push({ key: 'media', level: 'error', message: info.media.message, count: 1, dismiss: hide('media') });
  for (const n of notices) {
    // The engine-busy event says what app:info already says above: once is enough.
    if (busy && n.kind === 'engine-busy') continue;
    lines.push({ key: `n${n.id}`, level: n.level, message: withModelNames(n.message, models), count: n.count, dismiss: () => dismiss(n.id) });
  }
  const shown = lines.filter((l) => !hidden.has(l.key));
  return (
    <div className="notices" aria-live="polite" data-testid="notices">
      {shown.map((l) => (
        <div key={l.key} className={`notice ${l.level}`} data-testid="notice">
          <span>
            {l.message}
            {l.count > 1 && <span className="muted" title={`Said ${l.count} times`}> ×{l.count}</span>}
          </span>
          <button className="link dismiss" onClick={l.dismiss} aria-label={`Dismiss: ${l.message}`} title="Dismiss">
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
