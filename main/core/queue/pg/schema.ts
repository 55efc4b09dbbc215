/**
 * The studio queue's schema in PostgreSQL, created and migrated by the app itself (no DBA step beyond a database
 * and a user that may create a schema in it). Everything lives in its own schema, `venice_batch`, so a studio can
 * share a database with other tools.
 *
 * MIGRATIONS is append-only, as for SQLite: never edit a shipped entry. Machines starting at once migrate under a
 * session advisory lock, one after the other; a newer schema than this build knows is refused with a plain message.
 *
 * Times are epoch milliseconds from the DATABASE's clock (`vb_now_ms()`), the one clock all machines share.
 * `next_action_at` is NOT NULL (0 = due now) so the claim predicate is a plain range, matched by partial indexes.
 */
import type pg from 'pg';

export const SCHEMA = 'venice_batch';
/** pg_advisory_lock key for migrations: any constant unlikely to clash with another application's. */
const MIGRATION_LOCK = 7_346_201_901;

export const MIGRATIONS: readonly string[] = [
  // 1: the queue (batches, rows with leases, attempts, events), the editor's timelines, workers, the account limiter.
  `
  CREATE FUNCTION vb_now_ms() RETURNS bigint LANGUAGE sql VOLATILE AS
    $$ SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint $$;

  CREATE TABLE batches (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name          text NOT NULL,
    source_path   text,
    source_hash   text,
    settings_json text NOT NULL,
    output_dir    text NOT NULL,
    name_template text NOT NULL,
    budget_usd    double precision,
    base_url      text NOT NULL,
    rehearsal     boolean NOT NULL DEFAULT false,
    status        text NOT NULL DEFAULT 'active',
    pause_reason  text,
    created_at    bigint NOT NULL,
    updated_at    bigint NOT NULL
  );
  CREATE INDEX batches_source ON batches (source_hash, output_dir);

  CREATE TABLE rows (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    batch_id           bigint NOT NULL REFERENCES batches(id) ON DELETE CASCADE,
    row_index          integer NOT NULL,
    position           double precision NOT NULL,
    take               integer NOT NULL DEFAULT 1,
    params_json        text NOT NULL,
    name               text,
    extras_json        text NOT NULL DEFAULT '{}',
    state              text NOT NULL,
    current_attempt_id bigint,
    quote_usd          double precision,
    error_kind         text,
    error_message      text,
    suggested_prompt   text,
    file_path          text,
    next_action_at     bigint NOT NULL DEFAULT 0,
    updated_at         bigint NOT NULL,
    lease_owner        text,
    lease_token        text,
    lease_until        bigint,
    CHECK ((lease_token IS NULL) = (lease_until IS NULL))
  );
  CREATE INDEX rows_batch ON rows (batch_id, position, id);
  CREATE INDEX rows_batch_state ON rows (batch_id, state);
  -- The claim predicates, exactly: unheld due work, in the order it is taken.
  CREATE INDEX rows_claim_submit ON rows (batch_id, position, id) WHERE state = 'ready' AND lease_token IS NULL;
  CREATE INDEX rows_claim_poll ON rows (next_action_at, id) WHERE state IN ('queued', 'processing') AND lease_token IS NULL;
  CREATE INDEX rows_claim_resume ON rows (id) WHERE state IN ('downloading', 'verifying') AND lease_token IS NULL;
  CREATE INDEX rows_leases ON rows (lease_until) WHERE lease_token IS NOT NULL;
  CREATE INDEX rows_lease_owner ON rows (lease_owner) WHERE lease_owner IS NOT NULL;
  CREATE INDEX rows_in_flight ON rows (state) WHERE state IN ('submitting', 'queued', 'processing', 'downloading', 'verifying');

  CREATE TABLE attempts (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    row_id            bigint NOT NULL REFERENCES rows(id) ON DELETE CASCADE,
    attempt_no        integer NOT NULL,
    state             text NOT NULL,
    model             text NOT NULL,
    request_json      text NOT NULL,
    queue_id          text,
    download_url_enc  text,
    quote_usd         double precision,
    charged           boolean NOT NULL DEFAULT false,
    submitted_at      bigint,
    queued_at         bigint,
    finished_at       bigint,
    avg_execution_ms  bigint,
    execution_ms      bigint,
    polls             integer NOT NULL DEFAULT 0,
    download_tries    integer NOT NULL DEFAULT 0,
    bytes             bigint,
    file_path         text,
    remote_deleted    boolean NOT NULL DEFAULT false,
    error_kind        text,
    error_message     text,
    request_id        text,
    complete_tried_at bigint,
    UNIQUE (row_id, attempt_no)
  );
  CREATE INDEX attempts_row ON attempts (row_id);
  CREATE UNIQUE INDEX attempts_queue_id ON attempts (queue_id) WHERE queue_id IS NOT NULL;
  CREATE INDEX attempts_owing_complete ON attempts (id)
    WHERE state = 'done' AND remote_deleted = false AND queue_id IS NOT NULL;
  CREATE INDEX attempts_estimates ON attempts (model, id) WHERE avg_execution_ms IS NOT NULL;

  CREATE TABLE events (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    batch_id  bigint NOT NULL,
    row_id    bigint,
    at        bigint NOT NULL,
    kind      text NOT NULL,
    message   text NOT NULL,
    data_json text
  );
  CREATE INDEX events_row ON events (row_id, id);
  CREATE INDEX events_batch ON events (batch_id, id);

  CREATE TABLE timelines (
    batch_id   bigint PRIMARY KEY REFERENCES batches(id) ON DELETE CASCADE,
    json       text NOT NULL,
    updated_at bigint NOT NULL
  );

  CREATE TABLE music_beds (
    batch_id     bigint PRIMARY KEY REFERENCES batches(id) ON DELETE CASCADE,
    file_path    text NOT NULL,
    file_name    text NOT NULL,
    duration_sec double precision,
    volume       double precision NOT NULL DEFAULT 0.5,
    fade_out_sec double precision NOT NULL DEFAULT 3,
    updated_at   bigint NOT NULL
  );

  CREATE TABLE workers (
    id         text PRIMARY KEY,
    host       text NOT NULL,
    pid        integer NOT NULL,
    role       text NOT NULL,
    started_at bigint NOT NULL,
    last_seen  bigint NOT NULL
  );

  -- The account's calls to Venice, for limits shared by every machine: one 'slot' row per request (inserted before
  -- it is sent), one 'error' row per non-2xx answer, one 'block' row per 429 (until = when Venice lets us back).
  CREATE TABLE venice_calls (
    id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account text NOT NULL,
    route   text NOT NULL,
    kind    text NOT NULL CHECK (kind IN ('slot', 'error', 'block')),
    at      bigint NOT NULL,
    until   bigint
  );
  CREATE INDEX venice_calls_window ON venice_calls (account, kind, route, at);
  CREATE INDEX venice_calls_age ON venice_calls (at);

  -- Check and take, for one request: 0 when a slot was taken (the request may leave now), else how many ms to wait.
  -- Every machine's check-and-take for the account runs under one advisory transaction lock, so the counts read here
  -- are still true when the slot row lands, and the slot exists BEFORE the request is sent (a machine that dies
  -- mid-request has still used it). Windows slide, by the database clock.
  CREATE FUNCTION vb_take_slot(p_account text, p_route text, p_limit integer, p_window_ms bigint,
                               p_error_budget integer, p_error_window_ms bigint) RETURNS bigint
  LANGUAGE plpgsql VOLATILE AS $$
  DECLARE
    t    bigint;
    wait bigint := 0;
    edge bigint;
  BEGIN
    PERFORM pg_advisory_xact_lock(hashtextextended('venice-batch limiter ' || p_account, 0));
    t := vb_now_ms();
    -- A 429 told us when Venice lets this route back in.
    SELECT MAX(until) - t INTO edge FROM venice_calls
      WHERE account = p_account AND kind = 'block' AND route = p_route AND until > t;
    wait := GREATEST(wait, COALESCE(edge, 0));
    -- The window is full while the p_limit-th newest slot is still in it.
    SELECT at + p_window_ms - t INTO edge FROM venice_calls
      WHERE account = p_account AND kind = 'slot' AND route = p_route AND at > t - p_window_ms
      ORDER BY at DESC OFFSET p_limit - 1 LIMIT 1;
    wait := GREATEST(wait, COALESCE(edge, 0));
    -- The error budget (far below Venice's lockout) covers every route.
    SELECT at + p_error_window_ms - t INTO edge FROM venice_calls
      WHERE account = p_account AND kind = 'error' AND at > t - p_error_window_ms
      ORDER BY at DESC OFFSET p_error_budget - 1 LIMIT 1;
    wait := GREATEST(wait, COALESCE(edge, 0));
    IF wait > 0 THEN
      RETURN wait;
    END IF;
    INSERT INTO venice_calls (account, route, kind, at) VALUES (p_account, p_route, 'slot', t);
    RETURN 0;
  END $$;
  `,
  // 2: what the local queue gained with the hostile-night work (SQLite migrations 3 and 4): holds (why and how long
  // work stood still, for the morning report), when a batch's report was seen, and the probe of each verified clip.
  `
  ALTER TABLE batches ADD COLUMN report_seen_at bigint;

  CREATE TABLE holds (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    scope      text NOT NULL CHECK (scope IN ('batch', 'endpoint', 'engine')),
    batch_id   bigint REFERENCES batches(id) ON DELETE CASCADE,
    base_url   text,
    cause      text NOT NULL,
    message    text NOT NULL,
    auto       boolean NOT NULL DEFAULT false,
    started_at bigint NOT NULL,
    ended_at   bigint
  );
  CREATE INDEX holds_open ON holds (ended_at, scope);
  CREATE INDEX holds_batch ON holds (batch_id, started_at);

  -- ino as double precision: a file's inode may pass bigint's range, and JavaScript reads it as a double anyway.
  CREATE TABLE clip_probes (
    file_path  text PRIMARY KEY,
    size       bigint NOT NULL,
    mtime_ms   double precision NOT NULL,
    ino        double precision NOT NULL,
    info_json  text NOT NULL,
    updated_at bigint NOT NULL
  );
  `,
  // 3: a slot's id comes back with it, so the request's place in the window can move to the instant it leaves
  // (AccountLimiter.restamp): a machine slowed between taking a slot and sending no longer needs a second slot. And
  // the wait until a slot frees can be asked without taking one (AccountLimiter.freeInMs).
  `
  DROP FUNCTION vb_take_slot(text, text, integer, bigint, integer, bigint);

  -- How long until a request on the route may leave (0: now), by the database clock t: a 429's block, the route's
  -- sliding window (full while the p_limit-th newest slot is still in it), and the error budget, which covers every
  -- route and sits far below Venice's lockout.
  CREATE FUNCTION vb_slot_wait(p_account text, p_route text, p_limit integer, p_window_ms bigint,
                               p_error_budget integer, p_error_window_ms bigint, t bigint) RETURNS bigint
  LANGUAGE sql STABLE AS $$
    SELECT GREATEST(0,
      COALESCE((SELECT MAX(until) - t FROM venice_calls
                WHERE account = p_account AND kind = 'block' AND route = p_route AND until > t), 0),
      COALESCE((SELECT at + p_window_ms - t FROM venice_calls
                WHERE account = p_account AND kind = 'slot' AND route = p_route AND at > t - p_window_ms
                ORDER BY at DESC OFFSET p_limit - 1 LIMIT 1), 0),
      COALESCE((SELECT at + p_error_window_ms - t FROM venice_calls
                WHERE account = p_account AND kind = 'error' AND at > t - p_error_window_ms
                ORDER BY at DESC OFFSET p_error_budget - 1 LIMIT 1), 0))
  $$;

  -- Check and take, under the account's advisory lock as before, now also returning the slot's id.
  CREATE FUNCTION vb_take_call_slot(p_account text, p_route text, p_limit integer, p_window_ms bigint,
                                    p_error_budget integer, p_error_window_ms bigint,
                                    OUT wait bigint, OUT slot_id bigint)
  LANGUAGE plpgsql VOLATILE AS $$
  DECLARE
    t bigint;
  BEGIN
    PERFORM pg_advisory_xact_lock(hashtextextended('venice-batch limiter ' || p_account, 0));
    t := vb_now_ms();
    wait := vb_slot_wait(p_account, p_route, p_limit, p_window_ms, p_error_budget, p_error_window_ms, t);
    IF wait > 0 THEN
      RETURN;
    END IF;
    INSERT INTO venice_calls (account, route, kind, at) VALUES (p_account, p_route, 'slot', t) RETURNING id INTO slot_id;
  END $$;
  `,
  // 4: a submission claim in one round trip. It was five or six (BEGIN, the lock, the room, the claim, sometimes
  // the next quote, COMMIT), with the queue-wide lock held across every one of them: four machines on a busy network
  // or CPU queued behind each other's waits. Now the lock is held for the server's own work only. Same rules as the
  // statements it replaces (SQLite's store keeps them too).
  `
  -- Claims up to p_limit due, unheld ready rows of an ACTIVE batch for p_owner, in submission order, within the
  -- batch's concurrency, the queue-wide cap on rows in flight (p_max_in_flight) and the batch's budget (a running sum
  -- over the candidates stops before the first row whose quote would pass it). Each lease gets a fresh random token.
  -- Returns one row per claimed row (claimed = the row as leased); then, only when the budget stopped the claim (a
  -- due row is left that would pass it), one more row with claimed NULL: the budget, what is spent (charges, money
  -- in doubt or being sent, rows claimed for sending, this claim's included) and that next row's quote.
  --
  -- A function, not one statement: the counts must be read AFTER the lock is taken. One statement reads from a
  -- snapshot taken as it starts, before any lock it takes; each statement of a VOLATILE PL/pgSQL function takes a
  -- fresh one, so the counts below see every claim the lock's last holder committed. The lock is transaction-level:
  -- called on its own (autocommit), the call is its transaction and the lock goes at its commit.
  CREATE FUNCTION vb_claim_submissions(p_owner text, p_batch_id bigint, p_limit integer, p_lease_ms bigint,
                                       p_max_in_flight integer)
    RETURNS TABLE (claimed rows, batch_budget_usd double precision, batch_spent_usd double precision,
                   next_quote_usd double precision)
  LANGUAGE plpgsql VOLATILE AS $$
  DECLARE
    v_status      text;
    v_budget      double precision;
    v_concurrency integer;
    v_total       bigint;
    v_batch       bigint;
    v_reserved    double precision;
    v_spent       double precision := 0;
    v_left        double precision;
    v_limit       bigint;
    v_taken       bigint := 0;
  BEGIN
    -- Submission claims, queue-wide, one at a time: counting what is in flight and taking rows must be one step,
    -- or two machines could each take the last free slot (or the last dollar of a budget).
    PERFORM pg_advisory_xact_lock(7346201902);
    SELECT b.status, b.budget_usd, COALESCE((b.settings_json::jsonb ->> 'concurrency')::int, 1)
      INTO v_status, v_budget, v_concurrency FROM batches b WHERE b.id = p_batch_id;
    IF NOT FOUND OR v_status <> 'active' THEN
      RETURN;
    END IF;
    -- In flight, queue-wide and for this batch: sent or being sent, and ready rows already claimed for sending.
    SELECT COUNT(*), COUNT(*) FILTER (WHERE r.batch_id = p_batch_id),
           COALESCE(SUM(r.quote_usd) FILTER (WHERE r.batch_id = p_batch_id AND r.state = 'ready'), 0)
      INTO v_total, v_batch, v_reserved
      FROM rows r
      WHERE r.state IN ('submitting', 'queued', 'processing', 'downloading', 'verifying')
         OR (r.state = 'ready' AND r.lease_token IS NOT NULL);
    v_limit := LEAST(p_limit, p_max_in_flight - v_total, v_concurrency - v_batch);
    IF v_limit <= 0 THEN
      RETURN;
    END IF;
    IF v_budget IS NOT NULL THEN
      SELECT COALESCE(SUM(CASE WHEN a.charged OR a.state IN ('in_doubt', 'submitting') THEN a.quote_usd END), 0) + v_reserved
        INTO v_spent FROM attempts a JOIN rows r ON r.id = a.row_id WHERE r.batch_id = p_batch_id;
      v_left := v_budget - v_spent;
    END IF;
    FOR claimed IN
      WITH cand AS (
        SELECT r.id, r.position, COALESCE(r.quote_usd, 0) AS quote FROM rows r
        WHERE r.batch_id = p_batch_id AND r.state = 'ready' AND r.lease_token IS NULL AND r.next_action_at <= vb_now_ms()
        ORDER BY r.position, r.id LIMIT v_limit FOR UPDATE SKIP LOCKED),
      ranked AS (SELECT cand.id, SUM(cand.quote) OVER (ORDER BY cand.position, cand.id) AS cum FROM cand),
      pick AS (SELECT ranked.id FROM ranked WHERE v_left IS NULL OR ranked.cum <= v_left + 1e-9)
      UPDATE rows r SET lease_owner = p_owner, lease_token = gen_random_uuid()::text, lease_until = vb_now_ms() + p_lease_ms
      FROM pick WHERE r.id = pick.id
      RETURNING r.*
    LOOP
      v_taken := v_taken + 1;
      v_spent := v_spent + COALESCE(claimed.quote_usd, 0);
      RETURN NEXT;
    END LOOP;
    IF v_budget IS NOT NULL AND v_taken < v_limit THEN
      -- The first due row still unclaimed: the one the budget stopped, if it did.
      SELECT COALESCE(r.quote_usd, 0) INTO next_quote_usd FROM rows r
        WHERE r.batch_id = p_batch_id AND r.state = 'ready' AND r.lease_token IS NULL AND r.next_action_at <= vb_now_ms()
        ORDER BY r.position, r.id LIMIT 1;
      IF FOUND AND v_spent + next_quote_usd > v_budget + 1e-9 THEN
        claimed := NULL;
        batch_budget_usd := v_budget;
        batch_spent_usd := v_spent;
        RETURN NEXT;
      END IF;
    END IF;
  END $$;
  `,
];

