/**
 * The engine's holds: work that waits for a cause outside the queue to go away, with the reason shown, and that
 * carries on by itself once it has. Two kinds of target:
 *   - a batch (its output folder: disk full, folder gone, folder not writable): nothing of it is fetched or sent;
 *   - an endpoint (Venice as one key sees it): `offline` and `key` stop every request to it, `capacity` stops only
 *     new submissions (each /video/queue answered 5xx leaves a row in doubt, so sending more into a storm would
 *     multiply them), while polls of paid jobs go on with their own backoff.
 * Every hold is written to the store when it opens and closes (the morning report adds up the time lost) and is
 * taken up again after a restart. A probe checks each open hold on a schedule: a small write to the folder, or a
 * free /video/quote with the key. Nothing here ever sends /video/queue.
 */
import type { VeniceError } from '../venice/errors';
import type { EngineEvent } from './engine-events';
import type { HoldCause, HoldRecord } from './hold-store';
import { folderUsable, isFirstUse, localHoldMessage, prepareOutputFolder, type LocalCause } from './local-faults';
import type { QueueStoreApi } from './store-api';
import type { BatchRecord } from './types';

export interface HoldTimings {
  /** How often a hold's cause is checked again. Default 30 s. */
  probeMs: number;
  /** The first wait after Venice answered a submission with a 5xx; it doubles while the storm lasts. Default 30 s. */
  capacityMs: number;
  /** The longest wait between two checks of a capacity hold. Default 5 min. */
  capacityMaxMs: number;
  /** Connection failures in a row (no answer at all) that mean the network is down. Default 3. */
  offlineAfter: number;
}

export const DEFAULT_HOLD_TIMINGS: HoldTimings = { probeMs: 30_000, capacityMs: 30_000, capacityMaxMs: 300_000, offlineAfter: 3 };

/** Endpoint causes that stop polls too; `capacity` stops only submissions. */
const STOPS_EVERYTHING: ReadonlySet<HoldCause> = new Set(['offline', 'key']);

interface Entry {
  record: HoldRecord;
  nextProbeAt: number;
  probing: boolean;
}

/** A free request that proves the endpoint answers and accepts the key (a /video/quote). */
export type EndpointProbe = (baseUrl: string) => Promise<{ ok: true } | { ok: false; error: unknown }>;

export class Holds {
  private readonly open = new Map<number, Entry>();
  /** Consecutive failures per endpoint by family, reset by any answer. */
  private readonly streaks = new Map<string, { network: number; server: number }>();
  /** How many capacity holds in a row an endpoint had, for the doubling wait. Reset by a queued submission. */
  private readonly storms = new Map<string, number>();
  /** Endpoint holds being written to the store right now (two failures at once open one hold). */
  private readonly opening = new Set<string>();

  constructor(
    private readonly store: QueueStoreApi,
    private readonly now: () => number,
    private readonly emit: (e: EngineEvent) => void,
    private readonly timings: HoldTimings = DEFAULT_HOLD_TIMINGS,
  ) {}

  /** Takes up the holds a previous run left open; each is checked again at once. */
  async load(): Promise<void> {
    for (const r of await this.store.holds.openHolds()) if (r.auto) this.open.set(r.id, { record: r, nextProbeAt: this.now(), probing: false });
  }

  // ---- questions the scheduler asks ----

  /** The hold that stops all work on a batch (its folder), if any. */
  batchHold(batchId: number): HoldRecord | undefined {
    for (const e of this.open.values()) if (e.record.scope === 'batch' && e.record.batchId === batchId) return e.record;
    return undefined;
  }

  /** The hold that stops this kind of request to an endpoint, if any. */
  endpointHold(baseUrl: string, work: 'submit' | 'poll'): HoldRecord | undefined {
    for (const e of this.open.values()) {
      const r = e.record;
      if (r.scope !== 'endpoint' || r.baseUrl !== baseUrl) continue;
      if (work === 'submit' || STOPS_EVERYTHING.has(r.cause)) return r;
    }
    return undefined;
  }

  /** What keeps a batch from sending new work, in the user's words, or null. */
  reasonFor(batch: BatchRecord): string | null {
    return (this.batchHold(batch.id) ?? this.endpointHold(batch.baseUrl, 'submit'))?.message ?? null;
  }

  /** Holds whose cause is due to be checked again. */
  dueProbes(): HoldRecord[] {
    const now = this.now();
    return [...this.open.values()].filter((e) => !e.probing && e.nextProbeAt <= now).map((e) => e.record);
  }

  /** What is held and when each hold is checked next (for diagnosing a batch that does not move). */
  describe(): Array<{ id: number; scope: string; cause: HoldCause; target: string; nextProbeInMs: number; probing: boolean }> {
    const now = this.now();
    return [...this.open.values()].map((e) => ({
      id: e.record.id,
      scope: e.record.scope,
      cause: e.record.cause,
      target: e.record.baseUrl ?? String(e.record.batchId),
      nextProbeInMs: e.nextProbeAt - now,
      probing: e.probing,
    }));
  }

