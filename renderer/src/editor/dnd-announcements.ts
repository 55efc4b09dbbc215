/**
 * What dnd-kit says to a screen reader while something is dragged, in the names the user knows ("row 4 “Whale”",
 * "clip 2, Market take 1") instead of its internal ids ("Draggable item 2-1 was moved over droppable area 3-1").
 * Give it how to name an id; the timeline's drag can use the same helper with its own names.
 */
import type { Announcements, ScreenReaderInstructions, UniqueIdentifier } from '@dnd-kit/core';

export function namedAnnouncements(nameOf: (id: UniqueIdentifier) => string): Announcements {
  return {
    onDragStart: ({ active }) => `Picked up ${nameOf(active.id)}.`,
    // Over its own place (as a drag starts) is nothing to say: "picked up" stays the last word.
    onDragOver: ({ active, over }) =>
      over?.id === active.id ? undefined : over ? `${cap(nameOf(active.id))} is over ${nameOf(over.id)}.` : `${cap(nameOf(active.id))} is no longer over a place to drop it.`,
    onDragEnd: ({ active, over }) => (over ? `${cap(nameOf(active.id))} was dropped on ${nameOf(over.id)}.` : `${cap(nameOf(active.id))} was dropped where it was.`),
    onDragCancel: ({ active }) => `Moving ${nameOf(active.id)} was cancelled; it is back where it was.`,
  };
}

/** The instructions read when a drag handle takes focus. */
export function dragInstructions(thing: string): ScreenReaderInstructions {
  return {
    draggable: `To move this ${thing}, press Space or Enter, then the arrow keys; press Space or Enter again to drop it, or Escape to cancel.`,
  };
}

const cap = (s: string) => (s ? s[0]!.toUpperCase() + s.slice(1) : s);
