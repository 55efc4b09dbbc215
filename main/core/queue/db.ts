/**
 * Opens the queue database: WAL so the UI can read while the engine writes, foreign keys on, migrations applied in
 * one transaction. `durably()` runs a transaction with synchronous=FULL, for the commit that must reach the disk
 * before a paid request leaves.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { MIGRATIONS } from './migrations';

export type Db = DatabaseSync;

export function openDb(file: string, opts: { readOnly?: boolean } = {}): Db {
  if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
  const db = new DatabaseSync(file, { readOnly: opts.readOnly ?? false, timeout: 5_000 });
  db.exec('PRAGMA foreign_keys = ON');
  if (!opts.readOnly) {
    db.exec('PRAGMA journal_mode = WAL');
    // NORMAL is crash-safe in WAL mode (a power cut may lose the last commits, never corrupt); the commits that
    // precede money switch to FULL through durably().
    db.exec('PRAGMA synchronous = NORMAL');
    migrate(db);
  }
  return db;
}

export function schemaVersion(db: Db): number {
  const row = db.prepare('PRAGMA user_version').get() as { user_version: number };
  return row.user_version;
}

function migrate(db: Db): void {
  const current = schemaVersion(db);
  if (current > MIGRATIONS.length) {
    throw new Error(
      `This queue was written by a newer version of Venice Batch (schema ${current}); update the app to open it.`,
    );
  }
  if (current === MIGRATIONS.length) return;
  transaction(db, () => {
    for (let v = current; v < MIGRATIONS.length; v++) db.exec(MIGRATIONS[v] as string);
    db.exec(`PRAGMA user_version = ${MIGRATIONS.length}`);
  });
}

export function transaction<T>(db: Db, fn: () => T): T {
  db.exec('BEGIN IMMEDIATE');
  try {
    const out = fn();
    db.exec('COMMIT');
    return out;
  } catch (e) {
    db.exec('ROLLBACK');
    throw e;
  }
}

/** A transaction whose COMMIT is on disk (fsync'd) before it returns. */
export function durably<T>(db: Db, fn: () => T): T {
  db.exec('PRAGMA synchronous = FULL');
  try {
    return transaction(db, fn);
  } finally {
    db.exec('PRAGMA synchronous = NORMAL');
  }
}