  /** Earliest time a probe is due (for the scheduler's sleep). */
  nextProbeAt(): number | undefined {
    let t: number | undefined;
    for (const e of this.open.values()) if (!e.probing && (t === undefined || e.nextProbeAt < t)) t = e.nextProbeAt;
    return t;
  }

  /** After a clock jump or a new key: check every hold now. */
  checkAllNow(): void {
    for (const e of this.open.values()) e.nextProbeAt = this.now();
  }

  // ---- what the engine's parts report ----

  /** A request to the endpoint was answered (whatever the status): it is reachable. */
  async noteAnswered(baseUrl: string, ok: boolean): Promise<void> {
    this.streaks.set(baseUrl, { network: 0, server: ok ? 0 : (this.streaks.get(baseUrl)?.server ?? 0) });
    if (ok) {
      await this.liftEndpoint(baseUrl, 'offline', 'Venice answers again');
    }
  }

  /** A queue request was accepted: the storm, if any, is over. */
  noteQueued(baseUrl: string): void {
    this.storms.delete(baseUrl);
  }

  /** A request failed: decides whether the endpoint now needs a hold. */
  async noteFailure(baseUrl: string, route: string, err: VeniceError): Promise<void> {
    if (route === 'download') return; // a pre-signed link lives on another host: it says nothing about the API
    const s = this.streaks.get(baseUrl) ?? { network: 0, server: 0 };
    if (err.kind === 'network' || err.kind === 'timeout') {
      s.network += 1;
      this.streaks.set(baseUrl, s);
      if (s.network >= this.timings.offlineAfter) {
        const since = new Date(this.now()).toTimeString().slice(0, 5);
        await this.openEndpoint(
          baseUrl,
          'offline',
          `No connection to Venice (since ${since}: ${err.message}). Checking again every ${Math.round(this.timings.probeMs / 1000)} s; the batch carries on by itself when the network is back.`,
        );
      }
      return;
    }
    s.network = 0;
    if (err.kind === 'unauthorized') {
      this.streaks.set(baseUrl, s);
      await this.openEndpoint(
        baseUrl,
        'key',
        'Venice refused the API key (revoked or replaced?). Set a valid key in Settings or VENICE_API_KEY: the batch carries on by itself once Venice accepts it.',
      );
      return;
    }
    if (err.kind === 'unavailable' || err.kind === 'server_error') {
      s.server += 1;
      this.streaks.set(baseUrl, s);
      // One 5xx on a submission is enough: the next one would leave another row in doubt.
      if (route === 'queue' || s.server >= 5) await this.openCapacity(baseUrl, err);
      return;
    }
    this.streaks.set(baseUrl, s);
  }

  /** A clip could not be written: the batch waits for its folder. */
  async holdBatch(batch: BatchRecord, cause: LocalCause, detail?: string): Promise<void> {
    const at = this.now();
    for (const e of this.open.values()) {
      if (e.record.scope === 'batch' && e.record.batchId === batch.id && e.record.cause === cause) {
        // Seen again while waiting: nothing new to say, and the next check keeps its time.
        return;
      }
    }
    // A batch waits for one reason at a time: the newest.
    for (const [id, e] of [...this.open]) if (e.record.scope === 'batch' && e.record.batchId === batch.id) await this.closeEntry(id, e, null);
    const message = localHoldMessage(cause, batch.outputDir, detail);
    // Another check of the same cause may have opened it while this one waited for the store.
    if (this.batchHold(batch.id)?.cause === cause) return;
    const id = await this.store.holds.open({ scope: 'batch', batchId: batch.id, cause, message, auto: true, at });
    await this.store.addEvent(batch.id, null, 'held', message, { cause });
    this.track(id, { scope: 'batch', batchId: batch.id, baseUrl: null, cause, message }, at + this.timings.probeMs);
  }

  // ---- probes ----

  /** Checks one hold's cause; lifts the hold when it is gone, else schedules the next check. */
  async probe(hold: HoldRecord, endpointProbe: EndpointProbe | undefined): Promise<void> {
    const entry = this.open.get(hold.id);
    if (!entry || entry.probing) return;
    entry.probing = true;
    try {
      if (hold.scope === 'batch') {
        const batch = hold.batchId === null ? undefined : await this.store.getBatch(hold.batchId);
        if (!batch) return await this.closeEntry(hold.id, entry, null);
        // A folder never made yet (nothing sent) may be made now, its drive back; a used one must reappear by itself.
        const check = isFirstUse(await this.store.countByState(batch.id)) ? await prepareOutputFolder(batch.outputDir, true) : await folderUsable(batch.outputDir);
        if (check.ok) return await this.closeEntry(hold.id, entry, 'The output folder is usable again: carrying on');
        if (check.cause !== hold.cause) {
          // Another problem now (the drive is back but full): say so.
          await this.closeEntry(hold.id, entry, null);
          await this.holdBatch(batch, check.cause, check.detail);
          return;
        }
        entry.nextProbeAt = this.now() + this.timings.probeMs;
        return;
      }
      if (hold.scope === 'endpoint' && hold.baseUrl !== null && endpointProbe) {
        const r = await endpointProbe(hold.baseUrl);
        if (r.ok) return await this.closeEntry(hold.id, entry, 'Venice answers and accepts the key: carrying on');
        const wait = hold.cause === 'capacity' ? this.capacityWait(hold.baseUrl) : this.timings.probeMs;
        entry.nextProbeAt = this.now() + wait;
        return;
      }
      entry.nextProbeAt = this.now() + this.timings.probeMs;
    } finally {
      entry.probing = false;
    }
  }

