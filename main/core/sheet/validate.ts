/**
 * Row validation against a model's rules (core/venice/model-rules.ts), with batch defaults filling empty cells.
 * Every message says what is wrong and how to fix it, and names the column as the sheet's header has it.
 */
import type { ModelRules } from '../venice/model-rules';
import { formatCount, orList } from './format';
import { checkImageFile, classifyImage, imageProblem, type CheckFile } from './image';
import { DEFAULT_PROMPT_LIMIT, NEGATIVE_PROMPT_LIMIT } from './limits';
import {
  cleanCell,
  isAspectRatioValue,
  isDurationValue,
  normaliseAspectRatio,
  normaliseDuration,
  normaliseResolution,
} from './normalise';
import type { CanonicalColumn, ColumnMapping, ImportedSheet, SheetRow } from './types';

/** Values for the whole batch, used where a row's cell is empty. */
export interface BatchDefaults {
  model?: string;
  duration?: string;
  resolution?: string;
  aspect_ratio?: string;
  audio?: boolean;
  negative_prompt?: string;
  /** Takes per row (1-10) where the takes cell is empty. Default 1. */
  takes?: number;
}

/** The most takes (versions) of one row a sheet may ask for. */
export const MAX_TAKES = 10;

export interface RowIssue {
  /** The canonical field, or null for a problem with the row as a whole (e.g. a CSV quoting error). */
  field: CanonicalColumn | null;
  /** The column as the user sees it: the sheet's header text, else the canonical name. */
  column: string | null;
  message: string;
}

/** What a valid row will ask Venice for. */
export interface ResolvedRow {
  model: string;
  prompt: string;
  negative_prompt?: string;
  duration: string;
  resolution?: string;
  aspect_ratio?: string;
  audio?: boolean;
  image?: string;
}

export interface RowValidation {
  /** SheetRow.index: 1-based, header excluded. */
  row: number;
  valid: boolean;
  errors: RowIssue[];
  warnings: RowIssue[];
  /** Present only when the row is valid. */
  resolved?: ResolvedRow;
  /** How many takes of the row to generate (1-10); present only when the row is valid. */
  takes?: number;
}

export interface SheetValidation {
  rows: RowValidation[];
  summary: { total: number; valid: number; invalid: number };
}

export interface RowValidationOptions {
  /** canonical -> sheet header text, so messages name the column as the user wrote it. */
  columns?: ColumnMapping;
}

const DEFAULT_NOTE = ' (the batch default)';

interface Picked<T> {
  value: T | undefined;
  fromDefault: boolean;
}

function pick<T>(own: T | undefined, fallback: T | undefined): Picked<T> {
  return own !== undefined ? { value: own, fromDefault: false } : { value: fallback, fromDefault: fallback !== undefined };
}

function nonEmpty(text: string | undefined, normalise: (t: string) => string = (t) => t): string | undefined {
  if (text === undefined) return undefined;
  const t = cleanCell(text);
  return t === '' ? undefined : normalise(t);
}

