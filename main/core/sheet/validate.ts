/**
 * Row validation against a model's rules (core/venice/model-rules.ts), with batch defaults filling empty cells.
 * Every message says what is wrong and how to fix it, and names the column as the sheet's header has it.
 */
import type { ModelRules } from '../venice/model-rules';
import { formatCount, orList } from './format';
import { classifyImage, imageProblem } from './image';
import { DEFAULT_PROMPT_LIMIT, NEGATIVE_PROMPT_LIMIT } from './limits';
import {
  cleanCell,
  isAspectRatioValue,
  isDurationValue,
  normaliseAspectRatio,
  normaliseDuration,
  normaliseResolution,
} from './normalise';
import type { CanonicalColumn, ColumnMapping, SheetRow } from './types';

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

/** Said after a value that came from the batch defaults rather than the row. */
export const DEFAULT_NOTE = ' (the batch default)';

const same = (t: string) => t;

function nonEmpty(text: string | undefined, normalise: (t: string) => string = same): string | undefined {
  if (text === undefined) return undefined;
  const t = cleanCell(text);
  return t === '' ? undefined : normalise(t);
}

/** A model's lists in normalised form, worked out once per model rather than once per row. */
interface RuleSets {
  durations: ReadonlySet<string>;
  resolutions: ReadonlySet<string>;
  ratios: ReadonlySet<string>;
}
const ruleSets = new WeakMap<ModelRules, RuleSets>();
function setsOf(rules: ModelRules): RuleSets {
  let sets = ruleSets.get(rules);
  if (!sets) {
    sets = {
      durations: new Set(rules.durations.map(normaliseDuration)),
      resolutions: new Set(rules.resolutions.map(normaliseResolution)),
      ratios: new Set((rules.aspectRatios ?? []).map(normaliseAspectRatio)),
    };
    ruleSets.set(rules, sets);
  }
  return sets;
}

function issue(columns: ColumnMapping | undefined, field: CanonicalColumn, message: string): RowIssue {
  return { field, column: columns?.[field] ?? field, message };
}

/**
 * Validates one row. `rules` undefined: only checks that need no model (the caller reports unknown models).
 * Written without per-call closures or wrapper objects: it runs once per row, 200,000 times for the largest sheet.
 */
