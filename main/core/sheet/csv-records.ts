/**
 * The records of a delimited text, tokenized by csv-parse (node-csv; the renderer gets its browser build through
 * vite.config.ts): quoted cells holding delimiters and line breaks, CRLF/LF/CR record breaks even mixed in one file,
 * rows of any length, and quotes in unexpected places kept as written (`relax_quotes`), the way LibreOffice reads them.
 *
 * What is the product's own sits around it: the text is fed in slices and records are pulled one at a time, so a
 * 200,000-row sheet becomes rows as it is read (never every record's cells at once) and the caller can give the event
 * loop its turns; a quoted cell that never closes is read as Excel reads it (to the end of the file) and said on its
 * row; a cell that starts with a quoted part followed by more text is kept whole, quotes included, and said too.
 */
import { CsvError, normalize_options, Parser, type Options } from 'csv-parse';
import type { Delimiter, ReadIssue } from './types';

const encoder = new TextEncoder();

/**
 * csv-parse's own byte container: Node's Buffer, or the stand-in its browser build carries (reached through a value
 * the library itself makes, since that build does not export it). Slices are handed over in it without a copy.
 */
const LibraryBytes = Object.getPrototypeOf(normalize_options({}).quote).constructor as {
  from(buffer: ArrayBufferLike, byteOffset: number, length: number): Uint8Array;
};
const asLibraryBytes = (bytes: Uint8Array) => LibraryBytes.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/** Characters fed to the parser at once: small enough that one slice never holds the thread for long. */
const SLICE_CHARS = 64 * 1024;
/** Cells starting with a quote are checked against the text around them at most this often per file. */
const MAX_QUOTE_CHECKS = 200;
const MAX_QUOTE_NOTES = 20;

function optionsFor(delimiter: Delimiter): Options {
  return {
    delimiter,
    quote: '"',
    escape: '"',
    // Every break a spreadsheet app writes, in whatever mix; '\r\n' first so it counts as one break.
    record_delimiter: ['\r\n', '\n', '\r'],
    relax_quotes: true,
    relax_column_count: true,
    // Blank lines come through as records so row numbers stay those a spreadsheet app shows.
    skip_empty_lines: false,
  };
}

function isBlank(cells: readonly string[]): boolean {
  for (const c of cells) if (c.trim() !== '') return false;
  return true;
}

interface RecordSource {
  next: () => Promise<IteratorResult<string[]>>;
  stop: () => void;
  /** How far into the text the parser has been fed: the records given out lie before it. */
  fed: () => number;
}

/**
 * One pass of csv-parse over a text, its records pulled one at a time. The next slice of text is written only when
 * every record of the last one has been taken, so at most one slice's records wait in memory; and records parsed
 * before an error are all given out before the error is.
 */
function records(text: string, delimiter: Delimiter): RecordSource {
  const parser = new Parser(optionsFor(delimiter));
  let queue: string[][] = [];
  let head = 0;
  let failure: unknown;
  let ended = false;
  let writing = false;
  let endSent = false;
  let at = 0;
  let wake: (() => void) | undefined;
  const signal = () => {
    const resolve = wake;
    wake = undefined;
    resolve?.();
  };
  parser.on('data', (record: string[]) => {
    queue.push(record);
    signal();
  });
  parser.on('error', (e: unknown) => {
    failure ??= e;
    signal();
  });
  const finish = () => {
    ended = true;
    signal();
  };
  parser.on('end', finish);
  parser.on('close', finish);
  // Only what csv-parse's Node and browser builds both offer: write with a callback, end once, and events.
  const feedOne = () => {
    if (endSent) return;
    if (at >= text.length) {
      endSent = true;
      parser.end();
      return;
    }
    let end = Math.min(text.length, at + SLICE_CHARS);
    // Never between the two halves of a surrogate pair: each slice is encoded on its own.
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end++;
    // As bytes, encoded by the platform: csv-parse works on bytes, and the Buffer of its browser build would turn a
    // string into bytes one character at a time in script (several times slower than the whole parse).
    const slice = asLibraryBytes(encoder.encode(text.slice(at, end)));
    at = end;
    writing = true;
    parser.write(slice, () => {
      writing = false;
      signal();
    });
  };
  return {
    async next() {
      for (;;) {
        if (head < queue.length) {
          const value = queue[head]!;
          if (++head === queue.length) {
            queue = [];
            head = 0;
          }
          return { done: false, value };
        }
        if (failure !== undefined) throw failure;
        if (ended) return { done: true, value: undefined };
        if (!writing) feedOne();
        if (head < queue.length || failure !== undefined || ended) continue;
        await new Promise<void>((resolve) => (wake = resolve));
      }
    },
    fed: () => at,
    stop: () => {
      // Nothing more is written; the parser and the text go with the last reference to them.
      ended = true;
      endSent = true;
      queue = [];
      head = 0;
    },
  };
}

