/**
 * What the timeline's keys and buttons do, as plain functions over the stores, so the action registry, the
 * toolbar and the tests call one implementation. Each edit goes through the timeline store's edit() (one undo
 * step, saved a moment later); a refused edit says why in the status line and changes nothing.
 */
import { currentFrame, seek, transport } from '../state/transport';
import { useTimelineStore } from '../state/timeline';
import { useTimelineView } from '../state/timeline-view';
import { removeAt } from './edit';
import { editPoints, framesToSec, layersAt, layout, spanAt, toFrames, type Layout } from './frames';
import { markAt } from './trim';

const bin = () => useTimelineStore.getState().view?.bin ?? [];

/** The layout of the saved-or-edited clips (never the drag preview), cached while the clips are the same. */
let cache: { clips: unknown; bin: unknown; lay: Layout } | undefined;
export function currentLayout(): Layout {
  const { clips } = useTimelineStore.getState();
  const b = bin();
  if (!cache || cache.clips !== clips || cache.bin !== b) cache = { clips, bin: b, lay: layout(clips, b) };
  return cache.lay;
}

const say = (m: string | undefined) => useTimelineView.getState().say(m);

export function hasClips(): boolean {
  return useTimelineStore.getState().clips.length > 0;
}

/** The clip to act on: the selected one, else the one under the playhead (the incoming one inside a crossfade). */
function targetIndex(): number | undefined {
  const { selected, clips } = useTimelineStore.getState();
  if (selected !== undefined && selected < clips.length) return selected;
  return spanAt(currentLayout(), currentFrame())?.index;
}

/** I / O: the frame under the playhead becomes the first (I) or last (O) frame of the clip under it. */
export function mark(which: 'in' | 'out'): void {
  const lay = currentLayout();
  const f = currentFrame();
  const layer = layersAt(lay, f).at(-1);
  if (!layer) return say('There is no clip under the playhead.');
  const index = layer.span.index;
  // The playhead's frame in the editor's own terms: the clip's trimmed start plus how far into it the playhead is.
  const srcFrame = layer.span.srcIn + (f - layer.span.recIn);
  const result = markAt(useTimelineStore.getState().clips, bin(), lay.rate, index, srcFrame, which, lay);
  if (result.problem !== undefined) return say(result.problem);
  const next = result.clips;
  say(undefined);
  useTimelineStore.getState().edit(() => next);
  // After an in point the clip starts with the frame that was under the playhead: keep that frame on screen.
  if (which === 'in') seek(currentLayout().spans[index]?.recIn ?? f);
}

/** Delete: lift the clip out. Shift+Delete: ripple delete, the playhead going to the edit it leaves. */
export function deleteClip(ripple: boolean): void {
  const { selectedMarker } = useTimelineView.getState();
  if (selectedMarker && !ripple) return removeMarker(selectedMarker);
  const index = targetIndex();
  if (index === undefined) return;
  const lay = currentLayout();
  const at = lay.spans[index]?.recIn ?? 0;
  const store = useTimelineStore.getState();
  const label = store.view?.bin.find((b) => b.rowId === store.clips[index]?.rowId)?.label ?? `Clip ${index + 1}`;
  store.edit((cs) => removeAt(cs, index, bin()));
  store.select(undefined);
  say(`${ripple ? 'Ripple deleted' : 'Lifted'} "${label}". Ctrl+Z puts it back.`);
  if (ripple) seek(at);
}

/** Up / Down: the previous or next edit point (clip start) from the playhead. */
export function goToEdit(direction: -1 | 1): void {
  const points = editPoints(currentLayout());
  const f = currentFrame();
  const target = direction > 0 ? points.find((p) => p > f) : [...points].reverse().find((p) => p < f);
  if (target !== undefined) seek(Math.min(target, Math.max(0, transport.getState().total - 1)));
}

export function goToStart(): void {
  seek(0);
}

export function goToEnd(): void {
  seek(transport.getState().total - 1);
}

/** M: a marker at the playhead, selected so its note can be typed at once. */
export function addMarker(): void {
  const lay = currentLayout();
  const at = Math.round(framesToSec(currentFrame(), lay.rate) * 1e6) / 1e6;
  const id = `m${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const existing = useTimelineStore.getState().markers.find((m) => toFrames(m.at, lay.rate) === currentFrame());
  if (existing) {
    useTimelineView.getState().selectMarker(existing.id);
    return say('There is already a marker on this frame: its note is open.');
  }
  useTimelineStore.getState().setMarkers((ms) => [...ms, { id, at, note: '' }].sort((a, b) => a.at - b.at));
  useTimelineView.getState().selectMarker(id);
  say(undefined);
}

export function removeMarker(id: string): void {
  useTimelineStore.getState().setMarkers((ms) => ms.filter((m) => m.id !== id));
  useTimelineView.getState().selectMarker(undefined);
}

export function setMarkerNote(id: string, note: string): void {
  useTimelineStore.getState().setMarkers((ms) => ms.map((m) => (m.id === id ? { ...m, note } : m)));
}

/** D: select the clip under the playhead (the inspector then shows its trims and takes). */
export function selectUnderPlayhead(): void {
  const index = spanAt(currentLayout(), currentFrame())?.index;
  if (index !== undefined) useTimelineStore.getState().select(index);
}

/** Zoom is done by the track, which knows its width and scroll; it registers itself here. */
export interface ZoomControl {
  zoom: (factor: number) => void;
  fit: () => void;
}
let zoomControl: ZoomControl | undefined;
export function registerZoom(z: ZoomControl | undefined): void {
  zoomControl = z;
}
export const zoomBy = (factor: number) => zoomControl?.zoom(factor);
export const zoomToFit = () => zoomControl?.fit();
