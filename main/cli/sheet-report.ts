/**
 * What `validate --json` says about a sheet: how it was read (format, encoding and whether it was sure, sheet and
 * hidden sheets, header row, mapping), every note the text mode prints, and each row's values as read, or, for a
 * valid row, exactly what will be sent (defaults applied), so a script can check a batch before paying for it.
 */
import type { PreparedBatch } from '../core/services/prepare-batch';
import type { SheetFile } from '../core/services/sheet-file';
import type { ImportedSheet, SheetRow } from '../core/sheet';
import { ENCODING_CHOICES } from './sheet-options';

export interface RowValues {
  prompt: string | null;
  negative_prompt: string | null;
  model: string | null;
  duration: string | null;
  resolution: string | null;
  aspect_ratio: string | null;
  /** true/false; the cell's own text when it is not a yes or a no; null when empty (the model's default). */
  audio: boolean | string | null;
  image: string | null;
  name: string | null;
  /** A whole number of takes; the cell's own text when it is not one. */
  takes: number | string | null;
}

export interface Note {
  row: number | null;
  message: string;
}

const orNull = <T>(v: T | undefined): T | null => (v === undefined || v === '' ? null : v);

function valuesAsRead(row: SheetRow): RowValues {
  const takes = row.takes === undefined ? null : /^\d+$/.test(row.takes) ? Number(row.takes) : row.takes;
  return {
    prompt: orNull(row.prompt),
    negative_prompt: orNull(row.negative_prompt),
    model: orNull(row.model),
    duration: orNull(row.duration),
    resolution: orNull(row.resolution),
    aspect_ratio: orNull(row.aspect_ratio),
    audio: row.audio ?? orNull(row.raw.audio),
    image: orNull(row.image),
    name: orNull(row.name),
    takes,
  };
}

/** Hints only the CLI can give: which option changes a choice the reader made. */
export function cliHints(sheet: ImportedSheet): Note[] {
  const hints: Note[] = [];
  if (sheet.encoding !== null && !sheet.encoding.startsWith('utf')) {
    hints.push({ row: null, message: `To read it in another encoding, run again with --encoding and one of ${ENCODING_CHOICES}.` });
  }
  if ((sheet.sheetNames?.length ?? 0) > 1) hints.push({ row: null, message: 'To read another sheet, run again with --sheet "NAME".' });
  return hints;
}

export function sheetNotes(file: SheetFile, catalogWarning: string | undefined): Note[] {
  const { sheet } = file;
  const notes: Note[] = sheet.warnings.map((w) => ({ row: w.row ?? null, message: w.message }));
  notes.push(...cliHints(sheet));
  if (catalogWarning) notes.push({ row: null, message: catalogWarning });
  return notes;
}

export function validateReport(file: SheetFile, prepared: PreparedBatch, catalogWarning: string | undefined) {
  const { sheet } = file;
  const hidden = new Set(sheet.hiddenSheets ?? []);
  const sent = new Map(prepared.rows.filter((r) => r.take === 1).map((r) => [r.rowIndex, r]));
  const sheetRows = new Map(sheet.rows.map((r) => [r.index, r]));
  return {
    file: file.path,
    format: sheet.format,
    encoding: sheet.encoding,
    encodingSure: sheet.encodingSure,
    delimiter: sheet.delimiter,
    sheet: sheet.sheetName ?? null,
    sheets: sheet.sheetNames ? sheet.sheetNames.map((name) => ({ name, hidden: hidden.has(name) })) : null,
    headerRow: sheet.headerRow,
    headers: sheet.headers,
    mapping: sheet.mapping,
    notes: sheetNotes(file, catalogWarning),
    rows: prepared.validation.rows.map((r) => {
      const row = sheetRows.get(r.row);
      const queued = sent.get(r.row);
      const read = row ? valuesAsRead(row) : null;
      const values: RowValues | null =
        queued && read
          ? {
              prompt: queued.params.prompt,
              negative_prompt: orNull(queued.params.negative_prompt),
              model: queued.params.model,
              duration: queued.params.duration,
              resolution: orNull(queued.params.resolution),
              aspect_ratio: orNull(queued.params.aspect_ratio),
              audio: queued.params.audio ?? null,
              image: orNull(queued.params.image),
              name: read.name,
              takes: r.takes ?? 1,
            }
          : read;
      return {
        row: r.row,
        sourceRow: row?.sourceRow ?? null,
        valid: r.valid,
        errors: r.errors.map((e) => ({ column: e.column ?? 'row', message: e.message })),
        warnings: r.warnings.map((w) => ({ column: w.column ?? 'row', message: w.message })),
        values,
      };
    }),
    summary: prepared.validation.summary,
  };
}
