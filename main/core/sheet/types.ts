/**
 * Shapes shared by every step of the sheet import. Pure data: no Node, no DOM beyond TextDecoder.
 */

/** The columns the product understands. Everything else in a sheet is kept per row as `extras`. */
export const CANONICAL_COLUMNS = [
  'prompt',
  'negative_prompt',
  'model',
  'duration',
  'resolution',
  'aspect_ratio',
  'audio',
  'image',
  'name',
  /** How many versions (takes) of the row to generate, 1-10. */
  'takes',
] as const;
export type CanonicalColumn = (typeof CANONICAL_COLUMNS)[number];

/** The delimiters a CSV/TSV may use (European Excel writes `;`). */
export const DELIMITERS = [',', ';', '\t', '|'] as const;
export type Delimiter = (typeof DELIMITERS)[number];

/**
 * canonical column -> header text as written in the sheet. When given as an option, `null` means "do not map this
 * column even if a header looks like it".
 */
export type ColumnMapping = Partial<Record<CanonicalColumn, string>>;
export type MappingOverride = Partial<Record<CanonicalColumn, string | null>>;

/** Something found while reading the file itself, before columns are known. */
export interface ReadIssue {
  /** Row number as a spreadsheet app shows it. */
  sourceRow: number;
  /** 0-based column, when the issue is about one cell: an error there only stops the row when its column is used. */
  column?: number;
  /** 'error' stops the row (its values cannot be trusted); 'note' is said and the row goes on. */
  severity: 'error' | 'note';
  message: string;
}

/** Every non-blank row of a sheet as text cells, before the header row is chosen. */
export interface RawRows {
  rows: string[][];
  /** For each entry of `rows`, its row number as a spreadsheet app shows it. */
  sourceRows: number[];
  issues: ReadIssue[];
}

/** A sheet reduced to text cells, whatever the file format. */
export interface RawTable {
  header: string[];
  /** Row number of the header as a spreadsheet app shows it (1-based, blank rows counted). */
  headerRow: number;
  /** Data rows below the header, fully blank rows removed. Cells are untrimmed. */
  rows: string[][];
  /** For each entry of `rows`, its row number as a spreadsheet app shows it. */
  sourceRows: number[];
}

/** A problem found while reading. `row` is a data-row index (1-based, header excluded) when it concerns one row. */
export interface SheetIssue {
  row?: number;
  /** The field and the header of the column concerned, when the issue is about one cell. */
  field?: CanonicalColumn;
  column?: string;
  message: string;
}

export interface SheetRow {
  /** 1-based position among the data rows (header and blank rows excluded). */
  index: number;
  /** Row number as the spreadsheet app shows it (header usually 1), so the user can find the row. */
  sourceRow: number;
  prompt: string;
  negative_prompt?: string;
  model?: string;
  duration?: string;
  resolution?: string;
  aspect_ratio?: string;
  /** undefined: the cell was empty (model default) or unreadable (see `raw.audio`). */
  audio?: boolean;
  image?: string;
  name?: string;
  /** The takes cell as written (checked by validateRow: a whole number from 1 to 10). */
  takes?: string;
  /** Cells of unmapped columns, keyed by their header text. Usable in an output-name template. */
  extras: Record<string, string>;
  /**
   * Trimmed cell text as the user wrote it, before normalisation, for messages ("16:09" for a 16:9 that Excel turned
   * into a time, "peut-être" for an unreadable audio cell). The reader fills the fields normalisation rewrites
   * (duration, resolution, aspect_ratio, audio); the other fields are their own text already.
   */
  raw: Partial<Record<CanonicalColumn, string>>;
}

export type SheetFormat = 'csv' | 'tsv' | 'xlsx';

export interface ImportOptions {
  /** Used only for hints and messages (".xls", ".numbers", ".tsv"...). */
  fileName?: string;
  /** A TextDecoder label ("utf-8", "windows-1252", "utf-16le"...) to use instead of detection. Text files only. */
  encoding?: string;
  /** Overrides delimiter detection. Text files only. */
  delimiter?: Delimiter;
  /** Workbook sheet by name or 0-based index. XLSX only; default: the sheet open when it was saved, else the first visible one. */
  sheet?: string | number;
  /** The header's row number as the spreadsheet app shows it (1-based). Default: found among the first 20 rows by its column names. */
  headerRow?: number;
  /** Explicit header mapping; wins over automatic matching. */
  mapping?: MappingOverride;
}

export interface ImportedSheet {
  format: SheetFormat;
  /** The text encoding used (null for XLSX). */
  encoding: string | null;
  /** The delimiter used (null for XLSX). */
  delimiter: Delimiter | null;
  /** Workbook sheet names in order (XLSX only). */
  sheetNames?: string[];
  /** The sheet read (XLSX only). */
  sheetName?: string;
  /** Sheets hidden in the workbook (XLSX only): listed, never read unless asked for by name. */
  hiddenSheets?: string[];
  /** False when the text encoding was guessed and another was nearly as likely: show the text and ask. */
  encodingSure: boolean;
  /** Close alternatives to the guessed encoding, best first (only when not sure). */
  encodingAlternatives: string[];
  /** The header's row number as the spreadsheet app shows it. */
  headerRow: number;
  /** Header cells, trimmed, in sheet order. */
  headers: string[];
  /** canonical column -> header text. */
  mapping: ColumnMapping;
  /** Headers kept as `extras`. */
  unmappedHeaders: string[];
  rows: SheetRow[];
  /** Notes: how the file was read, choices made for the user (each says how to change it), row warnings. */
  warnings: SheetIssue[];
  errors: SheetIssue[];
}
