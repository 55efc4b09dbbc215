/**
 * The studio part of `status`: which queue this machine is on (its address, password masked), every machine seen
 * on it with when it last renewed its leases and the rows it holds, and every batch of the studio that still has
 * work. Read from the shared queue, so every machine's `status` shows the same studio.
 */
import { maskStudioUrl } from '../core/queue/studio-address';
import type { QueueStoreApi } from '../core/queue/store-api';
import type { JobState } from '../core/queue/job-states';
import { duration } from './format';

export interface StudioMachine {
  host: string;
  role: string;
  pid: number;
  startedAt: number;
  /** When it last renewed its leases (database clock, ms). */
  lastRenewedAt: number;
  /** Seconds since then, by the database's clock. */
  secondsSinceRenewal: number;
  holds: Array<{ batchId: number; row: number; state: JobState }>;
}

export interface StudioView {
  /** host/database, as the queue describes itself. */
  queue: string;
  /** The address this machine was given, password masked. */
  address: string | null;
  machines: StudioMachine[];
  /** Rows held by a machine that is no longer registered (it will lose them when their lease runs out). */
  heldByUnknown: number;
  batches: Array<{ id: number; name: string; status: string; rows: Partial<Record<JobState, number>> }>;
}

export async function studioView(q: QueueStoreApi, url: string | undefined): Promise<StudioView> {
  const now = q.now();
  const [workers, leases, live, batches] = await Promise.all([q.listWorkers(), q.listLeases(), q.liveBatchIds(), q.listBatches()]);
  const rowIndex = new Map<number, number>();
  for (const l of leases) rowIndex.set(l.rowId, (await q.getRow(l.rowId))?.rowIndex ?? l.rowId);
  const liveSet = new Set(live);
  return {
    queue: q.describe(),
    address: maskStudioUrl(url),
    machines: workers.map((w) => ({
      host: w.host,
      role: w.role,
      pid: w.pid,
      startedAt: w.startedAt,
      lastRenewedAt: w.lastSeenAt,
      secondsSinceRenewal: Math.max(0, Math.round((now - w.lastSeenAt) / 1000)),
      holds: leases
        .filter((l) => l.worker?.id === w.id)
        .map((l) => ({ batchId: l.batchId, row: rowIndex.get(l.rowId) ?? l.rowId, state: l.state })),
    })),
    heldByUnknown: leases.filter((l) => !l.worker).length,
    batches: await Promise.all(
      batches.filter((b) => liveSet.has(b.id)).map(async (b) => ({ id: b.id, name: b.name, status: b.status, rows: await q.countByState(b.id) })),
    ),
  };
}

export function printStudioView(out: NodeJS.WritableStream, v: StudioView): void {
  out.write(`Studio queue: ${v.address ?? v.queue}\n`);
  if (v.machines.length === 0) out.write('  No machine is working on it right now.\n');
  for (const m of v.machines) {
    const held = m.holds.length ? m.holds.map((h) => `batch ${h.batchId} row ${h.row} (${h.state.replace('_', ' ')})`).join(', ') : 'nothing';
    out.write(`  ${m.host} (${m.role}, pid ${m.pid}): last renewed ${duration(m.secondsSinceRenewal * 1000)} ago; holds ${held}\n`);
  }
  if (v.heldByUnknown) out.write(`  ${v.heldByUnknown} row(s) held by a machine that left: taken over when their lease runs out (within a minute).\n`);
  if (v.batches.length === 0) out.write('  No batch has work a machine could do now (rows in doubt wait for a person).\n');
  for (const b of v.batches) {
    const parts = Object.entries(b.rows)
      .filter(([, n]) => n)
      .map(([s, n]) => `${n} ${s.replace('_', ' ')}`);
    out.write(`  batch ${b.id} (${b.name}, ${b.status}): ${parts.join(', ')}\n`);
  }
}
