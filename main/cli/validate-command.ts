/** `validate <sheet>`: exit 0 all rows valid, 1 some invalid, 2 unreadable. */
import { REHEARSAL_BASE_URL } from '../core/services/venice-connection';
import { readSheetFile, validateSheetFile } from '../core/services/sheet-file';
import type { CliValues } from './args';
import { defaultsFrom } from './defaults';
import type { CliSession } from './session';

export async function validateCommand(session: CliSession, sheetPath: string, values: CliValues, out: NodeJS.WritableStream): Promise<number> {
  const file = await readSheetFile(sheetPath);
  const catalog = await session.catalog(values.rehearsal ? REHEARSAL_BASE_URL : session.links.baseUrlFor(false));
  const validation = await validateSheetFile(file, catalog.byId, defaultsFrom(values));
  if (values.json) {
    out.write(
      `${JSON.stringify({
        rows: validation.rows.map((r) => ({
          row: r.row,
          valid: r.valid,
          errors: r.errors.map((e) => ({ column: e.column ?? 'row', message: e.message })),
        })),
        summary: validation.summary,
      })}\n`,
    );
  } else {
    for (const w of file.sheet.warnings) out.write(`note: ${w.row ? `row ${w.row}: ` : ''}${w.message}\n`);
    for (const r of validation.rows) {
      for (const e of r.errors) out.write(`row ${r.row}, ${e.column ?? 'row'}: ${e.message}\n`);
      for (const w of r.warnings) out.write(`row ${r.row}, ${w.column ?? 'row'} (note): ${w.message}\n`);
    }
    if (catalog.warning) out.write(`note: ${catalog.warning}\n`);
    const s = validation.summary;
    out.write(`${s.total} rows: ${s.valid} valid, ${s.invalid} invalid\n`);
  }
  return validation.summary.invalid > 0 ? 1 : 0;
}
