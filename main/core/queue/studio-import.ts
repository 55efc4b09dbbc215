/**
 * `venice-batch studio import`: moves this machine's own queue (queue.sqlite in its data folder) into the studio's
 * shared PostgreSQL, once. What must hold, in order:
 *
 * 1. Nobody works on the local queue meanwhile: the import takes the local engine lock for itself, so an open app or
 *    a running `venice-batch run` makes it refuse (EngineBusyError), and none can start while it copies.
 * 2. No paid answer is left behind: the local paid journal (answers the queue could not take yet) is written into
 *    the local queue first; if any cannot be, nothing is moved.
 * 3. The copy is one PostgreSQL transaction (studio-import-copy.ts): all of it, or none.
 * 4. Only then is the local file set aside (renamed, kept as a backup), so this machine's own engine can never work
 *    those rows again: a ready row sent from both queues would be paid twice. A crash between 3 and 4 is mended by
 *    running the import again: every batch is found already there, and the file is set aside then.
 */
import { existsSync, readdirSync, realpathSync, renameSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { connectionConfig } from './pg/connection-config';
import { durably } from './db';
import { acquireEngineLock, EngineBusyError } from './engine-lock';
import { PaidJournal } from './paid-journal';
import { describePgUrl } from './pg/pg-store';
import { migrate, SCHEMA } from './pg/schema';
import { applyPaidAnswerSqlite } from './sqlite-adapter/rules';
import { QueueStore } from './store';
import type { SqlRow } from './store-records';
import { copyLocalQueue, MOVING_REASON, StudioCommitUnknownError, type CopyResult } from './studio-import-copy';

export interface StudioImportReport extends CopyResult {
  /** The local queue that was read. */
  from: string;
  /** The studio queue, as the user may see it (host/database, never the password). */
  to: string;
  /** Where the local queue file now lies (set aside), or null when there was nothing to set aside. */
  keptAs: string | null;
  /** Paid answers from this machine's journal written into the local queue before the copy. */
  journalApplied: number;
  /** Venice job ids of paid answers naming rows the local queue no longer has, and the file that keeps them. */
  journalSetAside: { queueIds: string[]; file: string } | null;
  /** Local queues set aside by earlier imports, still in the data folder (file names). */
  movedBefore: string[];
}

export class StudioImportRefusedError extends Error {
  override readonly name = 'StudioImportRefusedError';
}

const MOVED_PATTERN = /^queue\.moved-to-studio-.*\.sqlite$/;

/** queue.sqlite -> queue.moved-to-studio-20261128-1130.sqlite (its -wal/-shm companions with it). */
function setAside(file: string, at: Date): string {
  const stamp = at.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  let target = path.join(path.dirname(file), `queue.moved-to-studio-${stamp}.sqlite`);
  for (let i = 2; existsSync(target); i++) target = path.join(path.dirname(file), `queue.moved-to-studio-${stamp}-${i}.sqlite`);
  for (const suffix of ['-wal', '-shm']) if (existsSync(file + suffix)) renameSync(file + suffix, target + suffix);
  renameSync(file, target);
  return target;
}

type Originals = Map<number, { status: unknown; pauseReason: unknown }>;

/** Pauses every batch that is not cancelled (no hold opened: this is not a person's pause), returning what each was. */
function holdLocalBatches(local: QueueStore): Originals {
  return durably(local.db, () => {
    const rows = local.db.prepare('SELECT id, status, pause_reason FROM batches').all() as SqlRow[];
    local.db.prepare("UPDATE batches SET status = 'paused', pause_reason = ? WHERE status != 'cancelled'").run(MOVING_REASON);
    return new Map(rows.map((r) => [Number(r.id), { status: r.status, pauseReason: r.pause_reason }]));
  });
}

function restoreLocalBatches(local: QueueStore, originals: Originals): void {
  durably(local.db, () => {
    const put = local.db.prepare('UPDATE batches SET status = ?, pause_reason = ? WHERE id = ?');
    for (const [id, o] of originals) put.run(o.status as string, (o.pauseReason as string | null) ?? null, id);
  });
}

export async function importLocalQueue(opts: {
  dataDir: string;
  url: string;
  /** Only hashed, to name the account whose last minute of calls is carried over (never stored). */
  apiKey?: string;
  host?: string;
  now?: () => Date;
}): Promise<StudioImportReport> {
  const file = path.join(opts.dataDir, 'queue.sqlite');
  const to = describePgUrl(opts.url);
  const movedBefore = existsSync(opts.dataDir) ? readdirSync(opts.dataDir).filter((n) => MOVED_PATTERN.test(n)).sort() : [];
  const empty: StudioImportReport = { from: file, to, keptAs: null, journalApplied: 0, journalSetAside: null, movedBefore, moved: [], alreadyThere: [], clipProbes: 0, recentCalls: 0 };
  if (!existsSync(file)) return empty;

  const local = new QueueStore(file);
  let release: (() => void) | undefined;
  try {
    try {
      release = acquireEngineLock(local.db, 'venice-batch studio import');
    } catch (e) {
      if (e instanceof EngineBusyError) {
        throw new StudioImportRefusedError(
          `This machine's own queue is in use by ${e.owner.role} (pid ${e.owner.pid}). Close the app or stop that command ` +
            '(its paid jobs are safe: they wait in the queue), then run `venice-batch studio import` again. Nothing was moved.',
        );
      }
      throw e;
    }

    // The journal names the queue as the local store describes itself (sqlite-adapter/store.ts).
    const journal = new PaidJournal(path.join(opts.dataDir, 'paid-journal.jsonl'));
    const replay = await journal.replay(`Local queue ${file}`, async (answer) => durably(local.db, () => applyPaidAnswerSqlite(local, answer)));
    if (replay.left > 0) {
      throw new StudioImportRefusedError(
        `${replay.left} paid answer(s) in this machine's journal could not be written into its own queue (${replay.error?.message ?? 'unknown error'}). ` +
          'Nothing was moved: fix that first so no paid clip is lost.',
      );
    }

    const client = new pg.Client({ ...connectionConfig(opts.url), connectionTimeoutMillis: 10_000 });
    await client.connect();
    // Paused here first, durably: should the machine die after the studio's commit and before the file is set
    // aside, this machine's own engine still sends none of these rows (the studio may be sending them).
    const originalStatus = holdLocalBatches(local);
    let copied: CopyResult;
    // The local queue is read in one write transaction held until the studio's commit: one consistent picture, and
    // no `resolve` or `retry` from a terminal can change a row in between and be lost with the set-aside file.
    local.db.exec('BEGIN IMMEDIATE');
    try {
      await migrate(client);
      await client.query(`SET search_path TO ${SCHEMA}`);
      copied = await copyLocalQueue(local.db, client, { host: opts.host ?? os.hostname(), queueFile: realpathSync(file) }, { apiKey: opts.apiKey, originalStatus });
    } catch (e) {
      local.db.exec('ROLLBACK');
      if (e instanceof StudioCommitUnknownError) {
        // Maybe moved, maybe not: the batches stay paused here, so they can never be sent from both queues.
        throw new StudioImportRefusedError(
          `${e.message} This machine's batches stay paused in its own queue. Run \`venice-batch studio import\` again: it finishes the move ` +
            '(batches already in the studio are not copied twice).',
        );
      }
      // Nothing reached the studio: the batches go back to what they were.
      restoreLocalBatches(local, originalStatus);
      throw e;
    } finally {
      if (local.db.isTransaction) local.db.exec('ROLLBACK'); // the read transaction wrote nothing
      await client.end().catch(() => {});
    }

    const hadBatches = copied.moved.length + copied.alreadyThere.length > 0;
    release();
    release = undefined;
    local.close();
    const keptAs = hadBatches ? setAside(file, (opts.now ?? (() => new Date()))()) : null;
    const journalSetAside = replay.setAside.length ? { queueIds: replay.setAside.map((a) => a.queueId), file: journal.setAsideFile } : null;
    return { ...empty, ...copied, keptAs, journalApplied: replay.applied, journalSetAside };
  } finally {
    release?.();
    if (local.db.isOpen) local.close();
  }
}
