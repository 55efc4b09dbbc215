/**
 * The workspace's pane sizes: defaults, limits, and what the user dragged, remembered in localStorage (sizes only,
 * nothing about the work). A stored layout is read defensively: an unknown pane, a missing one, a size outside its
 * limits or a set that does not add up is clamped or replaced by the default, so a bad entry (an older version, a
 * hand edit) can never leave a pane at zero width. Written only after the user drags, so the default layout is
 * never frozen into storage.
 */

export type GroupId = 'main' | 'upper' | 'left';
export type Sizes = Record<string, number>;

interface PanelLimits {
  default: number;
  min: number;
  max: number;
}

/** Percentages of each group. The timeline sits under the sheet/batch panes and the viewer. */
export const GROUPS: Record<GroupId, Record<string, PanelLimits>> = {
  main: { upper: { default: 58, min: 25, max: 85 }, timeline: { default: 42, min: 15, max: 75 } },
  upper: { left: { default: 55, min: 20, max: 80 }, viewer: { default: 45, min: 20, max: 80 } },
  left: { batches: { default: 26, min: 10, max: 70 }, work: { default: 74, min: 30, max: 90 } },
};

export const STORAGE_KEY = 'venice-batch:layout:v1';

export function defaultSizes(group: GroupId): Sizes {
  return Object.fromEntries(Object.entries(GROUPS[group]).map(([id, p]) => [id, p.default]));
}

/** Clamps each size into its limits and makes the group add up to 100; anything unusable gives the default. */
export function clampSizes(group: GroupId, sizes: unknown): Sizes {
  const limits = GROUPS[group];
  if (!sizes || typeof sizes !== 'object') return defaultSizes(group);
  const given = sizes as Record<string, unknown>;
  const ids = Object.keys(limits);
  if (!ids.every((id) => typeof given[id] === 'number' && Number.isFinite(given[id]))) return defaultSizes(group);
  const clamped = ids.map((id) => Math.min(limits[id]!.max, Math.max(limits[id]!.min, given[id] as number)));
  const sum = clamped.reduce((a, b) => a + b, 0);
  // Two panes per group: scaling to 100 keeps the ratio the user chose; a result outside the limits gives up.
  const scaled = clamped.map((v) => (v / sum) * 100);
  if (scaled.some((v, i) => v < limits[ids[i]!]!.min - 0.5 || v > limits[ids[i]!]!.max + 0.5)) return defaultSizes(group);
  return Object.fromEntries(ids.map((id, i) => [id, Math.round(scaled[i]! * 100) / 100]));
}

type Stored = Partial<Record<GroupId, unknown>>;

function readAll(storage: Pick<Storage, 'getItem'>): Stored {
  try {
    const parsed = JSON.parse(storage.getItem(STORAGE_KEY) ?? '{}') as unknown;
    return parsed && typeof parsed === 'object' ? (parsed as Stored) : {};
  } catch {
    return {};
  }
}

export function loadSizes(group: GroupId, storage: Pick<Storage, 'getItem'> = localStorage): Sizes {
  return clampSizes(group, readAll(storage)[group]);
}

export function saveSizes(group: GroupId, sizes: Sizes, storage: Pick<Storage, 'getItem' | 'setItem'> = localStorage): void {
  const all = readAll(storage);
  all[group] = clampSizes(group, sizes);
  try {
    storage.setItem(STORAGE_KEY, JSON.stringify(all));
  } catch {
    // Storage full or blocked: the layout simply is not remembered.
  }
}

export function clearSizes(storage: Pick<Storage, 'removeItem'> = localStorage): void {
  try {
    storage.removeItem(STORAGE_KEY);
  } catch {
    // nothing to clear
  }
}
