/**
 * The events the app's services publish (the transports forward them as the contract's events), and the watcher
 * that turns engine events into them: a row's new state, a batch's new counts (coalesced), the balance of the
 * endpoint a request went to, and notices, including the moments worth a desktop notification (a batch finished,
 * needs attention, or paused; everything done).
 */
import type { EngineEvent } from '../queue/engine-context';
import type { QueueStoreApi } from '../queue/store-api';
import { redact } from '../venice/redact';
import type { ExportJobView } from './export-jobs';
import { morningReport, unseenReport, type MorningReport } from './morning-report';
import { batchView, rowViewOf, type BatchPhase, type BatchView, type RowView } from './views';

export type NoticeKind =
  | 'general'
  | 'batch-finished'
  | 'batch-needs-attention'
  | 'batch-paused'
  | 'batch-paused-balance'
  | 'all-done'
  | 'engine-busy'
  /** A batch waits for something outside the queue (a full disk, no network...) and carries on by itself. */
  | 'batch-waiting'
  /** A batch ended while nobody watched (or the app just started after a night): its report is ready. */
  | 'morning-report';

export interface Notice {
  level: 'info' | 'warning' | 'error';
  message: string;
  kind: NoticeKind;
  batchId: number | null;
}

export type AppEvent =
  | { name: 'row:changed'; payload: { batchId: number; row: RowView; message: string } }
  | { name: 'batch:changed'; payload: BatchView }
  | { name: 'balance'; payload: { balanceUsd: number; rehearsal: boolean } }
  | { name: 'notice'; payload: Notice }
  | { name: 'export:progress'; payload: ExportJobView }
  | { name: 'report:ready'; payload: MorningReport };

export type AppListener = (e: AppEvent) => void;

const COALESCE_MS = 120;

export class EventHub {
  private readonly listeners = new Set<AppListener>();
  private readonly pendingBatches = new Map<number, ReturnType<typeof setTimeout>>();
  private readonly phases = new Map<number, BatchPhase>();
  private closed = false;

  constructor(
    private readonly store: () => QueueStoreApi,
    /** Reading the queue for an event failed (the studio queue is away): the event is dropped, said here. */
    private readonly onReadError: (e: unknown) => void = () => undefined,
  ) {}

  on(fn: AppListener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  emit(e: AppEvent): void {
    for (const l of this.listeners) {
      try {
        l(e);
      } catch {
        // A listener that throws (a closed window, a dropped connection) must not stop the others.
      }
    }
  }

  /** An export's state; dropped once the hub is closed (the store is going away). */
  exportProgress(job: ExportJobView): void {
    if (!this.closed) this.emit({ name: 'export:progress', payload: job });
  }

  notice(level: Notice['level'], message: string, kind: NoticeKind = 'general', batchId: number | null = null): void {
    this.emit({ name: 'notice', payload: { level, message: redact(message), kind, batchId } });
  }

  /** Remembers every batch's phase, so only changes from now on are announced. */
  async primePhases(): Promise<void> {
    const store = this.store();
    const open = await store.holds.openHolds();
    for (const b of await store.listBatches()) this.phases.set(b.id, (await batchView(store, b, open)).phase);
  }

  fromEngine(e: EngineEvent): void {
    if (this.closed) return;
    if (e.type === 'row') {
      void this.rowChanged(e.batchId, e.rowId, e.message);
      this.batchChangedSoon(e.batchId);
    } else if (e.type === 'batch') {
      void this.batchChanged(e.batchId);
    } else if (e.type === 'notice') {
      this.notice(e.level, e.message);
    } else if (e.type === 'hold') {
      for (const id of e.batchIds) this.batchChangedSoon(id);
      const only = e.batchIds.length === 1 ? (e.batchIds[0] ?? null) : null;
      if (e.active) this.notice('warning', `Waiting: ${e.message}`, 'batch-waiting', only);
      else this.notice('info', e.message, 'general', only);
    }
    // Engine `balance` events do not say which endpoint they came from: the services report balance themselves.
  }

  batchChangedSoon(batchId: number): void {
    if (this.closed || this.pendingBatches.has(batchId)) return;
    this.pendingBatches.set(
      batchId,
      setTimeout(() => {
        this.pendingBatches.delete(batchId);
        void this.batchChanged(batchId);
      }, COALESCE_MS),
    );
  }

  private async rowChanged(batchId: number, rowId: number, message: string): Promise<void> {
    try {
      const store = this.store();
      const row = await store.getRow(rowId);
      if (row && !this.closed) this.emit({ name: 'row:changed', payload: { batchId, row: await rowViewOf(store, row), message: redact(message) } });
    } catch (e) {
      this.onReadError(e);
    }
  }

  /** Announces a batch's new view (and a change of phase worth a notice). Never throws. */
  async batchChanged(batchId: number): Promise<void> {
    try {
      await this.announceBatch(batchId);
    } catch (e) {
      this.onReadError(e);
    }
  }

  private async announceBatch(batchId: number): Promise<void> {
    if (this.closed) return;
    const store = this.store();
    const batch = await store.getBatch(batchId);
    if (!batch || this.closed) return;
    const view = await batchView(store, batch);
    if (this.closed) return;
    this.emit({ name: 'batch:changed', payload: view });
    const before = this.phases.get(batchId);
    this.phases.set(batchId, view.phase);
    if (before === view.phase) return;
    if (before === 'running' || before === undefined) await this.announce(view);
    if (view.phase !== 'running' && [...this.phases.values()].every((p) => p !== 'running') && before === 'running') {
      this.notice('info', 'Every batch has finished.', 'all-done');
    }
  }

  private async announce(b: BatchView): Promise<void> {
    const label = `${b.rehearsal ? 'Rehearsal batch' : 'Batch'} "${b.name}"`;
    if (b.phase === 'finished' || b.phase === 'needs-attention') {
      // The notification is the morning report's summary: done, spend against quote, decisions, time lost.
      const batch = await this.store().getBatch(b.id);
      const report = batch && (await morningReport(this.store(), batch));
      if (report) this.emit({ name: 'report:ready', payload: report });
      const text = report?.summary ?? `${label} ended.`;
      if (b.phase === 'finished') this.notice('info', text, 'batch-finished', b.id);
      else this.notice('warning', `${text} Open it to decide what to do.`, 'batch-needs-attention', b.id);
    }
    if (b.phase === 'paused' && b.pauseReason !== 'Paused by you') {
      const balance = /balance|spend cap/i.test(b.pauseReason ?? '');
      this.notice('warning', `${label} paused: ${b.pauseReason ?? 'by you'}`, balance ? 'batch-paused-balance' : 'batch-paused', b.id);
    }
  }

  /** At start: the report of a batch that ended while the app was closed (or unseen since), once. */
  async morningAfter(): Promise<void> {
    const report = await unseenReport(this.store()).catch((e) => {
      this.onReadError(e);
      return null;
    });
    if (!report) return;
    this.emit({ name: 'report:ready', payload: report });
    this.notice('info', report.summary, 'morning-report', report.batchId);
  }

  /** Stops publishing (the store is about to close): pending updates are dropped. */
  close(): void {
    this.closed = true;
    for (const t of this.pendingBatches.values()) clearTimeout(t);
    this.pendingBatches.clear();
  }
}
