/**
 * Every key the app answers, as data: id, label, category, keys and where it applies. actions.ts attaches what each
 * one does; the key handler (keys.ts) and the shortcut sheet ("?") both read this one list, so the sheet cannot list a
 * key that does nothing or miss one that does. Keys handled by a widget of their own (the sheet table, a clip picked
 * up with the keyboard) and mouse gestures are listed too, marked `documented`, so the sheet tells the whole story.
 */

/**
 * A key: `key` is matched against KeyboardEvent.key (the character the layout types, so Z is Z on QWERTZ too);
 * modifiers must match exactly, except that `anyShift` ignores Shift for punctuation that needs it on some layouts.
 */
export interface Binding {
  key: string;
  ctrl?: boolean;
  shift?: boolean;
  alt?: boolean;
  anyShift?: boolean;
}

/** Where an action applies: anywhere, or on the timeline and viewer (not while the sheet or batch pane has focus). */
export type Scope = 'app' | 'timeline';

export type Category = 'Playback' | 'Move around' | 'Edit the timeline' | 'Zoom' | 'Workspace' | 'Sheet table' | 'Reorder clips';

export interface KeyEntry {
  id: string;
  label: string;
  category: Category;
  keys: Binding[];
  scope: Scope;
  /** Listed for the sheet, handled elsewhere (a widget's own keys, a mouse gesture). */
  documented?: true;
  /** For entries without keys: how it is done ("K+J", "Ctrl+wheel"); "mouse" when absent. */
  hint?: string;
}

const T: Scope = 'timeline';

