/**
 * A Web Worker that reads a sheet (main/core/sheet, the same reader main and the CLI use) off the page's thread:
 * decoding 18 MB of text and tokenizing 100,000 rows took seconds there, and the window froze. It hands the rows
 * back in pages (sheet-read-messages.ts), each already carrying the editor's key.
 */
import { importSheet, isSheetReadError } from '../editor/sheet';
import type { EditRow } from '../editor/rows';
import { ROWS_PER_MESSAGE, type ReadReply, type ReadRequest } from './sheet-read-messages';

// The DOM lib types `self` as a Window; in a worker it is the worker's own scope.
const scope = self as unknown as { onmessage: ((e: MessageEvent<ReadRequest>) => void) | null; postMessage: (m: ReadReply) => void };

scope.onmessage = (e) => {
  void read(e.data);
};

async function read({ bytes, options }: ReadRequest): Promise<void> {
  try {
    const { rows, ...sheet } = await importSheet(bytes, options);
    for (let i = 0; i < rows.length; i += ROWS_PER_MESSAGE) {
      const page: EditRow[] = rows.slice(i, i + ROWS_PER_MESSAGE).map((r) => ({ ...r, key: r.index }));
      scope.postMessage({ kind: 'rows', json: JSON.stringify(page) });
    }
    scope.postMessage({ kind: 'done', sheet });
  } catch (e) {
    const error = isSheetReadError(e) ? { message: e.message, code: e.code, details: e.details } : { message: e instanceof Error ? e.message : String(e) };
    scope.postMessage({ kind: 'failed', error });
  }
}