/** Validates one row. `rules` undefined: only checks that need no model (the caller reports unknown models). */
export function validateRow(
  row: SheetRow,
  rules: ModelRules | undefined,
  defaults: BatchDefaults = {},
  opts: RowValidationOptions = {},
): RowValidation {
  const errors: RowIssue[] = [];
  const warnings: RowIssue[] = [];
  const columnOf = (field: CanonicalColumn): string => opts.columns?.[field] ?? field;
  const error = (field: CanonicalColumn, message: string) => errors.push({ field, column: columnOf(field), message });
  const warn = (field: CanonicalColumn, message: string) => warnings.push({ field, column: columnOf(field), message });
  const note = (p: Picked<unknown>) => (p.fromDefault ? DEFAULT_NOTE : '');
  const id = rules?.id;

  // Model
  const model = pick(nonEmpty(row.model), nonEmpty(defaults.model));
  if (model.value === undefined) error('model', 'No model chosen: fill the model column or pick a model for the whole batch.');
  if (rules?.deprecation) warn('model', `${rules.id} is being retired (${rules.deprecation}): consider another model.`);
  if (rules?.requiresVideo) {
    error('model', `${rules.id} turns a video into another video, which a sheet cannot supply: pick a text-to-video or image-to-video model.`);
  }

  // Prompt
  const prompt = cleanCell(row.prompt);
  const promptLimit = rules?.promptLimit ?? DEFAULT_PROMPT_LIMIT;
  if (prompt === '') error('prompt', 'Prompt is empty.');
  else if (prompt.length > promptLimit) {
    const who = rules ? 'this model accepts' : 'Venice accepts';
    error('prompt', `Prompt is ${formatCount(prompt.length)} characters; ${who} at most ${formatCount(promptLimit)}.`);
  }

  // Negative prompt
  const negative = pick(nonEmpty(row.negative_prompt), nonEmpty(defaults.negative_prompt));
  if (negative.value !== undefined && negative.value.length > NEGATIVE_PROMPT_LIMIT) {
    error(
      'negative_prompt',
      `Negative prompt${note(negative)} is ${formatCount(negative.value.length)} characters; Venice accepts at most ${formatCount(NEGATIVE_PROMPT_LIMIT)}.`,
    );
  }

  // Duration (required by Venice)
  const duration = pick(nonEmpty(row.duration, normaliseDuration), nonEmpty(defaults.duration, normaliseDuration));
  const durations = rules?.durations ?? [];
  if (duration.value === undefined) {
    error('duration', durations.length > 0 ? `Duration is missing: use ${orList(durations)}.` : 'Duration is missing: enter the clip length in seconds, e.g. 5s.');
  } else if (!isDurationValue(duration.value)) {
    error('duration', `Duration "${duration.value}"${note(duration)} is not a number of seconds: write it like ${durations[0] ?? '5s'}.`);
  } else if (durations.length > 0 && !durations.map(normaliseDuration).includes(duration.value)) {
    error('duration', `Duration "${duration.value}"${note(duration)} is not offered by ${id}: use ${orList(durations)}.`);
  }

  // Resolution (optional; Venice defaults to 720p)
  const resolution = pick(nonEmpty(row.resolution, normaliseResolution), nonEmpty(defaults.resolution, normaliseResolution));
  const resolutions = rules?.resolutions ?? [];
  if (resolution.value !== undefined && resolutions.length > 0 && !resolutions.map(normaliseResolution).includes(resolution.value)) {
    error('resolution', `Resolution "${resolution.value}"${note(resolution)} is not offered by ${id}: use ${orList(resolutions)}.`);
  }

  // Aspect ratio (null list: the model takes none; a batch default is then simply not sent)
  let aspect = pick(nonEmpty(row.aspect_ratio, normaliseAspectRatio), nonEmpty(defaults.aspect_ratio, normaliseAspectRatio));
  if (rules && rules.aspectRatios === null && aspect.value !== undefined) {
    if (aspect.fromDefault) aspect = { value: undefined, fromDefault: false };
    else error('aspect_ratio', 'This model does not accept an aspect ratio: leave the cell empty.');
  } else if (aspect.value !== undefined) {
    const ratios = rules?.aspectRatios ?? [];
    if (!isAspectRatioValue(aspect.value)) {
      error('aspect_ratio', `Aspect ratio "${aspect.value}"${note(aspect)} is not a ratio: write it like ${ratios[0] ?? '16:9'}.`);
    } else if (ratios.length > 0 && !ratios.map(normaliseAspectRatio).includes(aspect.value)) {
      error('aspect_ratio', `Aspect ratio "${aspect.value}"${note(aspect)} is not offered by ${id}: use ${orList(ratios)}.`);
    }
  }

  // Audio (an invalid cell keeps its text in raw.audio and leaves audio undefined)
  let audio = pick(row.audio, defaults.audio);
  if (row.audio === undefined && row.raw.audio !== undefined) {
    error('audio', 'Audio must be yes or no.');
  } else if (rules && audio.value === true && !rules.audio) {
    if (audio.fromDefault) audio = { value: undefined, fromDefault: false };
    else error('audio', `${rules.id} makes silent clips: set audio to no or leave the cell empty.`);
  } else if (rules && audio.value === false && rules.audio && !rules.audioConfigurable) {
    if (audio.fromDefault) audio = { value: undefined, fromDefault: false };
    else error('audio', `${rules.id} always adds sound: set audio to yes or leave the cell empty.`);
  }

  // Image
  let image = nonEmpty(row.image);
  if (image !== undefined) {
    const problem = imageProblem(classifyImage(image));
    if (problem) error('image', problem);
    else if (rules && !rules.requiresImage) {
      warn('image', `${rules.id} makes video from text only, so the image will not be sent. Pick an image-to-video model to use it.`);
      image = undefined;
    }
  } else if (rules?.requiresImage) {
    error('image', 'This model turns a still image into video: add an image (a file path or an https URL).');
  }

  // Takes: how many versions of this row to generate, each its own clip (and its own cost)
  const takesText = nonEmpty(row.takes);
  let takes = defaults.takes ?? 1;
  if (takesText !== undefined) {
    const n = /^\d+$/.test(takesText) ? Number(takesText) : NaN;
    if (!Number.isInteger(n) || n < 1 || n > MAX_TAKES) {
      error('takes', `Takes "${takesText}" is not a whole number from 1 to ${MAX_TAKES}: write how many versions of this row to generate, or leave it empty for ${defaults.takes ?? 1}.`);
    } else takes = n;
  } else if (!Number.isInteger(takes) || takes < 1 || takes > MAX_TAKES) {
    error('takes', `Takes per row${DEFAULT_NOTE} must be a whole number from 1 to ${MAX_TAKES}.`);
  }

  const valid = errors.length === 0;
  const result: RowValidation = { row: row.index, valid, errors, warnings };
  if (valid) result.takes = takes;
  if (valid && model.value !== undefined && duration.value !== undefined) {
    const resolved: ResolvedRow = { model: model.value, prompt, duration: duration.value };
    if (negative.value !== undefined) resolved.negative_prompt = negative.value;
    if (resolution.value !== undefined) resolved.resolution = resolution.value;
    if (aspect.value !== undefined) resolved.aspect_ratio = aspect.value;
    if (audio.value !== undefined) resolved.audio = audio.value;
    if (image !== undefined) resolved.image = image;
    result.resolved = resolved;
  }
  return result;
}