export const KEYMAP: KeyEntry[] = [
  { id: 'play', label: 'Play / pause', category: 'Playback', keys: [{ key: ' ' }], scope: T },
  { id: 'shuttle-back', label: 'Play backwards; again for faster (2×, 4×, 8×)', category: 'Playback', keys: [{ key: 'j' }], scope: T },
  { id: 'stop', label: 'Stop (and back to 1× for the next J or L)', category: 'Playback', keys: [{ key: 'k' }], scope: T },
  { id: 'shuttle-forward', label: 'Play forwards; again for faster (2×, 4×, 8×)', category: 'Playback', keys: [{ key: 'l' }], scope: T },
  { id: 'inch', label: 'Hold K and press J or L: one frame back or forward', category: 'Playback', keys: [], hint: 'K+J  K+L', scope: T, documented: true },
  { id: 'frame-back', label: 'One frame back', category: 'Move around', keys: [{ key: 'ArrowLeft' }], scope: T },
  { id: 'frame-forward', label: 'One frame forward', category: 'Move around', keys: [{ key: 'ArrowRight' }], scope: T },
  { id: 'back-5', label: 'Five frames back', category: 'Move around', keys: [{ key: 'ArrowLeft', shift: true }], scope: T },
  { id: 'forward-5', label: 'Five frames forward', category: 'Move around', keys: [{ key: 'ArrowRight', shift: true }], scope: T },
  { id: 'prev-edit', label: 'Previous edit', category: 'Move around', keys: [{ key: 'ArrowUp' }], scope: T },
  { id: 'next-edit', label: 'Next edit', category: 'Move around', keys: [{ key: 'ArrowDown' }], scope: T },
  { id: 'start', label: 'Start of the sequence', category: 'Move around', keys: [{ key: 'Home' }], scope: T },
  { id: 'end', label: 'End of the sequence', category: 'Move around', keys: [{ key: 'End' }], scope: T },
  { id: 'mark-in', label: 'In point of the clip under the playhead, at the playhead', category: 'Edit the timeline', keys: [{ key: 'i' }], scope: T },
  { id: 'mark-out', label: 'Out point of the clip under the playhead, at the playhead', category: 'Edit the timeline', keys: [{ key: 'o' }], scope: T },
  { id: 'select', label: 'Select the clip under the playhead', category: 'Edit the timeline', keys: [{ key: 'd' }], scope: T },
  {
    id: 'lift',
    label: 'Lift: take the selected clip (or the one under the playhead) off the track; the playhead stays. With a marker selected, delete the marker',
    category: 'Edit the timeline',
    keys: [{ key: 'Delete' }, { key: 'Backspace' }],
    scope: T,
  },
  { id: 'ripple-delete', label: 'Ripple delete: take the clip off, close up, playhead to the edit it leaves', category: 'Edit the timeline', keys: [{ key: 'Delete', shift: true }, { key: 'Backspace', shift: true }], scope: T },
  { id: 'marker', label: 'Add a marker at the playhead (type its note in the viewer)', category: 'Edit the timeline', keys: [{ key: 'm' }], scope: T },
  { id: 'snap', label: 'Snapping to edits, playhead and markers on or off (Shift while dragging: off for now)', category: 'Edit the timeline', keys: [{ key: 's' }], scope: T },
  { id: 'undo', label: 'Undo the last timeline edit', category: 'Edit the timeline', keys: [{ key: 'z', ctrl: true }], scope: T },
  { id: 'redo', label: 'Redo', category: 'Edit the timeline', keys: [{ key: 'z', ctrl: true, shift: true }, { key: 'y', ctrl: true }], scope: T },
  { id: 'trim-mouse', label: 'Drag a clip’s edge: ripple trim (the clips after it follow); the viewer shows the edge frame', category: 'Edit the timeline', keys: [], scope: T, documented: true },
  { id: 'roll-mouse', label: 'Drag the notch on top of a cut: roll the edit (both sides move, the length stays)', category: 'Edit the timeline', keys: [], scope: T, documented: true },
  { id: 'fade-mouse', label: 'Drag the notch under a cut to the left: a crossfade as long as the drag (back right: shorter)', category: 'Edit the timeline', keys: [], scope: T, documented: true },
  { id: 'zoom-in', label: 'Zoom in (around the playhead)', category: 'Zoom', keys: [{ key: '=', anyShift: true }, { key: '+', anyShift: true }], scope: T },
  { id: 'zoom-out', label: 'Zoom out', category: 'Zoom', keys: [{ key: '-' }], scope: T },
  { id: 'zoom-fit', label: 'Zoom to fit the whole sequence', category: 'Zoom', keys: [{ key: '\\' }, { key: 'z', shift: true }], scope: T },
  { id: 'zoom-wheel', label: 'Zoom around the pointer', category: 'Zoom', keys: [], hint: 'Ctrl+wheel, pinch', scope: T, documented: true },
  { id: 'clip-pick', label: 'On a clip’s grip: pick it up, move it with the arrows, put it down (Escape cancels)', category: 'Reorder clips', keys: [{ key: ' ' }], scope: T, documented: true },
  { id: 'shortcuts', label: 'This list of keys', category: 'Workspace', keys: [{ key: '?', anyShift: true }], scope: 'app' },
  { id: 'settings', label: 'Settings', category: 'Workspace', keys: [{ key: ',', ctrl: true }], scope: 'app' },
  { id: 'open-sheet', label: 'Open a sheet (CSV, TSV or XLSX)', category: 'Workspace', keys: [{ key: 'o', ctrl: true }], scope: 'app', documented: true },
  { id: 'reset-layout', label: 'Reset the layout of the panes', category: 'Workspace', keys: [], hint: 'top bar button', scope: 'app', documented: true },
  { id: 'sheet-move', label: 'Move between cells', category: 'Sheet table', keys: [{ key: 'ArrowUp' }, { key: 'ArrowDown' }, { key: 'ArrowLeft' }, { key: 'ArrowRight' }], scope: 'app', documented: true },
  { id: 'sheet-edit', label: 'Edit the cell (or just start typing)', category: 'Sheet table', keys: [{ key: 'Enter' }, { key: 'F2' }], scope: 'app', documented: true },
  { id: 'sheet-undo', label: 'Undo / redo in the sheet', category: 'Sheet table', keys: [{ key: 'z', ctrl: true }, { key: 'z', ctrl: true, shift: true }, { key: 'y', ctrl: true }], scope: 'app', documented: true },
  { id: 'sheet-select', label: 'Select rows: extend, all', category: 'Sheet table', keys: [{ key: 'ArrowUp', shift: true }, { key: 'ArrowDown', shift: true }, { key: 'a', ctrl: true }], scope: 'app', documented: true },
  { id: 'sheet-fill', label: 'Fill down (several rows selected) or duplicate the row', category: 'Sheet table', keys: [{ key: 'd', ctrl: true }], scope: 'app', documented: true },
  { id: 'sheet-add', label: 'Add a row below', category: 'Sheet table', keys: [{ key: 'Enter', ctrl: true }], scope: 'app', documented: true },
  { id: 'sheet-delete', label: 'Delete the selected rows', category: 'Sheet table', keys: [{ key: 'Delete', ctrl: true }], scope: 'app', documented: true },
  { id: 'sheet-reorder', label: 'Move the selected rows up or down', category: 'Sheet table', keys: [{ key: 'ArrowUp', alt: true }, { key: 'ArrowDown', alt: true }], scope: 'app', documented: true },
];

export function matches(b: Binding, e: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey'>): boolean {
  const key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
  const want = b.key.length === 1 ? b.key.toLowerCase() : b.key;
  if (key !== want) return false;
  if (Boolean(b.ctrl) !== (e.ctrlKey || e.metaKey)) return false;
  if (Boolean(b.alt) !== e.altKey) return false;
  return b.anyShift ? true : Boolean(b.shift) === e.shiftKey;
}

/** The entry a key press means among the ones the app handles itself (documented ones are someone else's). */
export function entryFor(e: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey'>): KeyEntry | undefined {
  return KEYMAP.find((a) => !a.documented && a.keys.some((b) => matches(b, e)));
}

/** How a key reads on the sheet and in tooltips: "Ctrl+Shift+Z", "Space", "←". */
export function keyLabel(b: Binding): string {
  const names: Record<string, string> = { ' ': 'Space', ArrowLeft: '←', ArrowRight: '→', ArrowUp: '↑', ArrowDown: '↓' };
  const key = names[b.key] ?? (b.key.length === 1 ? b.key.toUpperCase() : b.key);
  return [b.ctrl && 'Ctrl', b.alt && 'Alt', b.shift && 'Shift', key].filter(Boolean).join('+');
}
