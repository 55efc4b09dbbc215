/**
 * The selected clip, by the numbers: in and out points typed in seconds (a value that cannot work is refused with
 * the reason and the field goes back to what was there, nothing else moves), the transition into it, its takes, and
 * its place in the sequence. The mouse and I/O keys do the same on the track.
 */
import { useState } from 'react';
import { seek } from '../state/transport';
import { useTimelineStore } from '../state/timeline';
import { findBin, groupTakes, removeAt, setTrim, swapTake, trimProblem } from '../timeline/edit';
import { framesToSec, timecode } from '../timeline/frames';
import { useSequence } from '../timeline/use-sequence';
import { TransitionControl } from './TransitionControl';

function SecondsInput({ label, value, placeholder, onCommit }: { label: string; value: number | null; placeholder?: string; onCommit: (v: number | null) => boolean }) {
  const [text, setText] = useState(value === null ? '' : String(value));
  const [shown, setShown] = useState(value);
  // An outside change (undo, a drag, I/O) shows at once; typing is left alone until it is committed.
  if (shown !== value) {
    setShown(value);
    setText(value === null ? '' : String(value));
  }
  const commit = () => {
    const v = text.trim() === '' ? null : Number(text);
    if (v !== null && !Number.isFinite(v)) return setText(value === null ? '' : String(value));
    if (v === value) return;
    if (!onCommit(v)) setText(value === null ? '' : String(value));
  };
  return (
    <label className="seconds-input">
      {label}{' '}
      <input
        type="number"
        min={0}
        step={0.01}
        aria-label={`${label} point, seconds`}
        value={text}
        placeholder={placeholder}
        onChange={(e) => setText(e.target.value)}
        onBlur={commit}
        onKeyDown={(e) => {
          if (e.key === 'Enter') (e.target as HTMLInputElement).blur();
          if (e.key === 'Escape') {
            setText(value === null ? '' : String(value));
            (e.target as HTMLInputElement).blur();
          }
        }}
      />{' '}
      s
    </label>
  );
}

export function ClipInspector({ index }: { index: number }) {
  const edit = useTimelineStore((s) => s.edit);
  const select = useTimelineStore((s) => s.select);
  const clips = useTimelineStore((s) => s.clips);
  const { bin, lay } = useSequence();
  const [problem, setProblem] = useState<string | undefined>();
  const clip = clips[index];
  const span = lay.spans[index];
  if (!clip || !span) return null;
  const b = findBin(bin, clip.rowId);
  const label = b?.label ?? `Clip ${index + 1}`;
  const takes = b ? (groupTakes(bin).find((g) => g.row === b.row)?.takes ?? []) : [];
  const trim = (t: { inSec?: number; outSec?: number | null }) => {
    const why = trimProblem(clips, index, t, bin);
    setProblem(why);
    if (why) return false;
    edit((cs) => setTrim(cs, index, t, bin));
    return true;
  };
  return (
    <div className="inspector" aria-label={`Clip ${index + 1}: ${label}`} data-testid="clip-inspector">
      <div className="inspector-title">
        <strong>
          {index + 1}. {label}
        </strong>
        <span className="muted">
          {timecode(span.recIn, lay.rate)} – {timecode(span.recOut, lay.rate)} · plays {framesToSec(span.recOut - span.recIn, lay.rate).toFixed(2)} s of {b?.durationSec?.toFixed(2) ?? '?'} s
        </span>
      </div>
      <div className="controls">
        <SecondsInput label="In" value={clip.inSec} onCommit={(v) => trim({ inSec: v ?? 0 })} />
        <SecondsInput label="Out" value={clip.outSec} placeholder={b?.durationSec?.toFixed(2) ?? 'end'} onCommit={(v) => trim({ outSec: v })} />
        <button className="small" disabled={clip.inSec === 0 && clip.outSec === null} onClick={() => trim({ inSec: 0, outSec: null })}>
          Clear trims
        </button>
      </div>
      {problem && (
        <p className="error inspector-problem" data-testid="trim-problem">
          {problem}
        </p>
      )}
      {index > 0 && <TransitionControl index={index} transition={clip.transitionIn} bin={bin} label={label} />}
      {takes.length > 1 && (
        <div className="controls" role="group" aria-label="Takes">
          <span className="muted">Takes:</span>
          {takes.map((t) => (
            <button
              key={t.rowId}
              className={`small${t.rowId === clip.rowId ? ' primary' : ''}`}
              aria-pressed={t.rowId === clip.rowId}
              disabled={Boolean(t.problem)}
              title={t.problem ?? `Use take ${t.take}; the trims stay where they fit`}
              onClick={() => t.rowId !== clip.rowId && edit((cs) => swapTake(cs, index, t.rowId, bin))}
            >
              Take {t.take}
            </button>
          ))}
        </div>
      )}
      <div className="controls">
        <button className="small" onClick={() => seek(span.recIn)}>
          Playhead to its start
        </button>
        <button
          className="small"
          onClick={() => {
            edit((cs) => removeAt(cs, index, bin));
            select(undefined);
          }}
          aria-label={`Remove ${label} from the timeline`}
        >
          Remove from the timeline
        </button>
      </div>
    </div>
  );
}
