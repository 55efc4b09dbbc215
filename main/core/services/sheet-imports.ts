/**
 * A sheet the user picked in the UI, from bytes to a preview (every row validated against the live model catalog
 * and, where possible, priced), kept in memory under an id until the user queues it. The preview never holds more
 * than the sheet itself said; queueing writes a copy of the sheet into the data folder so the batch keeps its
 * source, exactly as the CLI keeps the path of the file it ran.
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { sanitizeSegment } from '../queue/output-names';
import { importSheet, type BatchDefaults, type ImportOptions, type RowIssue, type SheetIssue } from '../sheet';
import type { Catalog } from '../venice/catalog';
import { isVeniceError } from '../venice/errors';
import { redact } from '../venice/redact';
import { UserError } from './app-errors';
import { prepareBatch, type PreparedBatch } from './prepare-batch';
import type { QuoteCache } from './quotes';
import type { SheetFile } from './sheet-file';

export interface PreviewIssue {
  column: string | null;
  message: string;
}

export interface PreviewRow {
  row: number;
  sourceRow: number;
  prompt: string;
  name: string | null;
  valid: boolean;
  errors: PreviewIssue[];
  warnings: PreviewIssue[];
  model: string | null;
  duration: string | null;
  resolution: string | null;
  aspectRatio: string | null;
  audio: boolean | null;
  quoteUsd: number | null;
}

export interface ImportPreview {
  importId: string;
  fileName: string;
  rehearsal: boolean;
  format: string;
  encoding: string | null;
  delimiter: string | null;
  sheetNames: string[] | null;
  sheetName: string | null;
  hiddenSheets: string[] | null;
  encodingSure: boolean;
  encodingAlternatives: string[];
  headerRow: number;
  headers: string[];
  mapping: Record<string, string>;
  unmappedHeaders: string[];
  warnings: Array<{ row: number | null; message: string }>;
  /** The first PREVIEW_FIRST_ROWS rows; `summary.total` counts them all (see previewRows). */
  rows: PreviewRow[];
  summary: { total: number; valid: number; invalid: number };
  /** Sum of the quotes of the valid rows, when every one could be priced. */
  totalUsd: number | null;
  /** Why prices are missing (no key, Venice unreachable), in words the user can act on. */
  quoteProblem: string | null;
  catalogWarning: string | null;
  /** A batch already made from these exact bytes into the same folder: queueing again would pay again. */
  existingBatchId: number | null;
}

export interface PendingImport {
  id: string;
  file: SheetFile;
  bytes: Uint8Array;
  fileName: string;
  rehearsal: boolean;
  baseUrl: string;
  defaults: BatchDefaults;
  prepared: PreparedBatch;
  pricesComplete: boolean;
  quoteProblem: string | null;
  createdAt: number;
}

export interface ImportRequest {
  fileName: string;
  bytes: Uint8Array;
  options: ImportOptions;
  defaults: BatchDefaults;
  rehearsal: boolean;
  baseUrl: string;
  catalog: Catalog;
  quotes: QuoteCache | undefined;
}

const KEEP = 20;
/** Rows in a preview's first answer (the contract's PREVIEW_FIRST_ROWS; kept here so core never imports the contract). */
export const PREVIEW_FIRST_ROWS = 200;
const TTL_MS = 6 * 60 * 60 * 1000;

const issues = (list: SheetIssue[]) => list.map((i) => ({ row: i.row ?? null, message: i.message }));

export class SheetImports {
  private readonly pending = new Map<string, PendingImport>();

  constructor(
    private readonly dataDir: string,
    private readonly now: () => number = Date.now,
  ) {}

  /** Reads and validates the sheet; prices it when it can. Throws SheetReadError when the file is unusable. */
  async add(req: ImportRequest): Promise<PendingImport> {
    const hash = createHash('sha256').update(req.bytes).digest('hex');
    const safeName = sanitizeSegment(path.basename(req.fileName)) || 'sheet.csv';
    const sheet = await importSheet(req.bytes, { ...req.options, fileName: safeName });
    const file: SheetFile = { path: path.join(this.dataDir, 'imports', hash.slice(0, 16), safeName), hash, sheet };
    const prepared = await prepareBatch(file, req.catalog, req.defaults, undefined);
    let pricesComplete = false;
    let problem: string | null = null;
    if (req.quotes && prepared.rows.length > 0) {
      try {
        const prices = await req.quotes.priceAll(prepared.rows.map((r) => ({ params: r.params, rules: req.catalog.byId.get(r.params.model) })));
        prepared.rows.forEach((r, i) => (r.quoteUsd = prices[i] ?? null));
        prepared.totalUsd = Math.round(prices.reduce((a, b) => a + b, 0) * 100) / 100;
        pricesComplete = true;
      } catch (e) {
        prepared.totalUsd = 0;
        problem = quoteProblem(e);
      }
    }
    const entry: PendingImport = {
      id: randomUUID(),
      file,
      bytes: req.bytes,
      fileName: safeName,
      rehearsal: req.rehearsal,
      baseUrl: req.baseUrl,
      defaults: req.defaults,
      prepared,
      pricesComplete,
      quoteProblem: problem,
      createdAt: this.now(),
    };
    this.prune();
    this.pending.set(entry.id, entry);
    return entry;
  }

