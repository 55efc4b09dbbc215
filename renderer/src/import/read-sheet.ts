/**
 * The page's own read of a sheet (for editing, and for the mapping when main refuses it), done in a Web Worker so
 * the window never freezes on a big file: on the page's thread, 100,000 rows held it for seconds (decoding, then
 * tokenizing). The rows arrive in pages, each unpacked in its own short task. Where no worker can run (tests in
 * Node, a worker refused by the platform) the same reader runs here, in slices (main/core/sheet/pace.ts).
 */
import { importSheet, SheetReadError, type ImportOptions, type ImportedSheet, type SheetReadErrorCode } from '../editor/sheet';
import type { EditRow } from '../editor/rows';
import type { ReadReply, ReadRequest } from './sheet-read-messages';

export type ReadSheet = Omit<ImportedSheet, 'rows'> & { rows: EditRow[] };

/** Reads the sheet; throws what importSheet throws (a SheetReadError with its details when the sheet is refused). */
export async function readSheet(bytes: Uint8Array, options: ImportOptions): Promise<ReadSheet> {
  if (typeof Worker !== 'undefined') {
    const read = await readInWorker(bytes, options);
    if (read !== 'no-worker') return read;
  }
  const sheet = await importSheet(bytes, options);
  return { ...sheet, rows: sheet.rows.map((r) => ({ ...r, key: r.index })) };
}

/** 'no-worker' when the worker could not start (then the caller reads in the page). */
function readInWorker(bytes: Uint8Array, options: ImportOptions): Promise<ReadSheet | 'no-worker'> {
  return new Promise((resolve, reject) => {
    let worker: Worker;
    try {
      worker = new Worker(new URL('./sheet-worker.ts', import.meta.url), { type: 'module', name: 'sheet-reader' });
    } catch {
      resolve('no-worker');
      return;
    }
    const rows: EditRow[] = [];
    let heard = false;
    worker.onerror = (e) => {
      worker.terminate();
      // Before any answer: the worker's script never ran (refused or missing), so the page reads it itself.
      if (!heard) resolve('no-worker');
      else reject(new Error(`The sheet could not be read: ${e.message || 'the reader stopped'}.`));
    };
    worker.onmessage = (e: MessageEvent<ReadReply>) => {
      heard = true;
      const m = e.data;
      if (m.kind === 'rows') {
        for (const r of JSON.parse(m.json) as EditRow[]) rows.push(r);
        return;
      }
      worker.terminate();
      if (m.kind === 'done') resolve({ ...m.sheet, rows });
      else if (m.error.code) reject(new SheetReadError(m.error.code as SheetReadErrorCode, m.error.message, m.error.details ?? {}));
      else reject(new Error(m.error.message));
    };
    // A copy goes to the worker: the page keeps the file's bytes to send to main and to read again.
    worker.postMessage({ bytes, options } satisfies ReadRequest);
  });
}
