/**
 * What each key of the keymap does (keymap.ts holds the keys and labels), and when it is enabled. The key handler
 * runs these; the toolbar buttons call the same commands.
 */
import { press, step } from '../state/transport';
import { useTimelineStore } from '../state/timeline';
import { useTimelineView } from '../state/timeline-view';
import { addMarker, deleteClip, goToEdit, goToEnd, goToStart, hasClips, mark, selectUnderPlayhead, zoomBy, zoomToFit } from '../timeline/commands';
import { ZOOM_STEP } from '../timeline/geometry';
import type { KeyEntry } from './keymap';
import { resetLayout } from './reset';
import { useWorkspace } from './workspace-state';

export interface Handler {
  run: () => void;
  enabled?: () => boolean;
}

let kDown = false;
/** K held down (for the K+J / K+L inch), kept by the key handler. */
export const kHeld = () => kDown;
export function setKHeld(down: boolean): void {
  kDown = down;
}

function toggle(dialog: 'settings' | 'shortcuts'): void {
  const ws = useWorkspace.getState();
  ws.open(ws.dialog === dialog ? undefined : dialog);
}

const onTimeline = (run: () => void): Handler => ({ run, enabled: hasClips });

export const HANDLERS: Record<string, Handler> = {
  play: onTimeline(() => press('Space')),
  'shuttle-back': onTimeline(() => press('J', kHeld())),
  stop: onTimeline(() => press('K')),
  'shuttle-forward': onTimeline(() => press('L', kHeld())),
  'frame-back': onTimeline(() => step(-1)),
  'frame-forward': onTimeline(() => step(1)),
  'back-5': onTimeline(() => step(-5)),
  'forward-5': onTimeline(() => step(5)),
  'prev-edit': onTimeline(() => goToEdit(-1)),
  'next-edit': onTimeline(() => goToEdit(1)),
  start: onTimeline(goToStart),
  end: onTimeline(goToEnd),
  'mark-in': onTimeline(() => mark('in')),
  'mark-out': onTimeline(() => mark('out')),
  select: onTimeline(selectUnderPlayhead),
  lift: onTimeline(() => deleteClip(false)),
  'ripple-delete': onTimeline(() => deleteClip(true)),
  marker: onTimeline(addMarker),
  snap: { run: () => useTimelineView.getState().setSnap(!useTimelineView.getState().snap) },
  undo: { run: () => useTimelineStore.getState().undo(), enabled: () => useTimelineStore.getState().past.length > 0 },
  redo: { run: () => useTimelineStore.getState().redo(), enabled: () => useTimelineStore.getState().future.length > 0 },
  'zoom-in': { run: () => zoomBy(ZOOM_STEP) },
  'zoom-out': { run: () => zoomBy(1 / ZOOM_STEP) },
  'zoom-fit': { run: zoomToFit },
  shortcuts: { run: () => toggle('shortcuts') },
  settings: { run: () => toggle('settings') },
  'reset-layout': { run: resetLayout },
};

export const handlerOf = (entry: KeyEntry): Handler | undefined => HANDLERS[entry.id];
