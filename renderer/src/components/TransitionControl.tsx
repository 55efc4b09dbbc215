/** The transition into a clip: a cut, or a crossfade of a set length. */
import { setTransition } from '../timeline/edit';
import { MAX_CROSSFADE_SEC, type BinClip, type Transition } from '../timeline/types';
import { useTimelineStore } from '../state/timeline';

const DEFAULT_FADE_SEC = 0.5;

export function TransitionControl({ index, transition, bin, label }: { index: number; transition: Transition; bin: BinClip[]; label: string }) {
  const edit = useTimelineStore((s) => s.edit);
  const set = (t: Transition) => edit((cs) => setTransition(cs, index, t, bin));
  return (
    <div className="transition" onPointerDown={(e) => e.stopPropagation()} onKeyDown={(e) => e.stopPropagation()}>
      <select
        aria-label={`Transition into ${label}`}
        value={transition.kind}
        onChange={(e) => set(e.target.value === 'crossfade' ? { kind: 'crossfade', durationSec: DEFAULT_FADE_SEC } : { kind: 'cut' })}
      >
        <option value="cut">Cut</option>
        <option value="crossfade">Crossfade</option>
      </select>
      {transition.kind === 'crossfade' && (
        <label>
          <input
            type="number"
            aria-label={`Crossfade length into ${label}, seconds`}
            min={0.1}
            max={MAX_CROSSFADE_SEC}
            step={0.1}
            defaultValue={transition.durationSec}
            key={transition.durationSec}
            onBlur={(e) => set({ kind: 'crossfade', durationSec: Number(e.target.value) })}
            onKeyDown={(e) => e.key === 'Enter' && (e.target as HTMLInputElement).blur()}
          />{' '}
          s
        </label>
      )}
    </div>
  );
}