export class SchemaTooNewError extends Error {
  override readonly name = 'SchemaTooNewError';
}

/**
 * Creates or migrates the schema. Safe to call from every machine at every start: the advisory lock makes the
 * others wait, then they find nothing to do.
 */
export async function migrate(client: pg.ClientBase): Promise<number> {
  await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
  try {
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${SCHEMA}`);
    await client.query(`CREATE TABLE IF NOT EXISTS ${SCHEMA}.schema_version (version integer NOT NULL)`);
    const r = await client.query<{ version: number }>(`SELECT version FROM ${SCHEMA}.schema_version`);
    const current = r.rows[0]?.version ?? 0;
    if (current > MIGRATIONS.length) {
      throw new SchemaTooNewError(
        `The studio queue was written by a newer version of Venice Batch (schema ${current}); update this machine's app to use it.`,
      );
    }
    if (current === MIGRATIONS.length) return current;
    await client.query('BEGIN');
    try {
      await client.query(`SET LOCAL search_path TO ${SCHEMA}`);
      for (let v = current; v < MIGRATIONS.length; v++) await client.query(MIGRATIONS[v] as string);
      if (current === 0) await client.query(`INSERT INTO ${SCHEMA}.schema_version (version) VALUES ($1)`, [MIGRATIONS.length]);
      else await client.query(`UPDATE ${SCHEMA}.schema_version SET version = $1`, [MIGRATIONS.length]);
      await client.query('COMMIT');
    } catch (e) {
      await client.query('ROLLBACK');
      throw e;
    }
    return MIGRATIONS.length;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
  }
}
