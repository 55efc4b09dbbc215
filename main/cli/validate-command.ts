/** `validate <sheet>`: exit 0 all rows valid, 1 some invalid, 2 unreadable. */
import { prepareBatch } from '../core/services/prepare-batch';
import { readSheetFile } from '../core/services/sheet-file';
import { REHEARSAL_BASE_URL } from '../core/services/venice-connection';
import type { CliValues } from './args';
import { defaultsFrom } from './defaults';
import { sheetNotes, validateReport } from './sheet-report';
import { readOptionsFrom } from './sheet-options';
import type { CliSession } from './session';

export async function validateCommand(session: CliSession, sheetPath: string, values: CliValues, out: NodeJS.WritableStream): Promise<number> {
  const file = await readSheetFile(sheetPath, readOptionsFrom(values, session.dataDir));
  const catalog = await session.catalog(values.rehearsal ? REHEARSAL_BASE_URL : session.links.baseUrlFor(false));
  // The same preparation `run` queues from, without prices: what a valid row shows is what would be sent.
  const prepared = await prepareBatch(file, catalog, defaultsFrom(values), undefined);
  const validation = prepared.validation;
  if (values.json) {
    out.write(`${JSON.stringify(validateReport(file, prepared, catalog.warning))}\n`);
  } else {
    for (const n of sheetNotes(file, catalog.warning)) out.write(`note: ${n.row ? `row ${n.row}: ` : ''}${n.message}\n`);
    for (const r of validation.rows) {
      for (const e of r.errors) out.write(`row ${r.row}, ${e.column ?? 'row'}: ${e.message}\n`);
      for (const w of r.warnings) out.write(`row ${r.row}, ${w.column ?? 'row'} (note): ${w.message}\n`);
    }
    const s = validation.summary;
    out.write(`${s.total} rows: ${s.valid} valid, ${s.invalid} invalid\n`);
  }
  return validation.summary.invalid > 0 ? 1 : 0;
}
