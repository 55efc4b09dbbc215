/**
 * The batch editor's pure row logic: editable fields, cell edits, live validation with the shared sheet module
 * (main/core/sheet, the same code main re-runs before anything is queued), and a one-click fix where one exists.
 * No React, no bridge: unit-tested on its own.
 */
import {
  normaliseAspectRatio,
  normaliseAudio,
  normaliseDuration,
  normaliseResolution,
  unknownModelMessage,
  validateRow,
  type BatchDefaults,
  type CanonicalColumn,
  type ColumnMapping,
  type RowValidation,
  type SheetRow,
} from './sheet';
import type { CallOutput } from '../../../main/contract';

export type ModelView = CallOutput<'models:list'>['models'][number];
type Rules = NonNullable<Parameters<typeof validateRow>[1]>;

/** A row being edited: a SheetRow plus a key that survives reordering, deleting and undo. */
export interface EditRow extends SheetRow {
  key: number;
}

export const FIELDS = ['name', 'prompt', 'model', 'duration', 'resolution', 'aspect_ratio', 'audio', 'takes'] as const;
export type Field = (typeof FIELDS)[number];

export const FIELD_LABELS: Record<Field, string> = {
  name: 'Name',
  prompt: 'Prompt',
  model: 'Model',
  duration: 'Length',
  resolution: 'Resolution',
  aspect_ratio: 'Aspect',
  audio: 'Audio',
  takes: 'Takes',
};

export function rulesOf(models: readonly ModelView[]): Map<string, Rules> {
  return new Map(models.map((m) => [m.id, { ...m, requiresVideo: m.kind === 'video' }]));
}

/** The text a cell shows (and starts editing with). */
export function cellText(row: SheetRow, field: Field): string {
  if (field === 'audio') return row.audio === undefined ? (row.raw.audio ?? '') : row.audio ? 'yes' : 'no';
  return row[field] ?? '';
}

/**
 * What an empty cell stands for: the batch default, shown faded so the user sees what the row will really ask for.
 * '' where nothing applies (the model's own default).
 */
export function defaultText(field: Field, defaults: BatchDefaults): string {
  switch (field) {
    case 'model':
    case 'duration':
    case 'resolution':
    case 'aspect_ratio':
      return defaults[field] ?? '';
    case 'audio':
      return defaults.audio === undefined ? '' : defaults.audio ? 'yes' : 'no';
    case 'takes':
      return String(defaults.takes ?? 1);
    default:
      return '';
  }
}

/** A copy of the row with one cell changed; an empty cell means "use the batch default". */
export function withCell(row: EditRow, field: Field, text: string): EditRow {
  const value = text.trim();
  const next: EditRow = { ...row, raw: { ...row.raw } };
  if (value === '') delete next.raw[field];
  else next.raw[field] = value;
  if (field === 'prompt') {
    next.prompt = value;
  } else if (field === 'audio') {
    const a = normaliseAudio(value);
    if (a === true || a === false) next.audio = a;
    else delete next.audio;
  } else if (value === '') {
    delete next[field];
  } else {
    next[field] = field in NORMALISE ? NORMALISE[field as keyof typeof NORMALISE](value) : value;
  }
  return next;
}

/** Cells written as the importer writes them ("10" -> "10s", "720" -> "720p"). */
const NORMALISE = { duration: normaliseDuration, resolution: normaliseResolution, aspect_ratio: normaliseAspectRatio };

/** The settings a new row takes from the row it is added below (everything but what makes it a different shot). */
export function settingsOf(row: SheetRow | undefined): Partial<SheetRow> {
  if (!row) return {};
  const out: Partial<SheetRow> = { raw: {} };
  for (const f of ['model', 'duration', 'resolution', 'aspect_ratio', 'negative_prompt', 'takes'] as const) {
    if (row[f] !== undefined) (out as Record<string, unknown>)[f] = row[f];
    if (row.raw[f] !== undefined) out.raw![f] = row.raw[f];
  }
  if (row.audio !== undefined) out.audio = row.audio;
  if (row.raw.audio !== undefined) out.raw!.audio = row.raw.audio;
  return out;
}

/** validateSheet's per-row rules, synchronously: the model looked up by id, unknown models named with a fix. */
export function checkRow(row: SheetRow, rulesById: ReadonlyMap<string, Rules>, defaults: BatchDefaults, columns?: ColumnMapping): RowValidation {
  const own = row.model?.trim() || undefined;
  const modelName = own ?? (defaults.model?.trim() || undefined);
  const rules = modelName === undefined ? undefined : rulesById.get(modelName);
  const result = validateRow(row, rules, defaults, { columns });
  if (modelName !== undefined && !rules) {
    result.errors.unshift({ field: 'model', column: columns?.model ?? 'model', message: unknownModelMessage(modelName, [...rulesById.keys()], own === undefined) });
    result.valid = false;
    delete result.resolved;
  }
  return result;
}

/** A value that would clear a cell's error, when there is an obvious one (the nearest offered duration...). */
export function suggestFix(row: SheetRow, field: CanonicalColumn | null, rulesById: ReadonlyMap<string, Rules>, defaults: BatchDefaults): string | undefined {
  const modelName = row.model?.trim() || defaults.model?.trim();
  const rules = modelName ? rulesById.get(modelName) : undefined;
  if (field === 'model' && modelName && !rules) {
    const key = (s: string) => s.toLowerCase().replace(/[\s_]+/g, '-');
    return [...rulesById.keys()].find((id) => key(id) === key(modelName));
  }
  if (!rules) return undefined;
  if (field === 'duration' && rules.durations.length > 0) {
    const want = Number.parseFloat(normaliseDuration(row.duration ?? ''));
    if (!Number.isFinite(want)) return rules.durations[0];
    return [...rules.durations].sort((a, b) => Math.abs(Number.parseFloat(a) - want) - Math.abs(Number.parseFloat(b) - want))[0];
  }
  if (field === 'resolution' && rules.resolutions.length > 0) return rules.resolutions[0];
  if (field === 'aspect_ratio') return rules.aspectRatios === null ? '' : rules.aspectRatios[0];
  if (field === 'audio') return rules.audio ? 'yes' : 'no';
  return undefined;
}

export function blankRow(key: number, above?: SheetRow): EditRow {
  return { key, index: 0, sourceRow: 0, prompt: '', extras: {}, raw: {}, ...settingsOf(above) };
}

/** Renumbers `index` (1-based, as the sheet's rows) after an insert or delete. */
export function renumber(rows: readonly EditRow[]): EditRow[] {
  return rows.map((r, i) => (r.index === i + 1 ? r : { ...r, index: i + 1 }));
}

/** "row 4 “Whale”": the row's number and its name, or the first words of its prompt (how drags announce a row). */
export function rowTitle(row: SheetRow, index: number): string {
  const name = row.name?.trim() || row.prompt.trim().split(/\s+/).slice(0, 5).join(' ');
  return name ? `row ${index + 1} “${name}”` : `row ${index + 1}`;
}