const isUnclosedQuote = (e: unknown) => e instanceof CsvError && e.code === 'CSV_QUOTE_NOT_CLOSED';

/**
 * Reads a delimited text one record at a time (`next()` skips blank ones). Cells are exactly as written (no
 * trimming: that belongs to the row step, so this layer round-trips any text).
 */
export class CsvRecordReader {
  readonly issues: ReadIssue[] = [];
  /** The last record read, and its row number as a spreadsheet app shows it (1-based, blank rows counted). */
  cells: string[] = [];
  row = 0;
  private source: RecordSource;
  private quoteChecks = 0;
  private quoteNotes = 0;
  private finished = false;

  constructor(
    private readonly text: string,
    private readonly delimiter: Delimiter,
  ) {
    this.source = records(text, delimiter);
  }

  /** Reads the next record (blank ones included); false at the end of the text. */
  async nextRecord(): Promise<boolean> {
    if (this.finished) return false;
    let result: IteratorResult<string[]>;
    try {
      result = await this.source.next();
    } catch (e) {
      if (!isUnclosedQuote(e)) throw e;
      result = await this.readUnclosed();
    }
    if (result.done) {
      this.stop();
      return false;
    }
    this.row++;
    this.cells = result.value;
    this.noteQuotedStart();
    return true;
  }

  /** Reads up to the next non-blank record; false at the end of the text. */
  async next(): Promise<boolean> {
    while (await this.nextRecord()) if (!isBlank(this.cells)) return true;
    return false;
  }

  /** Stops reading (the caller has what it needs); the parser lets go of the text. */
  stop(): void {
    this.finished = true;
    this.source.stop();
  }

  /**
   * A quoted cell that is never closed: Excel reads the rest of the file into it. The text is read again with the
   * missing quote put at its end, past the records already given out, and the row says what happened.
   */
  private async readUnclosed(): Promise<IteratorResult<string[]>> {
    const row = this.row + 1;
    this.source = records(`${this.text}"`, this.delimiter);
    for (let skipped = 0; skipped < this.row; skipped++) if ((await this.source.next()).done) break;
    this.issues.push({
      sourceRow: row,
      severity: 'error',
      message: `A quoted cell starting on row ${row} of the file is never closed: a double quote (") is missing, so the rest of the file was read into that one cell.`,
    });
    const result = await this.source.next();
    // The recovered record runs to the end of the text: it is the last one.
    this.stop();
    return result;
  }

  /**
   * `"Action!" the director shouts` in an unquoted cell: the quotes are part of what was written, so they are kept
   * (Excel would drop them). A cell that really was quoted whole (`"""Action!"" the director shouts"`) reads the same,
   * so the note is only given when the text does not hold the cell in that quoted form.
   */
  private noteQuotedStart(): void {
    for (let c = 0; c < this.cells.length; c++) {
      const cell = this.cells[c]!;
      if (cell.charCodeAt(0) !== 0x22 || this.quoteChecks >= MAX_QUOTE_CHECKS || this.quoteNotes >= MAX_QUOTE_NOTES) continue;
      this.quoteChecks++;
      // Looked for just before where the parser has got to (where this record is), not in the whole text.
      const quoted = `"${cell.replace(/"/g, '""')}"`;
      const to = this.source.fed();
      if (this.text.slice(Math.max(0, to - 2 * SLICE_CHARS - quoted.length), to).includes(quoted)) continue;
      this.quoteNotes++;
      this.issues.push({
        sourceRow: this.row,
        column: c,
        severity: 'note',
        message: `A cell on row ${this.row} starts with a quoted part followed by more text (${JSON.stringify(cell.slice(0, 80))}); it was kept as written, quotes included. If the quotes should not be part of the text, remove them from the sheet.`,
      });
    }
  }
}

/**
 * At most `limit` non-blank records from the start of a text (delimiter detection, tests). A sample cut inside a
 * quoted cell simply ends there.
 */
export async function readRecords(text: string, delimiter: Delimiter, limit: number): Promise<string[][]> {
  const source = records(text, delimiter);
  const out: string[][] = [];
  try {
    while (out.length < limit) {
      const r = await source.next();
      if (r.done) break;
      if (!isBlank(r.value)) out.push(r.value);
    }
  } catch (e) {
    if (!isUnclosedQuote(e)) throw e;
  } finally {
    source.stop();
  }
  return out;
}
