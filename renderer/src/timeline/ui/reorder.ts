/**
 * Moving a clip to another place in the sequence, by mouse (drag its body) or keyboard (Space on its grip, arrows,
 * Space to put it down, Escape to cancel), with what a screen reader says at each step in the clips' own names.
 * One small store instead of a drag-and-drop library: a sortable per clip registers and measures every clip on every
 * zoom step, which cost more than the rest of the track together at 500 clips.
 */
import { create } from 'zustand';
import { useTimelineStore } from '../../state/timeline';
import { reorder } from '../edit';

interface ReorderState {
  /** The clip being moved (its index before the move), and the place it would land (an index after the move). */
  from: number | undefined;
  to: number | undefined;
  by: 'mouse' | 'keyboard' | undefined;
  /** Pointer offset while dragging with the mouse, in px. */
  dx: number;
  /** The last announcement for screen readers. */
  said: string;
}

export const useReorder = create<ReorderState>(() => ({ from: undefined, to: undefined, by: undefined, dx: 0, said: '' }));

const names = () => {
  const { clips, view } = useTimelineStore.getState();
  const bin = view?.bin ?? [];
  return clips.map((c, i) => bin.find((b) => b.rowId === c.rowId)?.label ?? `Clip ${i + 1}`);
};

export function pickUp(index: number, by: 'mouse' | 'keyboard'): void {
  const n = names();
  useReorder.setState({
    from: index,
    to: index,
    by,
    dx: 0,
    said: `Picked up ${n[index]}, clip ${index + 1} of ${n.length}.${by === 'keyboard' ? ' Arrow keys move it, Space puts it down, Escape cancels.' : ''}`,
  });
}

/** The place the clip would go; says so when it changes. */
export function aimAt(to: number, dx = 0): void {
  const { from, to: was } = useReorder.getState();
  if (from === undefined) return;
  const n = names();
  const target = Math.max(0, Math.min(n.length - 1, to));
  if (target === was) return useReorder.setState({ dx });
  // After the move the clip sits at `target`; the clip now there is the one it passes.
  const there = n[target];
  useReorder.setState({ to: target, dx, said: target === from ? `${n[from]} is back at its place, ${from + 1} of ${n.length}.` : `${n[from]} would go to place ${target + 1} of ${n.length}, where ${there} is.` });
}

export function putDown(): void {
  const { from, to } = useReorder.getState();
  if (from === undefined || to === undefined) return;
  const n = names();
  const store = useTimelineStore.getState();
  if (to !== from) {
    const bin = store.view?.bin ?? [];
    store.edit((cs) => reorder(cs, from, to, bin));
  }
  store.select(to);
  useReorder.setState({ from: undefined, to: undefined, by: undefined, dx: 0, said: `${n[from]} put down at place ${to + 1} of ${n.length}.` });
}

export function cancelMove(): void {
  const { from } = useReorder.getState();
  if (from === undefined) return;
  const n = names();
  useReorder.setState({ from: undefined, to: undefined, by: undefined, dx: 0, said: `Moving ${n[from]} was cancelled; it is back at place ${from + 1}.` });
}
