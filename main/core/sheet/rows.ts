/** Rows of cells + column plan -> SheetRow objects with trimmed, normalised values. */
import type { ColumnPlan } from './columns';
import { columnLetter } from './columns';
import { cleanCell, normaliseAspectRatio, normaliseAudio, normaliseDuration, normaliseResolution } from './normalise';
import { Pacer } from './pace';
import type { RawTable, SheetIssue, SheetRow } from './types';

/**
 * One string for each distinct short cell text: a sheet repeats "sim-wan-2.5-text-to-video", "5s" and "720p" on every
 * row, and 200,000 copies of each cost more memory than the rows' prompts.
 */
class Interner {
  private readonly seen = new Map<string, string>();
  get(text: string): string {
    if (text.length > 32) return text;
    const hit = this.seen.get(text);
    if (hit !== undefined) return hit;
    if (this.seen.size < 50_000) this.seen.set(text, text);
    return text;
  }
}

/**
 * Builds one SheetRow per row of cells. Every row object is made in one literal with the same fields in the same
 * order, so the code reading rows afterwards (validation, the editor, 200,000 times over) sees one object shape;
 * empty fields are undefined.
 */
export class RowBuilder {
  readonly warnings: SheetIssue[] = [];
  private readonly intern = new Interner();
  // Column indexes of the fields (-1: not in this sheet), as plain fields: read on every row.
  private readonly iPrompt: number;
  private readonly iNeg: number;
  private readonly iModel: number;
  private readonly iDuration: number;
  private readonly iRes: number;
  private readonly iAspect: number;
  private readonly iAudio: number;
  private readonly iImage: number;
  private readonly iName: number;
  private readonly iTakes: number;
  /** Columns the plan knows (header and widest early rows); cells past them become "Column X" extras. */
  private readonly known: number;

  constructor(
    private readonly plan: ColumnPlan,
    private readonly headerWidth: number,
  ) {
    const idx = (column: keyof ColumnPlan['indexOf']) => plan.indexOf[column] ?? -1;
    this.iPrompt = idx('prompt');
    this.iNeg = idx('negative_prompt');
    this.iModel = idx('model');
    this.iDuration = idx('duration');
    this.iRes = idx('resolution');
    this.iAspect = idx('aspect_ratio');
    this.iAudio = idx('audio');
    this.iImage = idx('image');
    this.iName = idx('name');
    this.iTakes = idx('takes');
    let known = headerWidth;
    for (const e of plan.extras) known = Math.max(known, e.index + 1);
    for (const i of Object.values(plan.indexOf)) known = Math.max(known, i + 1);
    this.known = known;
  }

  /** A cell's trimmed text, or undefined when the column is not mapped or the cell is empty. */
  private cell(cells: readonly string[], at: number): string | undefined {
    if (at < 0) return undefined;
    const text = cleanCell(cells[at]);
    return text === '' ? undefined : text;
  }

  /** The same, shared with every equal cell: for the fields whose few values repeat on every row. */
  private shared(cells: readonly string[], at: number): string | undefined {
    const text = this.cell(cells, at);
    return text === undefined ? undefined : this.intern.get(text);
  }

  build(cells: readonly string[], index: number, sourceRow: number): SheetRow {
    const prompt = this.cell(cells, this.iPrompt);
    const negative = this.cell(cells, this.iNeg);
    const model = this.shared(cells, this.iModel);
    const duration = this.shared(cells, this.iDuration);
    const resolution = this.shared(cells, this.iRes);
    const aspect = this.shared(cells, this.iAspect);
    const audioText = this.shared(cells, this.iAudio);
    const image = this.cell(cells, this.iImage);
    const name = this.cell(cells, this.iName);
    const takes = this.shared(cells, this.iTakes);
    const audio = audioText === undefined ? undefined : normaliseAudio(audioText);
    const extras: Record<string, string> = {};
    for (const extra of this.plan.extras) {
      const text = cleanCell(cells[extra.index]);
      if (extra.named || text !== '') extras[extra.key] = text;
    }
    // Past every column the plan knows (a row wider than the ones the header was judged on): unnamed extras.
    for (let c = this.known; c < cells.length; c++) {
      const text = cleanCell(cells[c]);
      const key = `Column ${columnLetter(c)}`;
      if (text !== '' && !(key in extras)) extras[key] = text;
    }
    const headerWidth = this.headerWidth;
    if (cells.length > headerWidth && headerWidth > 0 && cells.slice(headerWidth).some((c) => c.trim() !== '')) {
      this.warnings.push({
        row: index,
        message: `This row (row ${sourceRow} of the sheet) has more cells than the header (${cells.length} instead of ${headerWidth}); the extra cells are kept as "Column ${columnLetter(headerWidth)}" onwards. A cell that contains the delimiter must be in double quotes, or its text is cut: check this row's prompt.`,
      });
    }
    return {
      index,
      sourceRow,
      prompt: prompt ?? '',
      negative_prompt: negative,
      model,
      duration: duration === undefined ? undefined : normaliseDuration(duration),
      resolution: resolution === undefined ? undefined : normaliseResolution(resolution),
      aspect_ratio: aspect === undefined ? undefined : normaliseAspectRatio(aspect),
      audio: audio === 'invalid' ? undefined : audio,
      image,
      name,
      takes,
      extras,
      // Only the fields normalisation rewrites: the others are their own raw text already.
      raw: { duration, resolution, aspect_ratio: aspect, audio: audioText },
    };
  }
}

/** Builds every row of a table, letting each row's cells go once it is built and the event loop have its turns. */
export async function buildRows(table: RawTable, plan: ColumnPlan): Promise<{ rows: SheetRow[]; warnings: SheetIssue[] }> {
  const builder = new RowBuilder(plan, table.header.length);
  const pacer = new Pacer();
  const rows: SheetRow[] = new Array(table.rows.length);
  for (let i = 0; i < table.rows.length; i++) {
    if ((i & 1023) === 0 && pacer.due()) await pacer.pause();
    const index = i + 1;
    rows[i] = builder.build(table.rows[i]!, index, table.sourceRows[i] ?? index + table.headerRow);
    (table.rows as Array<string[] | undefined>)[i] = undefined;
  }
  return { rows, warnings: builder.warnings };
}
