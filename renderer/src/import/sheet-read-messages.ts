/**
 * What the page and its sheet-reading worker say to each other (sheet-worker.ts, read-sheet.ts). The rows come in
 * pages of ROWS_PER_MESSAGE, each as JSON text: one message of 100,000 row objects took the page's thread over a
 * second just to unpack (a structured clone of 300,000 objects); JSON.parse of a page takes a few milliseconds, and
 * the worker does the stringifying.
 */
import type { ImportOptions, ImportedSheet, SheetReadErrorDetails } from '../editor/sheet';

export const ROWS_PER_MESSAGE = 2_000;

export interface ReadRequest {
  bytes: Uint8Array;
  options: ImportOptions;
}

export type ReadReply =
  /** JSON of an EditRow[] (plain strings, numbers and booleans: nothing JSON loses). */
  | { kind: 'rows'; json: string }
  /** The sheet without its rows (they came before it). */
  | { kind: 'done'; sheet: Omit<ImportedSheet, 'rows'> }
  /** A SheetReadError's parts (an Error's class does not cross to the page), or another error's message. */
  | { kind: 'failed'; error: { message: string; code?: string; details?: SheetReadErrorDetails } };
