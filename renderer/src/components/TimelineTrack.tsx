/**
 * The timeline: clips in order as cards. Drag a card (or focus its handle, Space, arrows, Space) to move it; each card
 * after the first carries the transition that leads into it.
 */
import { DndContext, KeyboardSensor, PointerSensor, closestCenter, useSensor, useSensors, type DragEndEvent } from '@dnd-kit/core';
import { SortableContext, horizontalListSortingStrategy, sortableKeyboardCoordinates, useSortable } from '@dnd-kit/sortable';
import { CSS } from '@dnd-kit/utilities';
import { findBin, removeAt, reorder, trimmedLength } from '../timeline/edit';
import { clock } from '../timeline/format';
import { Thumb } from './Thumb';
import type { BinClip, TimelineClip } from '../timeline/types';
import { useTimelineStore } from '../state/timeline';
import { TransitionControl } from './TransitionControl';

/** Stable ids for the sortable list: the same clip may sit on the timeline twice. */
function idsOf(clips: TimelineClip[]): string[] {
  const seen = new Map<number, number>();
  return clips.map((c) => {
    const n = (seen.get(c.rowId) ?? 0) + 1;
    seen.set(c.rowId, n);
    return `${c.rowId}-${n}`;
  });
}

function ClipCard({ id, clip, index, bin }: { id: string; clip: TimelineClip; index: number; bin: BinClip[] }) {
  const { attributes, listeners, setNodeRef, transform, transition, isDragging } = useSortable({ id });
  const edit = useTimelineStore((s) => s.edit);
  const select = useTimelineStore((s) => s.select);
  const selected = useTimelineStore((s) => s.selected === index);
  const b = findBin(bin, clip.rowId);
  const label = b?.label ?? `Clip ${clip.rowId}`;
  const trimmed = clip.inSec > 0 || clip.outSec !== null;
  return (
    <li
      ref={setNodeRef}
      className={`clip-card${selected ? ' selected' : ''}${isDragging ? ' dragging' : ''}`}
      style={{ transform: CSS.Transform.toString(transform), transition }}
      data-testid="timeline-clip"
    >
      {index > 0 && <TransitionControl index={index} transition={clip.transitionIn} bin={bin} label={label} />}
      <div className="clip-body">
        <button className="drag-handle" aria-label={`Move ${label} (position ${index + 1})`} {...attributes} {...listeners}>
          ⠿
        </button>
        <button className="clip-pick" aria-label={`Trim ${label}`} aria-pressed={selected} onClick={() => select(selected ? undefined : index)}>
          <Thumb rowId={clip.rowId} />
          <span className="clip-label">
            {index + 1}. {label}
          </span>
          <span className="muted">
            {clock(trimmedLength(clip, bin))}
            {trimmed ? ' (trimmed)' : ''}
          </span>
        </button>
        <button className="small remove" aria-label={`Remove ${label} from the timeline`} onClick={() => edit((cs) => removeAt(cs, index, bin))}>
          ✕
        </button>
      </div>
    </li>
  );
}

export function TimelineTrack({ clips, bin }: { clips: TimelineClip[]; bin: BinClip[] }) {
  const edit = useTimelineStore((s) => s.edit);
  const select = useTimelineStore((s) => s.select);
  const sensors = useSensors(
    // A small distance before a drag starts keeps plain clicks on the card working.
    useSensor(PointerSensor, { activationConstraint: { distance: 6 } }),
    useSensor(KeyboardSensor, { coordinateGetter: sortableKeyboardCoordinates }),
  );
  const ids = idsOf(clips);
  const onDragEnd = (e: DragEndEvent) => {
    if (!e.over || e.active.id === e.over.id) return;
    const from = ids.indexOf(String(e.active.id));
    const to = ids.indexOf(String(e.over.id));
    edit((cs) => reorder(cs, from, to, bin));
    select(undefined);
  };
  if (!clips.length) return <p className="muted">The timeline is empty: add clips from the bin above.</p>;
  return (
    <DndContext sensors={sensors} collisionDetection={closestCenter} onDragEnd={onDragEnd}>
      <SortableContext items={ids} strategy={horizontalListSortingStrategy}>
        <ol className="track" aria-label="Timeline">
          {clips.map((c, i) => (
            <ClipCard key={ids[i]} id={ids[i]!} clip={c} index={i} bin={bin} />
          ))}
        </ol>
      </SortableContext>
    </DndContext>
  );
}