  get(id: string): PendingImport | undefined {
    const entry = this.pending.get(id);
    if (entry && this.now() - entry.createdAt > TTL_MS) {
      this.pending.delete(id);
      return undefined;
    }
    return entry;
  }

  delete(id: string): void {
    this.pending.delete(id);
  }

  /** Writes the sheet's bytes where the batch will say it came from. */
  keepSource(entry: PendingImport): string {
    mkdirSync(path.dirname(entry.file.path), { recursive: true });
    writeFileSync(entry.file.path, entry.bytes);
    return entry.file.path;
  }

  private prune(): void {
    const ids = [...this.pending.keys()];
    for (const id of ids.slice(0, Math.max(0, ids.length - KEEP + 1))) this.pending.delete(id);
  }
}

export function quoteProblem(e: unknown): string {
  if (isVeniceError(e) && e.kind === 'unauthorized') return 'Prices need a Venice API key: add yours in Settings, or use Rehearsal.';
  if (isVeniceError(e) && (e.kind === 'network' || e.kind === 'timeout')) return 'Venice could not be reached to price these rows; try again when you are online.';
  return `These rows could not be priced: ${redact((e as Error).message)}`;
}

const NONE: PreviewIssue[] = [];

/** Each row's first-take quote by its place in the validation, worked out once per pending import. */
const quotesByPlace = new WeakMap<PendingImport, Array<number | null>>();

function quotesOf(entry: PendingImport): Array<number | null> {
  let out = quotesByPlace.get(entry);
  if (out) return out;
  const { validation, rows: ready } = entry.prepared;
  const byRow = new Map<number, number | null>();
  for (const r of ready) if (r.take === 1) byRow.set(r.rowIndex, r.quoteUsd ?? null);
  out = validation.rows.map((v) => byRow.get(v.row) ?? null);
  quotesByPlace.set(entry, out);
  return out;
}

const issuesOf = (list: RowIssue[]) => (list.length === 0 ? NONE : list.map((e) => ({ column: e.column, message: e.message })));

/**
 * Rows `offset` to `offset + limit` of the preview. A page at a time: every row of a 100,000-row sheet in one answer
 * held main's thread for seconds (built, checked by the contract, serialised) and the page's while it read it.
 */
export function previewRows(entry: PendingImport, offset: number, limit: number): PreviewRow[] {
  const { sheet } = entry.file;
  const { validation } = entry.prepared;
  const quotes = quotesOf(entry);
  const end = Math.min(validation.rows.length, offset + limit);
  const rows: PreviewRow[] = [];
  for (let i = offset; i < end; i++) {
    const v = validation.rows[i]!;
    // Validation keeps the sheet's order: row i is sheet row i (by index only if not), no map of 100,000 rows.
    const s = sheet.rows[i]?.index === v.row ? sheet.rows[i] : sheet.rows.find((r) => r.index === v.row);
    const resolved = v.resolved;
    rows.push({
      row: v.row,
      sourceRow: s?.sourceRow ?? v.row,
      prompt: s?.prompt ?? '',
      name: s?.name ?? null,
      valid: v.valid,
      errors: issuesOf(v.errors),
      warnings: issuesOf(v.warnings),
      model: resolved?.model ?? s?.model ?? null,
      duration: resolved?.duration ?? s?.duration ?? null,
      resolution: resolved?.resolution ?? null,
      aspectRatio: resolved?.aspect_ratio ?? null,
      audio: resolved?.audio ?? null,
      quoteUsd: quotes[i] ?? null,
    });
  }
  return rows;
}

/** `batch:importRows`: a page of a pending preview's rows, or a plain error once the preview is gone. */
export function importRows(imports: SheetImports, input: { importId: string; offset: number; limit: number }): { rows: PreviewRow[]; total: number } {
  const entry = imports.get(input.importId);
  if (!entry) throw new UserError('not_found', 'This sheet preview has expired. Import the sheet again.');
  return { rows: previewRows(entry, input.offset, input.limit), total: entry.prepared.validation.rows.length };
}

/** The preview's first answer: everything about the sheet, and its first rows (the rest come by `previewRows`). */
export function previewOf(entry: PendingImport, catalog: Catalog, existingBatchId: number | null): ImportPreview {
  const { sheet } = entry.file;
  const { validation } = entry.prepared;
  const rows = previewRows(entry, 0, PREVIEW_FIRST_ROWS);
  return {
    importId: entry.id,
    fileName: entry.fileName,
    rehearsal: entry.rehearsal,
    format: sheet.format,
    encoding: sheet.encoding,
    delimiter: sheet.delimiter,
    sheetNames: sheet.sheetNames ?? null,
    sheetName: sheet.sheetName ?? null,
    hiddenSheets: sheet.hiddenSheets ?? null,
    encodingSure: sheet.encodingSure,
    encodingAlternatives: sheet.encodingAlternatives,
    headerRow: sheet.headerRow,
    headers: sheet.headers,
    mapping: { ...sheet.mapping } as Record<string, string>,
    unmappedHeaders: sheet.unmappedHeaders,
    warnings: [...issues(sheet.warnings), ...issues(sheet.errors)],
    rows,
    summary: validation.summary,
    totalUsd: entry.pricesComplete ? entry.prepared.totalUsd : null,
    quoteProblem: entry.quoteProblem,
    catalogWarning: catalog.warning ?? null,
    existingBatchId,
  };
}
