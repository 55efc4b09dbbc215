/**
 * The morning report: what happened to a batch overnight, in one place. Clips done, spend against the quote, the
 * rows that need a decision and why (with what to do about each), and the time lost to pauses and their causes
 * (a full disk, no network, the computer asleep, the user's own pause...). Shown when a batch ends, when the app
 * starts after a night (until the user has seen it), by `venice-batch status`, and as a desktop notification.
 */
import type { HoldCause, HoldRecord } from '../queue/hold-store';
import type { QueueStoreApi } from '../queue/store-api';
import type { BatchRecord, RowRecord } from '../queue/types';
import { redact } from '../venice/redact';
import { UserError } from './app-errors';
import { batchPhase, type BatchPhase } from './views';
import { formatSpan as span } from '../sheet/format';

export interface ReportDecision {
  rowId: number;
  row: number;
  take: number;
  name: string | null;
  state: 'failed' | 'in_doubt';
  reason: string;
  /** What the user can do about it, plainly. */
  action: string;
}

/** Causes a hold can be stored with (the studio queue being away is never written: it is the store that is away). */
type StoredCause = Exclude<HoldCause, 'queue_offline'>;

export interface ReportPause {
  cause: StoredCause;
  label: string;
  count: number;
  totalMs: number;
  /** Still in force when the report was made. */
  ongoing: boolean;
}

export interface MorningReport {
  batchId: number;
  name: string;
  rehearsal: boolean;
  phase: BatchPhase;
  startedAt: number;
  /** When the last row settled, once the batch is over; null while it runs. */
  endedAt: number | null;
  clips: { total: number; done: number; failed: number; inDoubt: number; notSent: number; cancelled: number; working: number };
  spend: { quotedUsd: number; chargedUsd: number; inDoubtUsd: number };
  decisions: ReportDecision[];
  pauses: ReportPause[];
  /** Time nothing could move, overlapping pauses counted once. */
  lostMs: number;
  /** Seen by the user already (dismissed in the app). */
  seen: boolean;
  /** One line: the notification's text. */
  summary: string;
}

const CAUSE_LABEL: Record<StoredCause, string> = {
  disk_full: 'disk full',
  folder_missing: 'output folder gone (drive unplugged?)',
  folder_unwritable: 'output folder not writable',
  offline: 'no network',
  capacity: 'Venice overloaded',
  key: 'API key refused or missing',
  sleep: 'computer asleep',
  user: 'paused by you',
  budget: 'budget reached',
  balance: 'Venice balance ran out',
  no_key: 'no API key',
};

/** What a person can do about a row that stopped, by why it stopped. */
export function actionFor(row: Pick<RowRecord, 'state' | 'errorKind' | 'suggestedPrompt'>): string {
  if (row.state === 'in_doubt') return 'Venice may have charged for it: check your Venice account, then send it again or mark it lost.';
  const kind = row.errorKind ?? '';
  if (kind === 'content_policy') return row.suggestedPrompt ? 'Use the reworded prompt Venice suggests, then retry.' : 'Reword the prompt, then retry.';
  if (kind === 'download_failed') return 'Retry fetches the paid clip again (no new charge).';
  if (kind === 'stuck_processing') return 'Venice kept saying it was still generating: retry asks for the paid clip again (no new charge).';
  if (kind === 'media_lost') return 'Venice no longer has it: retry generates it again (a new charge).';
  if (kind === 'placeholder' || kind === 'wrong_duration') return 'The clip is kept in the rejected folder; retry generates it again (a new charge).';
  if (kind === 'marked_lost') return 'You marked it lost; retry generates it again (a new charge).';
  if (kind.startsWith('input:')) return `Fix the ${kind.slice('input:'.length)} cell, then retry.`;
  return 'Retry it, or skip it.';
}

function usd(n: number): string {
  return `$${n.toFixed(2)}`;
}


/** Total length of a set of intervals, overlaps counted once. */
function unionMs(spans: Array<[number, number]>): number {
  const sorted = spans.filter(([a, b]) => b > a).sort((x, y) => x[0] - y[0]);
  let total = 0;
  let end = -Infinity;
  for (const [a, b] of sorted) {
    if (b <= end) continue;
    total += b - Math.max(a, end);
    end = b;
  }
  return total;
}

function pausesOf(holds: HoldRecord[], from: number, to: number): { pauses: ReportPause[]; lostMs: number } {
  const by = new Map<StoredCause, ReportPause>();
  const spans: Array<[number, number]> = [];
  for (const h of holds) {
    if (h.cause === 'queue_offline') continue;
    const a = Math.max(from, h.startedAt);
    const b = Math.min(to, h.endedAt ?? to);
    if (b <= a && h.endedAt !== null) continue;
    const p = by.get(h.cause) ?? { cause: h.cause, label: CAUSE_LABEL[h.cause] ?? h.cause, count: 0, totalMs: 0, ongoing: false };
    p.count += 1;
    p.totalMs += Math.max(0, b - a);
    p.ongoing ||= h.endedAt === null;
    by.set(h.cause, p);
    spans.push([a, b]);
  }
  return { pauses: [...by.values()].sort((x, y) => y.totalMs - x.totalMs), lostMs: unionMs(spans) };
}

/** What the report reads. */
export type ReportStore = Pick<QueueStoreApi, 'listRows' | 'countByState' | 'spend' | 'holds' | 'reportSeenAt' | 'listBatches' | 'getBatch'>;

