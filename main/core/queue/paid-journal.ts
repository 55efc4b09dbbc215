/**
 * The local journal of paid answers: what keeps a /video/queue answer (its queue_id, the sealed link) when the queue
 * database cannot take it: the studio's PostgreSQL is unreachable, or the row's lease was lost while the request
 * was out. Losing that answer would lose a clip already paid for, so it goes to a file on this machine's own disk,
 * synchronously and fsync'd, and is written to the database as soon as it answers again (`replay`, through the
 * store's idempotent `applyPaidAnswer`).
 *
 * Intended use (engine, phase 2): record the answer here FIRST (one fsync, ~ms, at most 40 a minute), then commit it
 * to the store, then `replay` on every start and reconnect. A crash between any two steps leaves the answer in at
 * least one place; replaying an answer the store already has is a no-op ('already'), so the journal never needs to
 * know whether the commit landed.
 *
 * One JSON object per line. A line torn by a crash mid-append is skipped (its `record` call never returned, so no
 * caller relied on it). Entries name the queue they belong to, so a journal never writes into another studio's
 * database. Nothing secret is written: the link is sealed (url-vault.ts), the key is never here.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import path from 'node:path';
import type { PaidAnswer, PaidAnswerOutcome } from './store-api';

export interface JournalEntry {
  v: 1;
  /** The queue the answer belongs to (QueueStoreApi.describe()). */
  queue: string;
  answer: PaidAnswer;
  /** When it was recorded, by this machine's clock. */
  recordedAt: number;
}

export interface ReplayResult {
  applied: number;
  already: number;
  superseded: number;
  /** Still in the journal (the store failed; try again later). */
  left: number;
  /** The first failure, if any: why entries were left. */
  error?: Error;
  /** Answers this queue can never take (AnswerNotInQueueError), moved to `setAsideFile` so that none is lost. */
  setAside: PaidAnswer[];
}

function isAnswer(a: unknown): a is PaidAnswer {
  const x = a as Partial<PaidAnswer> | null;
  return (
    !!x &&
    Number.isInteger(x.rowId) &&
    Number.isInteger(x.attemptId) &&
    typeof x.queueId === 'string' &&
    x.queueId.length > 0 &&
    typeof x.queuedAt === 'number' &&
    typeof x.nextActionAt === 'number'
  );
}

export class PaidJournal {
  constructor(readonly file: string) {}

  /** Appends the answer and returns only once it is on disk. Synchronous on purpose: nothing may run in between. */
  record(queue: string, answer: PaidAnswer, at: number = Date.now()): void {
    const entry: JournalEntry = { v: 1, queue, answer, recordedAt: at };
    this.append(this.file, entry);
  }

  /** One line appended to `file`, on disk before returning. */
  private append(file: string, value: object): void {
    const created = !existsSync(file);
    if (created) mkdirSync(path.dirname(file), { recursive: true });
    const fd = openSync(file, 'a', 0o600);
    try {
      writeSync(fd, `${JSON.stringify(value)}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    // A new file's name is only durable once its folder is.
    if (created) this.syncFolder();
  }

  /** Entries not yet written to their queue (for one queue, or all). */
  pending(queue?: string): JournalEntry[] {
    return this.read().filter((e) => queue === undefined || e.queue === queue);
  }

  /** Where answers this machine's queue can never take are kept (one JSON object a line, with the reason). */
  get setAsideFile(): string {
    return this.file.replace(/\.jsonl$/, '') + '.set-aside.jsonl';
  }

  /**
   * Writes this queue's entries with `apply`, oldest first, and drops those written. Stops at the first failure
   * (the database is still away) and keeps that entry and every later one. Other queues' entries are kept as they are.
   *
   * An answer the queue can never take (AnswerNotInQueueError: its batch was deleted) does not stop the others: it
   * used to, and then every later paid answer waited behind it for good, and the engine could not even start. It is
   * moved to `setAsideFile` (appended and fsync'd before the journal drops it), so the paid job's id is never lost.
   */
  async replay(queue: string, apply: (answer: PaidAnswer) => Promise<PaidAnswerOutcome>): Promise<ReplayResult> {
    const all = this.read();
    const result: ReplayResult = { applied: 0, already: 0, superseded: 0, left: 0, setAside: [] };
    const done = new Set<JournalEntry>();
    for (const entry of all) {
      if (entry.queue !== queue) continue;
      try {
        result[await apply(entry.answer)]++;
        done.add(entry);
      } catch (e) {
        if ((e as Error).name === 'AnswerNotInQueueError') {
          this.append(this.setAsideFile, { ...entry, setAsideAt: Date.now(), reason: (e as Error).message });
          result.setAside.push(entry.answer);
          done.add(entry);
          continue;
        }
        result.error = e as Error;
        break;
      }
    }
    result.left = all.filter((e) => e.queue === queue && !done.has(e)).length;
    if (done.size) this.rewrite(all.filter((e) => !done.has(e)));
    return result;
  }

  private read(): JournalEntry[] {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
    const out: JournalEntry[] = [];
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      try {
        const e = JSON.parse(line) as JournalEntry;
        if (e && e.v === 1 && typeof e.queue === 'string' && isAnswer(e.answer)) out.push(e);
      } catch {
        // A torn last line: its record() never returned.
      }
    }
    return out;
  }

  /** Replaces the file with `entries`, atomically (temp file, fsync, rename, folder fsync). */
  private rewrite(entries: JournalEntry[]): void {
    const temp = `${this.file}.tmp`;
    const fd = openSync(temp, 'w', 0o600);
    try {
      writeSync(fd, entries.map((e) => `${JSON.stringify(e)}\n`).join(''));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, this.file);
    this.syncFolder();
  }

  private syncFolder(): void {
    try {
      const fd = openSync(path.dirname(this.file), 'r');
      try {
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    } catch {
      // Some platforms (Windows) cannot open a folder for fsync; the rename itself is still atomic there.
    }
  }
}
