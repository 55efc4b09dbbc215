/** Raw table + column plan -> SheetRow objects with trimmed, normalised values. */
import type { ColumnPlan } from './columns';
import { columnLetter } from './columns';
import { cleanCell, normaliseAspectRatio, normaliseAudio, normaliseDuration, normaliseResolution } from './normalise';
import { Pacer } from './pace';
import type { CanonicalColumn, RawTable, SheetIssue, SheetRow } from './types';

const OPTIONAL = ['negative_prompt', 'model', 'duration', 'resolution', 'aspect_ratio', 'audio', 'image', 'name', 'takes'] as const;

function setValue(row: SheetRow, column: (typeof OPTIONAL)[number], text: string): void {
  switch (column) {
    case 'duration':
      row.duration = normaliseDuration(text);
      break;
    case 'resolution':
      row.resolution = normaliseResolution(text);
      break;
    case 'aspect_ratio':
      row.aspect_ratio = normaliseAspectRatio(text);
      break;
    case 'audio': {
      const audio = normaliseAudio(text);
      if (audio !== 'invalid') row.audio = audio;
      break;
    }
    default:
      row[column] = text;
  }
}

export async function buildRows(table: RawTable, plan: ColumnPlan): Promise<{ rows: SheetRow[]; warnings: SheetIssue[] }> {
  const warnings: SheetIssue[] = [];
  const headerWidth = table.header.length;
  const promptAt = plan.indexOf.prompt;
  // The mapped optional columns, resolved once rather than looked up per row.
  const mapped: Array<[(typeof OPTIONAL)[number], number]> = [];
  for (const column of OPTIONAL) {
    const at = plan.indexOf[column];
    if (at !== undefined) mapped.push([column, at]);
  }
  const pacer = new Pacer();
  const rows: SheetRow[] = new Array(table.rows.length);
  for (let i = 0; i < table.rows.length; i++) {
    if ((i & 1023) === 0 && pacer.due()) await pacer.pause();
    const cells = table.rows[i]!;
    const index = i + 1;
    const sourceRow = table.sourceRows[i] ?? index + table.headerRow;
    const raw: Partial<Record<CanonicalColumn, string>> = {};
    const prompt = promptAt === undefined ? '' : cleanCell(cells[promptAt]);
    const row: SheetRow = { index, sourceRow, prompt, extras: {}, raw };
    if (prompt !== '') raw.prompt = prompt;
    for (const [column, at] of mapped) {
      const text = cleanCell(cells[at]);
      if (text === '') continue;
      raw[column] = text;
      setValue(row, column, text);
    }
    for (const extra of plan.extras) {
      const text = cleanCell(cells[extra.index]);
      if (extra.named || text !== '') row.extras[extra.key] = text;
    }
    if (cells.length > headerWidth && headerWidth > 0 && cells.slice(headerWidth).some((c) => c.trim() !== '')) {
      warnings.push({
        row: index,
        message: `This row (row ${sourceRow} of the sheet) has more cells than the header (${cells.length} instead of ${headerWidth}); the extra cells are kept as "Column ${columnLetter(headerWidth)}" onwards. A cell that contains the delimiter must be in double quotes, or its text is cut: check this row's prompt.`,
      });
    }
    rows[i] = row;
  }
  return { rows, warnings };
}
