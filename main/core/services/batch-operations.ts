/**
 * What the user does with batches and rows: import a sheet into a preview, queue it, pause, resume, cancel,
 * retry, decide about rows in doubt, reorder, price rows. Every decision goes through the engine (which writes it
 * to the store before anything happens) and is announced as an event.
 */
import path from 'node:path';
import { checkOutputFolder, makeFolder, OutputFolderError } from '../media/output-folder';
import { sanitizeSegment } from '../queue/output-names';
import type { RowParams } from '../queue/types';
import type { BatchDefaults, ImportOptions } from '../sheet';
import type { Engine } from '../queue/engine';
import type { QueueStoreApi } from '../queue/store-api';
import type { SecretStore } from '../secrets/secret-store';
import type { Catalog } from '../venice/catalog';
import type { EventHub } from './app-events';
import type { Settings } from './app-settings';
import type { QuoteCache } from './quotes';
import { UserError } from './app-errors';
import { batchTitle } from './batch-name';
import { capBlocksResume, setSpendCap } from './spend-cap';
import { SheetImports, previewOf, type ImportPreview } from './sheet-imports';
import { batchView, rowViewOf, rowViews, type BatchView, type RowView } from './views';

export interface ImportSheetInput {
  fileName: string;
  bytes: Uint8Array;
  options?: ImportOptions;
  defaults?: BatchDefaults;
  /** Default: the Rehearsal setting. */
  rehearsal?: boolean;
}

export interface CreateBatchInput {
  importId: string;
  name?: string;
  /** Default: a folder named after the sheet inside the output folder of Settings. */
  outputDir?: string;
  nameTemplate?: string;
  concurrency?: number;
  budgetUsd?: number | null;
  /** Required for a batch that spends real money. */
  confirmSpend?: boolean;
  /** Queue a sheet again into the folder it already went to (every row is paid again). */
  allowDuplicate?: boolean;
}

export type QuoteRowInput = Pick<RowParams, 'model' | 'duration' | 'resolution' | 'aspect_ratio' | 'audio'>;

const usd = (n: number) => `$${n.toFixed(2)}`;

const titleOf = (entry: { fileName: string; file: { sheet: { sheetNames?: string[] | null; sheetName?: string | null } } }) => batchTitle(entry.fileName, entry.file.sheet);

/** What batch operations need of the app (AppServices provides it; a narrow view keeps the two files apart). */
export interface BatchOperationsHost {
  readonly opts: { dataDir: string };
  readonly queue: QueueStoreApi;
  readonly engine: Engine;
  readonly secrets: Pick<SecretStore, 'getKey'>;
  readonly events: EventHub;
  getSettings(): Settings;
  catalog(rehearsal: boolean): Promise<Catalog>;
  quotes(rehearsal: boolean): Promise<QuoteCache | undefined>;
  baseUrlFor(rehearsal: boolean): string;
}

export class BatchOperations {
  /** Sheets read into a preview and not queued yet (their rows are paged out by batch:importRows). */
  readonly imports: SheetImports;

  constructor(private readonly app: BatchOperationsHost) {
    this.imports = new SheetImports(app.opts.dataDir);
  }

  private get store() {
    return this.app.queue;
  }

  private get engine() {
    return this.app.engine;
  }

  async list(): Promise<BatchView[]> {
    const open = await this.store.holds.openHolds();
    const batches = (await this.store.listBatches()).reverse();
    return Promise.all(batches.map((b) => batchView(this.store, b, open)));
  }

  async get(batchId: number): Promise<{ batch: BatchView; rows: RowView[] }> {
    const batch = await this.store.getBatch(batchId);
    if (!batch) throw new UserError('not_found', `There is no batch ${batchId}.`);
    const [view, rows] = await Promise.all([batchView(this.store, batch), rowViews(this.store, batchId)]);
    return { batch: view, rows };
  }