function closeModel(name: string, ids: readonly string[]): string | undefined {
  const key = (s: string) => s.toLowerCase().replace(/[\s_]+/g, '-');
  return ids.find((m) => key(m) === key(name));
}

/** The "Unknown model" message, with a likely match when the name differs only in case or separators. */
export function unknownModelMessage(name: string, ids: readonly string[], fromDefault = false): string {
  const where = fromDefault ? DEFAULT_NOTE : '';
  const close = closeModel(name, ids);
  if (close) return `Unknown model "${name}"${where}: did you mean "${close}"?`;
  if (ids.length === 0) return `Unknown model "${name}"${where}: the model list is not loaded yet; connect to Venice and check again.`;
  return `Unknown model "${name}"${where}: pick one of ${orList([...ids].sort())}.`;
}

export interface ValidateSheetOptions {
  /** The model catalog's rules by model id. */
  rulesById: ReadonlyMap<string, ModelRules>;
  defaults?: BatchDefaults;
  /** Overrides the sheet's mapping for naming columns in messages. */
  columns?: ColumnMapping;
  /** Looks a local image path up (the path as written in the sheet). Without it local paths are not checked. */
  checkFile?: CheckFile;
}

/**
 * Validates every row: picks each row's model from `rulesById` (row cell, else the batch default), runs
 * validateRow, checks local image files through `checkFile`, and folds in the sheet's own row errors (e.g. CSV
 * quoting) when given an ImportedSheet.
 */
export async function validateSheet(sheet: ImportedSheet | readonly SheetRow[], opts: ValidateSheetOptions): Promise<SheetValidation> {
  const imported = Array.isArray(sheet) ? undefined : (sheet as ImportedSheet);
  const rows: readonly SheetRow[] = imported ? imported.rows : (sheet as readonly SheetRow[]);
  const columns = opts.columns ?? imported?.mapping;
  const defaults = opts.defaults ?? {};
  const ids = [...opts.rulesById.keys()];

  const results = await Promise.all(
    rows.map(async (row) => {
      const ownModel = nonEmpty(row.model);
      const modelName = ownModel ?? nonEmpty(defaults.model);
      const rules = modelName === undefined ? undefined : opts.rulesById.get(modelName);
      const result = validateRow(row, rules, defaults, { columns });
      const column = columns?.model ?? 'model';
      if (modelName !== undefined && !rules) {
        result.errors.unshift({ field: 'model', column, message: unknownModelMessage(modelName, ids, ownModel === undefined) });
      }
      for (const issue of imported?.errors ?? []) {
        if (issue.row === row.index) result.errors.push({ field: null, column: null, message: issue.message });
      }
      const image = nonEmpty(row.image);
      const ref = image === undefined ? undefined : classifyImage(image);
      const imageUsed = !result.warnings.some((w) => w.field === 'image') && !result.errors.some((e) => e.field === 'image');
      if (opts.checkFile && ref?.kind === 'path' && imageUsed) {
        const problem = await checkImageFile(ref.path, opts.checkFile);
        if (problem) result.errors.push({ field: 'image', column: columns?.image ?? 'image', message: problem });
      }
      if (result.errors.length > 0) {
        result.valid = false;
        delete result.resolved;
      }
      return result;
    }),
  );
  const valid = results.filter((r) => r.valid).length;
  return { rows: results, summary: { total: results.length, valid, invalid: results.length - valid } };
}

