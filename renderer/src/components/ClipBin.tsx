/** The bin of finished clips, takes of one row side by side: click (or Enter) adds a clip, or swaps the take in use. */
import { groupTakes, insertFromBin, swapTake } from '../timeline/edit';
import { clock } from '../timeline/format';
import { Thumb } from './Thumb';
import type { BinClip } from '../timeline/types';
import { useTimelineStore } from '../state/timeline';

export function ClipBin({ bin }: { bin: BinClip[] }) {
  const clips = useTimelineStore((s) => s.clips);
  const edit = useTimelineStore((s) => s.edit);
  const onTimeline = new Set(clips.map((c) => c.rowId));

  /** A take of a row already on the timeline replaces that row's clip; anything else goes on the end. */
  const use = (b: BinClip) => {
    const sameRow = clips.findIndex((c) => bin.find((x) => x.rowId === c.rowId)?.row === b.row);
    if (sameRow >= 0 && clips[sameRow]!.rowId !== b.rowId) edit((cs) => swapTake(cs, sameRow, b.rowId, bin));
    else edit((cs) => insertFromBin(cs, b.rowId, bin));
  };

  if (!bin.length) return <p className="muted">No finished clips yet.</p>;
  return (
    <div className="clip-bin" aria-label="Finished clips">
      {groupTakes(bin).map((g) => (
        <div className="bin-row" key={g.row}>
          {g.takes.map((b) => {
            const used = onTimeline.has(b.rowId);
            const sameRowUsed = clips.some((c) => c.rowId !== b.rowId && bin.find((x) => x.rowId === c.rowId)?.row === b.row);
            const action = b.problem ? `${b.label}: ${b.problem}` : sameRowUsed ? `Use take ${b.take} of row ${b.row} instead` : `Add ${b.label} to the timeline`;
            return (
              <button
                key={b.rowId}
                className={`bin-clip${used ? ' used' : ''}${b.problem ? ' bad' : ''}`}
                disabled={Boolean(b.problem)}
                aria-label={action}
                title={action}
                onClick={() => use(b)}
              >
                <Thumb rowId={b.rowId} />
                <span className="bin-label">{b.label}</span>
                <span className="muted">
                  {g.takes.length > 1 ? `take ${b.take} · ` : ''}
                  {clock(b.durationSec)}
                  {used ? ' · on timeline' : ''}
                </span>
                {b.problem && <span className="error">{b.problem}</span>}
              </button>
            );
          })}
        </div>
      ))}
    </div>
  );
}
