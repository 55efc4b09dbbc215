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
  | 'bad-mapping';

export interface SheetReadErrorDetails {
  /** The header cells, when the file was read far enough to have them (lets a UI offer a mapping). */
  headers?: string[];
  sheetNames?: string[];
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
