/**
 * The other takes of each clip's sheet row, right under the clip: one chip per take, the one in use lit. A click
 * swaps the take in place, keeping the trims where they fit the new take (edit.ts swapTake).
 */
import { useMemo } from 'react';
import { useTimelineStore } from '../../state/timeline';
import { groupTakes, swapTake } from '../edit';
import { framesToSec, type Layout } from '../frames';
import { timeToX } from '../geometry';
import type { BinClip } from '../types';

export const TAKES_LANE_HEIGHT = 20;

export function TakesLane({ lay, bin, pps, from, to }: { lay: Layout; bin: BinClip[]; pps: number; from: number; to: number }) {
  const edit = useTimelineStore((s) => s.edit);
  const groups = useMemo(() => {
    const byRow = new Map(groupTakes(bin).map((g) => [g.row, g.takes]));
    return new Map(bin.map((b) => [b.rowId, byRow.get(b.row) ?? [b]]));
  }, [bin]);
  const fps = lay.rate.num / lay.rate.den;
  const visible = lay.spans.filter((s) => s.recOut / fps >= from && s.recIn / fps <= to && (groups.get(s.rowId)?.length ?? 0) > 1);
  return (
    <div className="tl-lane tl-takes" style={{ height: TAKES_LANE_HEIGHT }} role="group" aria-label="Takes">
      {visible.map((s) => {
        const takes = groups.get(s.rowId)!;
        const left = timeToX(framesToSec(s.recIn, lay.rate), pps);
        const width = ((s.recOut - s.recIn) / fps) * pps;
        const label = bin.find((b) => b.rowId === s.rowId)?.label ?? '';
        return (
          <div key={`${s.index}-${s.rowId}`} className="tl-take-set" style={{ left, width }} data-testid="takes" data-index={s.index}>
            {width >= takes.length * 26 ? (
              takes.map((t) => (
                <button
                  key={t.rowId}
                  className={`tl-take${t.rowId === s.rowId ? ' current' : ''}`}
                  aria-pressed={t.rowId === s.rowId}
                  disabled={Boolean(t.problem)}
                  aria-label={`Take ${t.take} of ${label}${t.problem ? `: ${t.problem}` : ''}`}
                  title={t.problem ?? `Use take ${t.take}`}
                  onClick={() => t.rowId !== s.rowId && edit((cs) => swapTake(cs, s.index, t.rowId, bin))}
                >
                  T{t.take}
                </button>
              ))
            ) : (
              <span className="tl-take-count" title={`${takes.length} takes: zoom in to pick one`}>
                {takes.length}
              </span>
            )}
          </div>
        );
      })}
    </div>
  );
}