  async importSheet(input: ImportSheetInput): Promise<ImportPreview & { title: string }> {
    const rehearsal = input.rehearsal ?? this.app.getSettings().rehearsal;
    const catalog = await this.app.catalog(rehearsal);
    const quotes = await this.app.quotes(rehearsal);
    const entry = await this.imports.add({
      fileName: input.fileName,
      bytes: input.bytes,
      options: input.options ?? {},
      defaults: input.defaults ?? {},
      rehearsal,
      baseUrl: this.app.baseUrlFor(rehearsal),
      catalog,
      quotes,
    });
    if (!quotes && !rehearsal) entry.quoteProblem = 'Prices need a Venice API key: add yours in Settings, or use Rehearsal.';
    const title = titleOf(entry);
    const existing = await this.store.findBatchBySource(entry.file.hash, this.defaultOutputDir(title, rehearsal));
    return { ...previewOf(entry, catalog, existing?.id ?? null), title };
  }

  /** A folder named after the batch (so two tabs of one workbook do not share one) inside Settings' output folder. */
  private defaultOutputDir(title: string, rehearsal: boolean): string {
    const stem = sanitizeSegment(title) || 'batch';
    return path.join(this.app.getSettings().outputDir, rehearsal ? `${stem} (rehearsal)` : stem);
  }

  async create(input: CreateBatchInput): Promise<BatchView> {
    const entry = this.imports.get(input.importId);
    if (!entry) throw new UserError('not_found', 'This sheet preview has expired. Import the sheet again.');
    const { prepared } = entry;
    if (prepared.invalid.length > 0) {
      const n = prepared.invalid.length;
      throw new UserError('invalid', `${n} ${n === 1 ? 'row needs' : 'rows need'} fixing before this batch can run; nothing was queued.`);
    }
    if (prepared.rows.length === 0) throw new UserError('invalid', 'The sheet has no rows to generate.');
    const settings = this.app.getSettings();
    if (!entry.rehearsal) {
      if (!(await this.app.secrets.getKey())) throw new UserError('needs_key', 'Add your Venice API key in Settings before queueing a real batch, or use Rehearsal.');
      if (!entry.pricesComplete) throw new UserError('invalid', entry.quoteProblem ?? 'These rows could not be priced; import the sheet again.');
      if (!input.confirmSpend) {
        const clips = prepared.rows.length;
        throw new UserError('confirm', `This batch spends real money: ${clips} ${clips === 1 ? 'clip' : 'clips'}, about ${usd(prepared.totalUsd)}. Confirm to queue it.`);
      }
    }
    const title = titleOf(entry);
    const outputDir = path.resolve(input.outputDir ?? this.defaultOutputDir(title, entry.rehearsal));
    const existing = await this.store.findBatchBySource(entry.file.hash, outputDir);
    if (existing && !input.allowDuplicate) {
      throw new UserError(
        'conflict',
        `This sheet was already queued as batch ${existing.id} into ${outputDir}. Open that batch, or confirm to queue it again${entry.rehearsal ? '' : ' (every row is paid again)'}.`,
      );
    }
    // Checked and made without a recursive mkdir (under /proc one spins forever) and without blocking the loop.
    try {
      await checkOutputFolder(outputDir);
      await makeFolder(outputDir);
    } catch (e) {
      if (e instanceof OutputFolderError) throw new UserError('invalid', `${e.message} Nothing was queued.`);
      throw e;
    }
    const sourcePath = this.imports.keepSource(entry);
    const batchId = await this.store.createBatch(
      {
        name: input.name?.trim() || title,
        sourcePath,
        sourceHash: entry.file.hash,
        settings: { ...entry.defaults, concurrency: input.concurrency ?? settings.concurrency },
        outputDir,
        nameTemplate: input.nameTemplate ?? settings.nameTemplate,
        budgetUsd: input.budgetUsd ?? null,
        baseUrl: entry.baseUrl,
        rehearsal: entry.rehearsal,
      },
      prepared.rows,
    );
    this.imports.delete(entry.id);
    this.engine.poke();
    void this.app.events.batchChanged(batchId);
    return this.view(batchId);
  }

  private async view(batchId: number): Promise<BatchView> {
    const batch = await this.batchOrThrow(batchId);
    return batchView(this.store, batch);
  }

  private async batchOrThrow(batchId: number) {
    const b = await this.store.getBatch(batchId);
    if (!b) throw new UserError('not_found', `There is no batch ${batchId}.`);
    return b;
  }

