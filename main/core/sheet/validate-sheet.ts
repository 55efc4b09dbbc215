/**
 * Validation of a whole sheet: each row against its model's rules (its own model, else the batch default), the
 * sheet's own row errors folded in, local images looked up on disk through an injected `checkFile`. Runs in slices
 * that give the event loop a turn, so 200,000 rows never hold the window or Electron's main process.
 */
import { orList } from './format';
import { checkImageFile, classifyImage, type CheckFile } from './image';
import { cleanCell } from './normalise';
import { Pacer } from './pace';
import type { ImportedSheet, SheetRow, ColumnMapping } from './types';
import { DEFAULT_NOTE, validateRow, type BatchDefaults, type RowIssue, type RowValidation, type SheetValidation } from './validate';
import type { ModelRules } from '../venice/model-rules';

function nonEmpty(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const t = cleanCell(text);
  return t === '' ? undefined : t;
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

/**
 * Shared by every row of a sheet's validation that has none (frozen: a sheet of 200,000 valid rows would otherwise
 * hold 400,000 empty arrays). validateRow still returns fresh arrays, which callers may extend.
 */
const NO_ISSUES = Object.freeze([]) as unknown as RowIssue[];

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
  const modelColumn = columns?.model ?? 'model';
  const imageColumn = columns?.image ?? 'image';
  const defaultModel = nonEmpty(defaults.model);
  const sheetErrors = new Map<number, RowIssue[]>();
  for (const issue of imported?.errors ?? []) {
    if (issue.row === undefined) continue;
    const list = sheetErrors.get(issue.row) ?? [];
    list.push({ field: issue.field ?? null, column: issue.column ?? null, message: issue.message });
    sheetErrors.set(issue.row, list);
  }

  const pacer = new Pacer();
  const results: RowValidation[] = new Array(rows.length);
  let valid = 0;
  for (let i = 0; i < rows.length; i++) {
    if ((i & 511) === 0 && pacer.due()) await pacer.pause();
    const row = rows[i]!;
    const ownModel = nonEmpty(row.model);
    const modelName = ownModel ?? defaultModel;
    const rules = modelName === undefined ? undefined : opts.rulesById.get(modelName);
    const result = validateRow(row, rules, defaults, { columns });
    if (modelName !== undefined && !rules) {
      result.errors.unshift({ field: 'model', column: modelColumn, message: unknownModelMessage(modelName, ids, ownModel === undefined) });
    }
    for (const issue of sheetErrors.get(row.index) ?? []) result.errors.push({ ...issue });
    // Only a local path needs the disk, and only when the image will be sent.
    if (opts.checkFile && row.image !== undefined) {
      const image = nonEmpty(row.image);
      const ref = image === undefined ? undefined : classifyImage(image);
      const imageUsed = !result.warnings.some((w) => w.field === 'image') && !result.errors.some((e) => e.field === 'image');
      if (ref?.kind === 'path' && imageUsed) {
        const problem = await checkImageFile(ref.path, opts.checkFile);
        if (problem) result.errors.push({ field: 'image', column: imageColumn, message: problem });
      }
    }
    if (result.errors.length > 0) {
      result.valid = false;
      delete result.resolved;
      delete result.takes;
    } else {
      valid++;
      result.errors = NO_ISSUES;
    }
    if (result.warnings.length === 0) result.warnings = NO_ISSUES;
    results[i] = result;
  }
  return { rows: results, summary: { total: results.length, valid, invalid: results.length - valid } };
}
