/**
 * From a sheet on disk to rows ready for the queue: validate every row against the live model catalog, resolve
 * batch defaults, make audio explicit where it changes the price, and quote each row.
 */
import type { NewRow, RowParams } from '../queue/types';
import type { BatchDefaults, RowValidation, SheetValidation } from '../sheet';
import { Pacer } from '../sheet/pace';
import type { Catalog } from '../venice/catalog';
import type { QuoteCache } from './quotes';
import { validateSheetFile, type SheetFile } from './sheet-file';

export interface PreparedBatch {
  validation: SheetValidation;
  invalid: RowValidation[];
  rows: NewRow[];
  totalUsd: number;
}

export async function prepareBatch(
  file: SheetFile,
  catalog: Catalog,
  defaults: BatchDefaults,
  quotes: QuoteCache | undefined,
): Promise<PreparedBatch> {
  const validation = await validateSheetFile(file, catalog.byId, defaults);
  const invalid = validation.rows.filter((r) => !r.valid);
  // Validation keeps the sheet's row order, so row i's sheet row is at i (looked up by index only if not).
  const sheetRows = file.sheet.rows;
  let bySheetIndex: Map<number, (typeof sheetRows)[number]> | undefined;
  const sheetRowOf = (index: number, i: number) =>
    sheetRows[i]?.index === index ? sheetRows[i] : (bySheetIndex ??= new Map(sheetRows.map((r) => [r.index, r]))).get(index);
  const rows: NewRow[] = [];
  // 100,000 rows made in one go held main's event loop for half a second (the window's main process, in the app).
  const pacer = new Pacer();
  for (let i = 0; i < validation.rows.length; i++) {
    if ((i & 1023) === 0 && pacer.due()) await pacer.pause();
    const v = validation.rows[i]!;
    if (!v.valid || !v.resolved) continue;
    const sheetRow = sheetRowOf(v.row, i);
    const rules = catalog.byId.get(v.resolved.model);
    const params: RowParams = { ...v.resolved };
    if (params.audio === undefined && rules?.audio && rules.audioConfigurable) params.audio = true; // Venice's default, said out loud
    // One queue row per take: same request, its own clip and its own charge. The file-name template's {take}
    // keeps their files apart (and a name clash gets " (2)" anyway, see output-names.ts).
    for (let take = 1; take <= (v.takes ?? 1); take++) {
      rows.push({
        rowIndex: v.row,
        take,
        params: take === 1 ? params : { ...params },
        name: sheetRow?.name ?? null,
        extras: sheetRow?.extras ?? {},
        quoteUsd: null,
      });
    }
  }
  let totalUsd = 0;
  if (quotes) {
    const prices = await quotes.priceAll(rows.map((r) => ({ params: r.params, rules: catalog.byId.get(r.params.model) })));
    rows.forEach((r, i) => {
      r.quoteUsd = prices[i] ?? null;
      totalUsd += prices[i] ?? 0;
    });
  }
  return { validation, invalid, rows, totalUsd: Math.round(totalUsd * 100) / 100 };
}