export async function morningReport(store: ReportStore, batch: BatchRecord, now: number = Date.now()): Promise<MorningReport> {
  const [rows, counts, spend] = await Promise.all([store.listRows(batch.id), store.countByState(batch.id), store.spend(batch.id)]);
  const phase = batchPhase(batch, counts);
  const over = phase === 'finished' || phase === 'needs-attention' || phase === 'cancelled';
  const endedAt = over ? rows.reduce((t, r) => Math.max(t, r.updatedAt), batch.createdAt) : null;
  const { chargedUsd, inDoubtUsd } = spend;
  const quotedUsd = rows.reduce((s, r) => s + (r.quoteUsd ?? 0), 0);
  const n = (s: keyof typeof counts) => counts[s] ?? 0;
  const clips = {
    total: rows.length,
    done: n('done'),
    failed: n('failed'),
    inDoubt: n('in_doubt'),
    notSent: n('ready') + n('draft'),
    cancelled: n('cancelled'),
    working: n('submitting') + n('queued') + n('processing') + n('downloading') + n('verifying'),
  };
  const decisions: ReportDecision[] = rows
    .filter((r): r is RowRecord & { state: 'failed' | 'in_doubt' } => r.state === 'failed' || r.state === 'in_doubt')
    .map((r) => ({
      rowId: r.id,
      row: r.rowIndex,
      take: r.take,
      name: r.name,
      state: r.state,
      reason: redact(r.errorMessage ?? (r.state === 'in_doubt' ? 'The answer to its request was lost.' : 'It failed.')),
      action: actionFor(r),
    }));
  const to = endedAt ?? now;
  const { pauses, lostMs } = pausesOf(await store.holds.touching(batch.id, batch.baseUrl, batch.createdAt, to), batch.createdAt, to);
  const seenAt = await store.reportSeenAt(batch.id);
  const report: MorningReport = {
    batchId: batch.id,
    name: batch.name,
    rehearsal: batch.rehearsal,
    phase,
    startedAt: batch.createdAt,
    endedAt,
    clips,
    spend: { quotedUsd: Math.round(quotedUsd * 100) / 100, chargedUsd: Math.round(chargedUsd * 100) / 100, inDoubtUsd: Math.round(inDoubtUsd * 100) / 100 },
    decisions,
    pauses,
    lostMs,
    seen: seenAt !== null && endedAt !== null && seenAt >= endedAt,
    summary: '',
  };
  report.summary = summaryLine(report);
  return report;
}

/** The report in one sentence (the notification, the first line of `status`). */
export function summaryLine(r: MorningReport): string {
  const label = `${r.rehearsal ? 'Rehearsal batch' : 'Batch'} "${r.name}"`;
  const parts = [`${r.clips.done} of ${r.clips.total} clips done`];
  const doubt = r.spend.inDoubtUsd ? ` (+ up to ${usd(r.spend.inDoubtUsd)} in doubt)` : '';
  parts.push(`${usd(r.spend.chargedUsd)} ${r.rehearsal ? 'rehearsed' : 'spent'} of ${usd(r.spend.quotedUsd)} quoted${doubt}`);
  if (r.decisions.length) parts.push(`${r.decisions.length} ${r.decisions.length === 1 ? 'row needs' : 'rows need'} a decision`);
  if (r.lostMs >= 1000) {
    const causes = r.pauses
      .slice(0, 3)
      .map((p) => `${p.label} ${span(p.totalMs)}`)
      .join(', ');
    parts.push(`${span(r.lostMs)} lost to pauses (${causes})`);
  }
  return `${label}: ${parts.join('; ')}.`;
}

/** The report as text for the CLI: the summary, then each decision and each pause. */
export function reportText(r: MorningReport): string {
  const lines = [`Morning report. ${r.summary}`];
  for (const d of r.decisions) {
    lines.push(`  row ${d.row}${d.take > 1 ? ` (take ${d.take})` : ''} ${d.state === 'in_doubt' ? 'in doubt' : 'failed'}: ${d.reason}`);
    lines.push(`    what to do: ${d.action}`);
  }
  for (const p of r.pauses) {
    lines.push(`  waited ${span(p.totalMs)}: ${p.label}${p.count > 1 ? ` (${p.count} times)` : ''}${p.ongoing ? ', still waiting' : ''}`);
  }
  return `${lines.join('\n')}\n`;
}

/** The newest batch that is over and whose report the user has not seen yet (what the app shows at start). */
export async function unseenReport(store: ReportStore, now: number = Date.now()): Promise<MorningReport | null> {
  // Newest first, and only the last few: an old batch nobody looked at is not this morning's news.
  const batches = (await store.listBatches()).slice(-20).reverse();
  for (const b of batches) {
    const phase = batchPhase(b, await store.countByState(b.id));
    if (phase !== 'finished' && phase !== 'needs-attention') continue;
    const r = await morningReport(store, b, now);
    if (!r.seen) return r;
  }
  return null;
}

/** For the contract: a batch's report, or (no batch) the newest one not seen yet. */
export async function reportFor(store: ReportStore, batchId: number | undefined): Promise<MorningReport | null> {
  if (batchId === undefined) return unseenReport(store);
  const batch = await store.getBatch(batchId);
  if (!batch) throw new UserError('not_found', `There is no batch ${batchId}.`);
  return morningReport(store, batch);
}
