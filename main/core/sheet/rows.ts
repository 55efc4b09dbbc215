/** Raw table + column plan -> SheetRow objects with trimmed, normalised values. */
import type { ColumnPlan } from './columns';
import { columnLetter } from './columns';
import { cleanCell, normaliseAspectRatio, normaliseAudio, normaliseDuration, normaliseResolution } from './normalise';
import type { CanonicalColumn, RawTable, SheetIssue, SheetRow } from './types';

export function buildRows(table: RawTable, plan: ColumnPlan): { rows: SheetRow[]; warnings: SheetIssue[] } {
  const warnings: SheetIssue[] = [];
  const headerWidth = table.header.length;
  const rows = table.rows.map((cells, i): SheetRow => {
    const index = i + 1;
    const sourceRow = table.sourceRows[i] ?? index + table.headerRow;
    const cell = (column: CanonicalColumn): string => {
      const at = plan.indexOf[column];
      return at === undefined ? '' : cleanCell(cells[at]);
    };
    const raw: SheetRow['raw'] = {};
    const row: SheetRow = { index, sourceRow, prompt: cell('prompt'), extras: {}, raw };
    if (row.prompt !== '') raw.prompt = row.prompt;

    for (const column of ['negative_prompt', 'model', 'duration', 'resolution', 'aspect_ratio', 'audio', 'image', 'name', 'takes'] as const) {
      const text = cell(column);
      if (text === '') continue;
      raw[column] = text;
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

    for (const extra of plan.extras) {
      const text = cleanCell(cells[extra.index]);
      if (extra.named || text !== '') row.extras[extra.key] = text;
    }

    const overflow = cells.slice(headerWidth).some((c) => c.trim() !== '');
    if (overflow && headerWidth > 0) {
      warnings.push({
        row: index,
        message: `This row (row ${sourceRow} of the sheet) has more cells than the header (${cells.length} instead of ${headerWidth}); the extra cells are kept as "Column ${columnLetter(headerWidth)}" onwards. A cell that contains the delimiter must be in double quotes, or its text is cut: check this row's prompt.`,
      });
    }
    return row;
  });
  return { rows, warnings };
}
