/** Why a file could not be read at all. The message says what to do; `code` lets a UI react (e.g. open the mapping). */
export type SheetReadErrorCode =
  | 'empty'
  | 'not-a-sheet'
  | 'old-excel'
  | 'unreadable-workbook'
  | 'no-such-sheet'
  | 'bad-encoding'
  | 'no-prompt-column'
  | 'duplicate-column'
  | 'bad-mapping'
  | 'too-large'
  | 'encrypted'
  | 'bad-header-row';

export interface SheetReadErrorDetails {
  /** The header cells, when the file was read far enough to have them (lets a UI offer a mapping). */
  headers?: string[];
  /** A workbook's sheets, the one read and the hidden ones (lets a UI offer the sheet picker even when this one failed). */
  sheetNames?: string[];
  sheetName?: string;
  hiddenSheets?: string[];
  /** How a text file was read before it failed (lets a UI show what was detected). */
  encoding?: string;
  encodingSure?: boolean;
  encodingAlternatives?: string[];
  delimiter?: string;
  headerRow?: number;
}

export class SheetReadError extends Error {
  override readonly name = 'SheetReadError';
  readonly code: SheetReadErrorCode;
  readonly details: SheetReadErrorDetails;

  constructor(code: SheetReadErrorCode, message: string, details: SheetReadErrorDetails = {}) {
    super(message);
    this.code = code;
    this.details = details;
  }
}

export function isSheetReadError(e: unknown): e is SheetReadError {
  return e instanceof SheetReadError || (e instanceof Error && e.name === 'SheetReadError' && 'code' in e);
}

/** The one message for a sheet past the row limit, whatever its format. */
export function tooManyRows(limit: number): SheetReadError {
  const n = String(limit).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return new SheetReadError('too-large', `This sheet has more than ${n} rows; the most this app reads at once is ${n}. Split it into smaller sheets.`);
}
