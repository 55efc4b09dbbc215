/** `quote <sheet>`: what each valid row will cost, and the total. Quotes are free and create nothing. */
import { QuoteCache } from '../core/services/quotes';
import { prepareBatch } from '../core/services/prepare-batch';
import { readSheetFile } from '../core/services/sheet-file';
import { REHEARSAL_BASE_URL } from '../core/services/venice-connection';
import type { CliValues } from './args';
import { defaultsFrom } from './defaults';
import { sheetNotes } from './sheet-report';
import { readOptionsFrom } from './sheet-options';
import { usd } from './format';
import type { CliSession } from './session';

export async function quoteCommand(session: CliSession, sheetPath: string, values: CliValues, out: NodeJS.WritableStream): Promise<number> {
  const baseUrl = values.rehearsal ? REHEARSAL_BASE_URL : session.links.baseUrlFor(false);
  const file = await readSheetFile(sheetPath, readOptionsFrom(values, session.dataDir));
  const catalog = await session.catalog(baseUrl);
  const link = await session.links.link(baseUrl);
  const prepared = await prepareBatch(file, catalog, defaultsFrom(values), new QuoteCache(link.client));
  if (values.json) {
    out.write(
      `${JSON.stringify({
        rows: prepared.rows.map((r) => ({ row: r.rowIndex, model: r.params.model, duration: r.params.duration, usd: r.quoteUsd })),
        invalidRows: prepared.invalid.map((r) => r.row),
        totalUsd: prepared.totalUsd,
        notes: sheetNotes(file, catalog.warning),
      })}\n`,
    );
  } else {
    for (const n of sheetNotes(file, catalog.warning)) out.write(`note: ${n.row ? `row ${n.row}: ` : ''}${n.message}\n`);
    for (const r of prepared.rows) {
      out.write(`row ${String(r.rowIndex).padStart(4)}  ${usd(r.quoteUsd ?? 0).padStart(8)}  ${r.params.model} ${r.params.duration}${r.params.resolution ? ` ${r.params.resolution}` : ''}\n`);
    }
    if (prepared.invalid.length) out.write(`${prepared.invalid.length} invalid row(s) not priced: run \`venice-batch validate\` to see why\n`);
    out.write(`Total for ${prepared.rows.length} clip(s): ${usd(prepared.totalUsd)}${values.rehearsal ? ' (Rehearsal: nothing is charged)' : ''}\n`);
  }
  return prepared.invalid.length > 0 ? 1 : 0;
}