export function validateRow(
  row: SheetRow,
  rules: ModelRules | undefined,
  defaults: BatchDefaults = {},
  opts: RowValidationOptions = {},
): RowValidation {
  const errors: RowIssue[] = [];
  const warnings: RowIssue[] = [];
  const cols = opts.columns;
  const id = rules?.id;
  const sets = rules ? setsOf(rules) : undefined;
  // Each value below is the row's own, else the batch default; `xDefault` says which, for messages.

  // Model
  const ownModel = nonEmpty(row.model);
  const model = ownModel ?? nonEmpty(defaults.model);
  if (model === undefined) errors.push(issue(cols, 'model', 'No model chosen: fill the model column or pick a model for the whole batch.'));
  if (rules?.deprecation) warnings.push(issue(cols, 'model', `${rules.id} is being retired (${rules.deprecation}): consider another model.`));
  if (rules?.requiresVideo) {
    errors.push(issue(cols, 'model', `${rules.id} turns a video into another video, which a sheet cannot supply: pick a text-to-video or image-to-video model.`));
  }

  // Prompt
  const prompt = cleanCell(row.prompt);
  const promptLimit = rules?.promptLimit ?? DEFAULT_PROMPT_LIMIT;
  if (prompt === '') errors.push(issue(cols, 'prompt', 'Prompt is empty.'));
  else if (prompt.length > promptLimit) {
    const who = rules ? 'this model accepts' : 'Venice accepts';
    errors.push(issue(cols, 'prompt', `Prompt is ${formatCount(prompt.length)} characters; ${who} at most ${formatCount(promptLimit)}.`));
  }

  // Negative prompt
  const ownNegative = nonEmpty(row.negative_prompt);
  const negative = ownNegative ?? nonEmpty(defaults.negative_prompt);
  if (negative !== undefined && negative.length > NEGATIVE_PROMPT_LIMIT) {
    const where = ownNegative === undefined ? DEFAULT_NOTE : '';
    errors.push(issue(cols, 'negative_prompt', `Negative prompt${where} is ${formatCount(negative.length)} characters; Venice accepts at most ${formatCount(NEGATIVE_PROMPT_LIMIT)}.`));
  }

  // Duration (required by Venice)
  const ownDuration = nonEmpty(row.duration, normaliseDuration);
  const duration = ownDuration ?? nonEmpty(defaults.duration, normaliseDuration);
  const durationNote = ownDuration === undefined ? DEFAULT_NOTE : '';
  const durations = rules?.durations ?? [];
  if (duration === undefined) {
    errors.push(issue(cols, 'duration', durations.length > 0 ? `Duration is missing: use ${orList(durations)}.` : 'Duration is missing: enter the clip length in seconds, e.g. 5s.'));
  } else if (!isDurationValue(duration)) {
    errors.push(issue(cols, 'duration', `Duration "${duration}"${durationNote} is not a number of seconds: write it like ${durations[0] ?? '5s'}.`));
  } else if (sets && durations.length > 0 && !sets.durations.has(duration)) {
    errors.push(issue(cols, 'duration', `Duration "${duration}"${durationNote} is not offered by ${id}: use ${orList(durations)}.`));
  }

  // Resolution (optional; Venice defaults to 720p)
  const ownResolution = nonEmpty(row.resolution, normaliseResolution);
  const resolution = ownResolution ?? nonEmpty(defaults.resolution, normaliseResolution);
  const resolutions = rules?.resolutions ?? [];
  if (resolution !== undefined && sets && resolutions.length > 0 && !sets.resolutions.has(resolution)) {
    const where = ownResolution === undefined ? DEFAULT_NOTE : '';
    errors.push(issue(cols, 'resolution', `Resolution "${resolution}"${where} is not offered by ${id}: use ${orList(resolutions)}.`));
  }

  // Aspect ratio (null list: the model takes none; a batch default is then simply not sent)
  const ownAspect = nonEmpty(row.aspect_ratio, normaliseAspectRatio);
  let aspect = ownAspect ?? nonEmpty(defaults.aspect_ratio, normaliseAspectRatio);
  const aspectNote = ownAspect === undefined ? DEFAULT_NOTE : '';
  if (rules && rules.aspectRatios === null && aspect !== undefined) {
    if (ownAspect === undefined) aspect = undefined;
    else errors.push(issue(cols, 'aspect_ratio', 'This model does not accept an aspect ratio: leave the cell empty.'));
  } else if (aspect !== undefined) {
    const ratios = rules?.aspectRatios ?? [];
    if (!isAspectRatioValue(aspect)) {
      errors.push(issue(cols, 'aspect_ratio', `Aspect ratio "${aspect}"${aspectNote} is not a ratio: write it like ${ratios[0] ?? '16:9'}.`));
    } else if (sets && ratios.length > 0 && !sets.ratios.has(aspect)) {
      errors.push(issue(cols, 'aspect_ratio', `Aspect ratio "${aspect}"${aspectNote} is not offered by ${id}: use ${orList(ratios)}.`));
    }
  }

  // Audio (an invalid cell keeps its text in raw.audio and leaves audio undefined)
  let audio = row.audio ?? defaults.audio;
  const audioFromDefault = row.audio === undefined;
  if (row.audio === undefined && row.raw.audio !== undefined) {
    errors.push(
      issue(cols, 'audio', `Audio "${row.raw.audio}" is not yes or no: write yes or no (oui/non, ja/nein, sí/no, sì/no, sim/não and ja/nee are read too), or leave the cell empty for the model's default.`),
    );
  } else if (rules && audio === true && !rules.audio) {
    if (audioFromDefault) audio = undefined;
    else errors.push(issue(cols, 'audio', `${rules.id} makes silent clips: set audio to no or leave the cell empty.`));
  } else if (rules && audio === false && rules.audio && !rules.audioConfigurable) {
    if (audioFromDefault) audio = undefined;
    else errors.push(issue(cols, 'audio', `${rules.id} always adds sound: set audio to yes or leave the cell empty.`));
  }

  // Image
  let image = nonEmpty(row.image);
  if (image !== undefined) {
    const problem = imageProblem(classifyImage(image));
    if (problem) errors.push(issue(cols, 'image', problem));
    else if (rules && !rules.requiresImage) {
      warnings.push(issue(cols, 'image', `${rules.id} makes video from text only, so the image will not be sent. Pick an image-to-video model to use it.`));
      image = undefined;
    }
  } else if (rules?.requiresImage) {
    errors.push(issue(cols, 'image', 'This model turns a still image into video: add an image (a file path or an https URL).'));
  }

  // Takes: how many versions of this row to generate, each its own clip (and its own cost)
  const takesText = nonEmpty(row.takes);
  let takes = defaults.takes ?? 1;
  if (takesText !== undefined) {
    const n = /^\d+$/.test(takesText) ? Number(takesText) : NaN;
    if (!Number.isInteger(n) || n < 1 || n > MAX_TAKES) {
      errors.push(
        issue(cols, 'takes', `Takes "${takesText}" is not a whole number from 1 to ${MAX_TAKES}: write how many versions of this row to generate, or leave it empty for ${defaults.takes ?? 1}.`),
      );
    } else takes = n;
  } else if (!Number.isInteger(takes) || takes < 1 || takes > MAX_TAKES) {
    errors.push(issue(cols, 'takes', `Takes per row${DEFAULT_NOTE} must be a whole number from 1 to ${MAX_TAKES}.`));
  }

  const valid = errors.length === 0;
  const result: RowValidation = { row: row.index, valid, errors, warnings };
  if (valid) result.takes = takes;
  if (valid && model !== undefined && duration !== undefined) {
    const resolved: ResolvedRow = { model, prompt, duration };
    if (negative !== undefined) resolved.negative_prompt = negative;
    if (resolution !== undefined) resolved.resolution = resolution;
    if (aspect !== undefined) resolved.aspect_ratio = aspect;
    if (audio !== undefined) resolved.audio = audio;
    if (image !== undefined) resolved.image = image;
    result.resolved = resolved;
  }
  return result;
}
