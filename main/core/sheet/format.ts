/** Small text helpers for plain, specific messages. */

/** 2612 -> "2,612" (same output in every locale, browser or Node). */
export function formatCount(n: number): string {
  return String(Math.trunc(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** ["5s","10s"] -> "5s or 10s"; ["a","b","c"] -> "a, b or c". Long lists are cut after `max` items. */
export function orList(items: readonly string[], max = 12): string {
  const shown = items.slice(0, max);
  const more = items.length - shown.length;
  if (more > 0) return `${shown.join(', ')} (or one of ${more} more)`;
  if (shown.length <= 1) return shown.join('');
  return `${shown.slice(0, -1).join(', ')} or ${shown[shown.length - 1]}`;
}

/** Bytes as "19.2 MB" (MiB, as file managers on most systems show). */
export function formatMegabytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** A span of time as people say it: "40 s", "12 min", "2 h 5 min" (morning report, in the CLI and the page alike). */
export function formatSpan(ms: number): string {
  const min = Math.round(ms / 60_000);
  if (min < 1) return `${Math.max(1, Math.round(ms / 1000))} s`;
  if (min < 90) return `${min} min`;
  const h = Math.floor(min / 60);
  return `${h} h${min % 60 ? ` ${min % 60} min` : ''}`;
}
