import { useAppStore } from '../state/app';

export function Notices() {
  const notices = useAppStore((s) => s.notices);
  const dismiss = useAppStore((s) => s.dismiss);
  const info = useAppStore((s) => s.info);
  return (
    <div className="notices" aria-live="polite">
      {info?.engine.state === 'busy' && <div className="notice warning">{info.engine.message}</div>}
      {info && !info.media.found && <div className="notice error">{info.media.message}</div>}
      {notices.map((n) => (
        <div key={n.id} className={`notice ${n.level}`}>
          <span>{n.message}</span>
          <button className="link" onClick={() => dismiss(n.id)} aria-label="Dismiss">
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
