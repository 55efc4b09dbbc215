/** The selected clip's in and out points: typed in seconds, or set from the preview's playhead. */
import { useRef } from 'react';
import { findBin, setTrim, trimmedLength } from '../timeline/edit';
import { clock } from '../timeline/format';
import { clipUrl } from '../timeline/media';
import type { BinClip, TimelineClip } from '../timeline/types';
import { useTimelineStore } from '../state/timeline';

function SecondsInput({ label, value, placeholder, onCommit }: { label: string; value: number | null; placeholder?: string; onCommit: (v: number | null) => void }) {
  return (
    <label>
      {label}{' '}
      <input
        type="number"
        min={0}
        step={0.1}
        aria-label={`${label} point, seconds`}
        // Keyed by the value so an outside change (undo, Set in) shows, while typing is left alone.
        key={String(value)}
        defaultValue={value ?? ''}
        placeholder={placeholder}
        onBlur={(e) => onCommit(e.target.value === '' ? null : Number(e.target.value))}
        onKeyDown={(e) => e.key === 'Enter' && (e.target as HTMLInputElement).blur()}
      />{' '}
      s
    </label>
  );
}

export function ClipInspector({ clip, index, bin }: { clip: TimelineClip; index: number; bin: BinClip[] }) {
  const edit = useTimelineStore((s) => s.edit);
  const video = useRef<HTMLVideoElement>(null);
  const b = findBin(bin, clip.rowId);
  const trim = (t: { inSec?: number; outSec?: number | null }) => edit((cs) => setTrim(cs, index, t, bin));
  const playhead = () => video.current?.currentTime ?? 0;
  return (
    <div className="inspector" aria-label="Trim the selected clip">
      <video ref={video} src={clipUrl(clip.rowId)} controls preload="metadata" aria-label={`Preview of ${b?.label ?? 'the clip'}`} />
      <div className="inspector-fields">
        <strong>
          {index + 1}. {b?.label}
        </strong>
        <span className="muted">Full length {clock(b?.durationSec)}</span>
        <SecondsInput label="In" value={clip.inSec} onCommit={(v) => trim({ inSec: v ?? 0 })} />
        <SecondsInput label="Out" value={clip.outSec} placeholder={b?.durationSec?.toFixed(1) ?? 'end'} onCommit={(v) => trim({ outSec: v })} />
        <div className="controls">
          <button className="small" onClick={() => trim({ inSec: playhead() })}>
            Set in at playhead
          </button>
          <button className="small" onClick={() => trim({ outSec: playhead() })}>
            Set out at playhead
          </button>
          <button className="small" disabled={clip.inSec === 0 && clip.outSec === null} onClick={() => trim({ inSec: 0, outSec: null })}>
            Clear trims
          </button>
        </div>
        <span>Plays for {clock(trimmedLength(clip, bin))}</span>
      </div>
    </div>
  );
}
