/**
 * The queue database's schema, as an append-only list of migrations. `PRAGMA user_version` records how many have
 * run. Never edit a shipped migration: add a new one.
 */
export const MIGRATIONS: readonly string[] = [
  // 1: batches, rows, attempts, per-row events, the request log the rate limiter resumes from, the engine lock.
  `
  CREATE TABLE batches (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL,
    source_path   TEXT,
    source_hash   TEXT,
    settings_json TEXT NOT NULL,
    output_dir    TEXT NOT NULL,
    name_template TEXT NOT NULL,
    budget_usd    REAL,
    base_url      TEXT NOT NULL,
    rehearsal     INTEGER NOT NULL DEFAULT 0,
    status        TEXT NOT NULL DEFAULT 'active',
    pause_reason  TEXT,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
  );
  CREATE INDEX batches_source ON batches(source_hash, output_dir);

  CREATE TABLE rows (
    id                 INTEGER PRIMARY KEY,
    batch_id           INTEGER NOT NULL REFERENCES batches(id) ON DELETE CASCADE,
    row_index          INTEGER NOT NULL,
    position           REAL NOT NULL,
    take               INTEGER NOT NULL DEFAULT 1,
    params_json        TEXT NOT NULL,
    name               TEXT,
    extras_json        TEXT NOT NULL DEFAULT '{}',
    state              TEXT NOT NULL,
    current_attempt_id INTEGER,
    quote_usd          REAL,
    error_kind         TEXT,
    error_message      TEXT,
    suggested_prompt   TEXT,
    file_path          TEXT,
    next_action_at     INTEGER,
    updated_at         INTEGER NOT NULL
  );
  CREATE INDEX rows_batch ON rows(batch_id, position);
  CREATE INDEX rows_state ON rows(state, next_action_at);

  CREATE TABLE attempts (
    id               INTEGER PRIMARY KEY,
    row_id           INTEGER NOT NULL REFERENCES rows(id) ON DELETE CASCADE,
    attempt_no       INTEGER NOT NULL,
    state            TEXT NOT NULL,
    model            TEXT NOT NULL,
    request_json     TEXT NOT NULL,
    queue_id         TEXT,
    download_url_enc TEXT,
    quote_usd        REAL,
    charged          INTEGER NOT NULL DEFAULT 0,
    submitted_at     INTEGER,
    queued_at        INTEGER,
    finished_at      INTEGER,
    avg_execution_ms INTEGER,
    execution_ms     INTEGER,
    polls            INTEGER NOT NULL DEFAULT 0,
    download_tries   INTEGER NOT NULL DEFAULT 0,
    bytes            INTEGER,
    file_path        TEXT,
    remote_deleted   INTEGER NOT NULL DEFAULT 0,
    error_kind       TEXT,
    error_message    TEXT,
    request_id       TEXT
  );
  CREATE INDEX attempts_row ON attempts(row_id);
  CREATE UNIQUE INDEX attempts_queue_id ON attempts(queue_id) WHERE queue_id IS NOT NULL;

  CREATE TABLE events (
    id        INTEGER PRIMARY KEY,
    batch_id  INTEGER NOT NULL,
    row_id    INTEGER,
    at        INTEGER NOT NULL,
    kind      TEXT NOT NULL,
    message   TEXT NOT NULL,
    data_json TEXT
  );
  CREATE INDEX events_row ON events(row_id, id);
  CREATE INDEX events_batch ON events(batch_id, id);

  CREATE TABLE request_log (
    at       INTEGER NOT NULL,
    base_url TEXT NOT NULL,
    route    TEXT NOT NULL,
    ok       INTEGER NOT NULL
  );
  CREATE INDEX request_log_at ON request_log(at);

  CREATE TABLE engine_lock (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    pid        INTEGER NOT NULL,
    host       TEXT NOT NULL,
    role       TEXT NOT NULL,
    started_at INTEGER NOT NULL
  );
  `,
  // 2: the editor's timeline per batch (JSON that names rows by id, never by path) and the batch's music bed.
  `
  CREATE TABLE timelines (
    batch_id   INTEGER PRIMARY KEY REFERENCES batches(id) ON DELETE CASCADE,
    json       TEXT NOT NULL,
    updated_at INTEGER NOT NULL
  );

  CREATE TABLE music_beds (
    batch_id     INTEGER PRIMARY KEY REFERENCES batches(id) ON DELETE CASCADE,
    file_path    TEXT NOT NULL,
    file_name    TEXT NOT NULL,
    duration_sec REAL,
    volume       REAL NOT NULL DEFAULT 0.5,
    fade_out_sec REAL NOT NULL DEFAULT 3,
    updated_at   INTEGER NOT NULL
  );
  `,
  // 3: why and how long work stood still (a full disk, a vanished folder, no network, a refused key, Venice at
  // capacity, the machine asleep, the user's own pause), for the morning report and so a hold survives a restart;
  // and when the user last saw a batch's report.
  `
  CREATE TABLE holds (
    id         INTEGER PRIMARY KEY,
    scope      TEXT NOT NULL CHECK (scope IN ('batch', 'endpoint', 'engine')),
    batch_id   INTEGER REFERENCES batches(id) ON DELETE CASCADE,
    base_url   TEXT,
    cause      TEXT NOT NULL,
    message    TEXT NOT NULL,
    auto       INTEGER NOT NULL DEFAULT 0,
    started_at INTEGER NOT NULL,
    ended_at   INTEGER
  );
  CREATE INDEX holds_open ON holds(ended_at, scope);
  CREATE INDEX holds_batch ON holds(batch_id, started_at);

  ALTER TABLE batches ADD COLUMN report_seen_at INTEGER;
  `,
  // 4: the probe taken when a clip was verified at download, with the identity of the file it describes (size,
  // mtime, inode), so an export trusts it while the file is unchanged instead of probing every clip again.
  `
  CREATE TABLE clip_probes (
    file_path  TEXT PRIMARY KEY,
    size       INTEGER NOT NULL,
    mtime_ms   REAL NOT NULL,
    ino        INTEGER NOT NULL,
    info_json  TEXT NOT NULL,
    updated_at INTEGER NOT NULL
  );
  `,
];