  async pause(batchId: number): Promise<BatchView> {
    const b = await this.batchOrThrow(batchId);
    if (b.status === 'cancelled') throw new UserError('invalid', 'A cancelled batch cannot be paused.');
    await this.engine.pauseBatch(batchId);
    return this.view(batchId);
  }

  async resume(batchId: number): Promise<BatchView> {
    const b = await this.batchOrThrow(batchId);
    if (b.status === 'cancelled') throw new UserError('invalid', 'A cancelled batch cannot be resumed; retry its rows instead.');
    // Resuming without room under the cap would only stop the batch again (and announce it again): say why instead.
    const capped = b.status === 'paused' ? await capBlocksResume(this.store, b) : null;
    if (capped) throw new UserError('invalid', capped);
    await this.engine.resumeBatch(batchId);
    return this.view(batchId);
  }

  /** Raises, lowers or (null) removes a queued batch's spend cap; checked here, whatever the page allowed. */
  async setBudget(batchId: number, budgetUsd: number | null): Promise<BatchView> {
    await setSpendCap(this.store, batchId, budgetUsd);
    void this.app.events.batchChanged(batchId);
    this.engine.poke();
    return this.view(batchId);
  }

  async cancel(batchId: number): Promise<BatchView> {
    await this.batchOrThrow(batchId);
    await this.engine.cancelBatch(batchId);
    return this.view(batchId);
  }

  async retry(rowIds: number[]): Promise<{ refetch: number; resubmit: number }> {
    const out = await this.engine.retryRows(rowIds);
    await this.announceBatchesOf(rowIds);
    return out;
  }

  /** Tells the UI that the batches holding these rows changed. */
  private async announceBatchesOf(rowIds: number[]): Promise<void> {
    const batchIds = new Set<number>();
    for (const id of rowIds) {
      const b = (await this.store.getRow(id))?.batchId;
      if (b) batchIds.add(b);
    }
    for (const b of batchIds) void this.app.events.batchChanged(b);
  }

  /** Skips rows not yet sent. Rows already sent are left alone: a paid clip is always followed to the end. */
  async skip(rowIds: number[]): Promise<{ skipped: number }> {
    const skipped = await this.engine.cancelRows(rowIds);
    await this.announceBatchesOf(rowIds);
    return { skipped };
  }

  async resolve(rowId: number, decision: 'resubmit' | 'lost'): Promise<RowView> {
    const row = await this.store.getRow(rowId);
    if (!row) throw new UserError('not_found', `There is no row ${rowId}.`);
    if (row.state !== 'in_doubt') throw new UserError('invalid', `Row ${row.rowIndex} is not in doubt.`);
    await this.engine.resolveInDoubt(rowId, decision);
    void this.app.events.batchChanged(row.batchId);
    return this.rowOrThrow(rowId);
  }

  async reorder(rowId: number, position: number): Promise<RowView> {
    const row = await this.rowOrThrow(rowId);
    if (row.state !== 'ready' && row.state !== 'draft') throw new UserError('invalid', 'Only rows not yet sent can be moved.');
    await this.engine.reorderRow(rowId, position);
    return this.rowOrThrow(rowId);
  }

  private async rowOrThrow(rowId: number): Promise<RowView> {
    const row = await this.store.getRow(rowId);
    if (!row) throw new UserError('not_found', `There is no row ${rowId}.`);
    return rowViewOf(this.store, row);
  }

  async quoteRows(input: { rehearsal: boolean; rows: QuoteRowInput[] }): Promise<{ prices: number[]; totalUsd: number }> {
    const quotes = await this.app.quotes(input.rehearsal);
    if (!quotes) throw new UserError('needs_key', 'Prices need a Venice API key: add yours in Settings, or use Rehearsal.');
    const catalog = await this.app.catalog(input.rehearsal);
    const prices = await quotes.priceAll(input.rows.map((r) => ({ params: { ...r, prompt: '' }, rules: catalog.byId.get(r.model) })));
    return { prices, totalUsd: Math.round(prices.reduce((a, b) => a + b, 0) * 100) / 100 };
  }
}