  // ---- internals ----

  private async openCapacity(baseUrl: string, err: VeniceError): Promise<void> {
    // Each new storm waits longer; the 5xx answers within one storm do not (polls keep getting them meanwhile).
    if (this.endpointHold(baseUrl, 'submit')?.cause === 'capacity') return;
    this.storms.set(baseUrl, (this.storms.get(baseUrl) ?? 0) + 1);
    const wait = this.capacityWait(baseUrl);
    await this.openEndpoint(
      baseUrl,
      'capacity',
      `Venice is overloaded (${err.message}). New clips wait ${Math.round(wait / 1000)} s before the next try; clips already paid for keep downloading.`,
      wait,
    );
  }

  private capacityWait(baseUrl: string): number {
    const n = Math.max(1, this.storms.get(baseUrl) ?? 1);
    return Math.min(this.timings.capacityMaxMs, this.timings.capacityMs * 2 ** (n - 1));
  }

  /** Opens an endpoint hold directly (no key set at all). */
  async holdEndpoint(baseUrl: string, cause: 'key' | 'offline', message: string): Promise<void> {
    await this.openEndpoint(baseUrl, cause, message);
  }

  private async openEndpoint(baseUrl: string, cause: HoldCause, message: string, firstProbeInMs = this.timings.probeMs): Promise<void> {
    const opened = () => [...this.open.values()].some((e) => e.record.scope === 'endpoint' && e.record.baseUrl === baseUrl && e.record.cause === cause);
    if (opened() || this.opening.has(`${baseUrl} ${cause}`)) return;
    this.opening.add(`${baseUrl} ${cause}`);
    try {
      const at = this.now();
      const id = await this.store.holds.open({ scope: 'endpoint', baseUrl, cause, message, auto: true, at });
      if (!opened()) this.track(id, { scope: 'endpoint', batchId: null, baseUrl, cause, message }, at + firstProbeInMs);
    } finally {
      this.opening.delete(`${baseUrl} ${cause}`);
    }
  }

  private async liftEndpoint(baseUrl: string, cause: HoldCause, note: string): Promise<void> {
    for (const [id, e] of [...this.open]) {
      if (e.record.scope === 'endpoint' && e.record.baseUrl === baseUrl && e.record.cause === cause) await this.closeEntry(id, e, note);
    }
  }

  private track(id: number, r: Omit<HoldRecord, 'id' | 'auto' | 'startedAt' | 'endedAt'>, nextProbeAt: number): void {
    const record: HoldRecord = { id, auto: true, startedAt: this.now(), endedAt: null, ...r };
    this.open.set(id, { record, nextProbeAt, probing: false });
    // The batches it touches are looked up afterwards: the hold is in force from now, the event may follow.
    void this.batchIdsOf(record).then(
      (batchIds) => this.emit({ type: 'hold', active: true, cause: record.cause, message: record.message, batchIds }),
      () => this.emit({ type: 'hold', active: true, cause: record.cause, message: record.message, batchIds: [] }),
    );
  }

  private async closeEntry(id: number, entry: Entry, note: string | null): Promise<void> {
    if (!this.open.delete(id)) return;
    const at = this.now();
    await this.store.holds.close(id, at);
    const batchIds = await this.batchIdsOf(entry.record);
    // Everything that waited is due now, not at whatever time its backoff had reached.
    await this.store.wakeRows(batchIds, at);
    if (note && entry.record.batchId !== null) await this.store.addEvent(entry.record.batchId, null, 'hold_lifted', note, { cause: entry.record.cause });
    this.emit({ type: 'hold', active: false, cause: entry.record.cause, batchIds, message: note ?? entry.record.message });
  }

  private async batchIdsOf(r: Pick<HoldRecord, 'scope' | 'batchId' | 'baseUrl'>): Promise<number[]> {
    if (r.scope === 'batch') return r.batchId === null ? [] : [r.batchId];
    return (await this.store.listBatches()).filter((b) => r.scope === 'engine' || b.baseUrl === r.baseUrl).map((b) => b.id);
  }
}
