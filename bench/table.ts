/**
 * The one output every bench feeds: rows of (name, measured, baseline, ratio, note), printed as a plain-text table
 * at the end of the run so ratios measured side by side can be read (and pasted into an issue) at a glance.
 */
export interface BenchRow {
  name: string;
  /** Already formatted with its unit ("12.3 polls/job"). */
  measured: string;
  baseline: string;
  /** measured / baseline; undefined when a ratio makes no sense (e.g. a count whose goal is 0). */
  ratio: number | undefined;
  note: string;
}

/** A bench that could not finish still gets a row, so the table says so instead of the run dying silently. */
export function failedRow(name: string, error: unknown): BenchRow {
  const message = error instanceof Error ? error.message : String(error);
  return { name, measured: 'FAILED', baseline: '-', ratio: undefined, note: message.split('\n')[0] ?? '' };
}

export function formatRatio(r: number | undefined): string {
  if (r === undefined || !Number.isFinite(r)) return '-';
  return r >= 100 ? r.toFixed(0) : r >= 10 ? r.toFixed(1) : r.toFixed(3);
}

export function renderTable(rows: BenchRow[]): string {
  const header = ['name', 'measured', 'baseline', 'ratio', 'note'];
  const cells = rows.map((r) => [r.name, r.measured, r.baseline, formatRatio(r.ratio), r.note]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? '').length)));
  const line = (c: string[]) =>
    c
      .map((v, i) => (i === 3 ? v.padStart(widths[i] ?? 0) : v.padEnd(widths[i] ?? 0)))
      .join(' | ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('-|-');
  return [line(header), rule, ...cells.map(line)].join('\n');
}

/** Small formatting helpers shared by the benches' detail lines. */
export const fmt = {
  s: (ms: number, digits = 1) => `${(ms / 1000).toFixed(digits)} s`,
  ms: (ms: number, digits = 1) => `${ms.toFixed(digits)} ms`,
  mb: (bytes: number, digits = 1) => `${(bytes / 1024 / 1024).toFixed(digits)} MB`,
  n: (v: number, digits = 2) => v.toFixed(digits),
};
