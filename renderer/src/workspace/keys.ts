/**
 * The one keyboard listener for the app's own keys (the sheet table and a picked-up clip keep theirs). It matches a
 * key against the action registry and runs it, except: while typing in a field, while a dialog other than the key
 * sheet is open, when the focused widget already handled the key, and for timeline keys while the focus is in a
 * pane that owns its keys (the sheet, the batch). Space on a focused button presses the button, as it should.
 */
import { handlerOf, setKHeld, type Handler } from './actions';
import { entryFor, type Category, type KeyEntry } from './keymap';

function editable(el: Element | null): boolean {
  if (!(el instanceof HTMLElement)) return false;
  if (el.isContentEditable) return true;
  const tag = el.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag !== 'INPUT') return false;
  const type = (el as HTMLInputElement).type;
  return !['button', 'checkbox', 'radio', 'range', 'reset', 'submit', 'file', 'color'].includes(type);
}

const pressable = (el: Element | null) => el instanceof HTMLElement && (el.tagName === 'BUTTON' || el.tagName === 'A' || el.tagName === 'SUMMARY' || ['button', 'checkbox', 'tab', 'link', 'menuitem', 'switch'].includes(el.getAttribute('role') ?? '') || (el as HTMLInputElement).type === 'checkbox');

/** The action a key press means here, if any. */
export function actionFor(e: KeyboardEvent, target: Element | null): (KeyEntry & Handler) | undefined {
  if (e.defaultPrevented || e.isComposing || editable(target)) return undefined;
  const dialog = target?.closest('dialog');
  const openModal = document.querySelector('dialog[open]');
  const inOwnKeys = Boolean(target?.closest('[data-own-keys]'));
  const entry = entryFor(e);
  const handler = entry && handlerOf(entry);
  if (!entry || !handler) return undefined;
  const action = { ...entry, ...handler };
  if (openModal && !(action.id === 'shortcuts' || action.id === 'settings')) return undefined;
  if (dialog && dialog !== openModal) return undefined;
  if (action.scope === 'timeline' && inOwnKeys) return undefined;
  if (e.key === ' ' && pressable(target)) return undefined;
  if (action.enabled && !action.enabled()) return undefined;
  return action;
}

const REPEATS = new Set<Category>(['Move around', 'Zoom']);

let installed = false;

export function installKeys(): () => void {
  if (installed) return () => undefined;
  installed = true;
  const down = (e: KeyboardEvent) => {
    const action = actionFor(e, document.activeElement);
    if (e.key.toLowerCase() === 'k' && !e.ctrlKey && !e.metaKey && !e.altKey) setKHeld(true);
    if (!action?.run) return;
    e.preventDefault();
    // A held key repeats moves and zooms; it must not run the shuttle up to 8× or drop a marker per repeat.
    if (e.repeat && !REPEATS.has(action.category) && action.id !== 'undo' && action.id !== 'redo') return;
    action.run();
  };
  const up = (e: KeyboardEvent) => {
    if (e.key.toLowerCase() === 'k') setKHeld(false);
  };
  const blur = () => setKHeld(false);
  // Bubbling phase: a widget that handles a key itself (the sheet table) calls preventDefault first.
  document.addEventListener('keydown', down);
  document.addEventListener('keyup', up);
  window.addEventListener('blur', blur);
  return () => {
    installed = false;
    document.removeEventListener('keydown', down);
    document.removeEventListener('keyup', up);
    window.removeEventListener('blur', blur);
  };
}
