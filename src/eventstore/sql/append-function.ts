/**
 * The append, as a PL/pgSQL function: a batch of appends is one `SELECT` and one round trip.
 *
 * Why in the database: appends are serialized by a transaction-scoped advisory lock (positions
 * must commit in the order they are assigned), so whatever happens while the lock is held bounds
 * the store's throughput. Deciding in Node meant holding it across three round trips (read the
 * streams' state, insert, commit), each waiting for a turn of a busy event loop; here it is held
 * only while PostgreSQL does the work. A volatile function takes a fresh snapshot for each
 * statement, so everything read after the lock sees every earlier commit.
 *
 * Each append is decided on its own, as KurrentDB does: a wrong expected revision, a tombstoned
 * stream or a partly duplicated set of event ids fails that append only; re-appending events whose
 * ids are all already in the stream is an idempotent success that writes nothing.
 *
 * Every append is decided first (against the log and against what earlier appends of the batch
 * accepted), then one INSERT writes all accepted events: each statement costs an executor start
 * and a pass over its parameters, which per append was most of the work.
 *
 * Results, one row per append (0-based `request`): `ok` and `retry` carry the revision and
 * position of the append's last event (`ok` also the time its events were recorded, one for the
 * batch); `wrong` carries the stream's actual revision (-1: no stream); `deleted` and `partial`
 * carry nothing.
 *
 * Data and metadata arrive as one JSON array each (element 0 is the first event's), not as an
 * array of json: a PostgreSQL array literal makes the client escape every quote of every payload,
 * which for webhook payloads of tens of kilobytes cost more than the rest of the append. They are
 * written to columns of type json in new stores; stores created with jsonb columns take them
 * through PostgreSQL's assignment cast.
 *
 * Its arguments change only with a new name (sb_append_batch_v2 ...): CREATE OR REPLACE cannot
 * change a signature, and processes of two versions may run side by side during a deploy.
 */
export const APPEND_FUNCTION = `
CREATE OR REPLACE FUNCTION sb_append_batch(
  p_streams text[], p_expected text[], p_counts int[],
  p_ids uuid[], p_types text[], p_data json, p_metadata json,
  p_lock bigint, p_channel text
) RETURNS TABLE (request int, status text, revision bigint, "position" bigint, recorded_at timestamptz)
LANGUAGE plpgsql VOLATILE
-- Generic plans: custom ones are made on every call (their estimates look cheaper, so the plan
-- cache never switches), which meant planning each lookup per append and copying the payload
-- parameters, folded in as constants, while planning the INSERT. Generic plans need statistics
-- made after the tables filled up: PostgreSQL's autovacuum makes them, on PGlite the store does
-- (table-statistics.ts).
SET plan_cache_mode = force_generic_plan
AS $fn$
DECLARE
  v_head bigint;
  v_rev bigint;
  v_tombstoned boolean;
  v_expected text;
  v_first int := 1;
  v_count int;
  v_ids uuid[];
  v_here int;
  v_elsewhere int;
  v_last_revision bigint;
  v_last_position bigint;
  v_touched int;
  -- One time for the batch (its events commit together), read once the lock is held so that
  -- recorded times follow positions.
  v_now timestamptz;
  -- The accepted events (index into p_ids, p_types, p_data, p_metadata) and where they go.
  a_index int[] := '{}';
  a_stream text[] := '{}';
  a_revision bigint[] := '{}';
  a_position bigint[] := '{}';
  -- Streams this batch writes, with their new revisions.
  t_stream text[] := '{}';
  t_revision bigint[] := '{}';
BEGIN
  PERFORM pg_advisory_xact_lock(p_lock);
  v_now := clock_timestamp();
  SELECT COALESCE(MAX(e.position), 0) INTO v_head FROM sb_events e;
  FOR i IN 1 .. COALESCE(array_length(p_streams, 1), 0) LOOP
    request := i - 1;
    revision := NULL;
    "position" := NULL;
    recorded_at := NULL;
    v_count := p_counts[i];
    v_ids := p_ids[v_first : v_first + v_count - 1];

    -- The stream as this batch left it, else as the log has it.
    v_touched := array_position(t_stream, p_streams[i]);
    IF v_touched IS NOT NULL THEN
      v_rev := t_revision[v_touched];
      v_tombstoned := false;
    ELSE
      SELECT s.revision, s.tombstoned INTO v_rev, v_tombstoned FROM sb_streams s WHERE s.stream = p_streams[i];
      IF NOT FOUND THEN
        v_rev := -1;
        v_tombstoned := false;
      END IF;
    END IF;

    IF v_tombstoned THEN
      status := 'deleted';
    ELSIF v_count > 0 AND EXISTS (
      SELECT 1 FROM sb_events e WHERE e.id = ANY (v_ids)
      UNION ALL
      SELECT 1 FROM generate_subscripts(a_index, 1) AS k WHERE p_ids[a_index[k]] = ANY (v_ids)
    ) THEN
      -- Ids seen before, in the log or earlier in this batch: all of them in this stream is a
      -- retry (answered with where they are), anything else is an error.
      SELECT count(*) FILTER (WHERE f.stream = p_streams[i]), count(*) FILTER (WHERE f.stream <> p_streams[i]),
             (array_agg(f.revision ORDER BY f.pos DESC))[1], max(f.pos)
        INTO v_here, v_elsewhere, v_last_revision, v_last_position
        FROM (
          SELECT e.stream, e.revision, e.position AS pos FROM sb_events e WHERE e.id = ANY (v_ids)
          UNION ALL
          SELECT a_stream[k], a_revision[k], a_position[k] FROM generate_subscripts(a_index, 1) AS k
            WHERE p_ids[a_index[k]] = ANY (v_ids)
        ) AS f;
      IF v_elsewhere > 0 OR v_here < v_count THEN
        status := 'partial';
      ELSE
        status := 'retry';
        revision := v_last_revision;
        "position" := v_last_position;
      END IF;
    ELSE
      v_expected := p_expected[i];
      IF NOT (
        v_expected = 'any'
        OR (v_expected = 'no_stream' AND v_rev = -1)
        OR (v_expected = 'exists' AND v_rev > -1)
        OR (v_expected NOT IN ('any', 'no_stream', 'exists') AND v_rev = v_expected::bigint)
      ) THEN
        status := 'wrong';
        revision := v_rev;
      ELSE
        IF v_count > 0 THEN
          a_index := a_index || ARRAY(SELECT generate_series(v_first, v_first + v_count - 1));
          a_stream := a_stream || array_fill(p_streams[i], ARRAY[v_count]);
          a_revision := a_revision || ARRAY(SELECT v_rev + k FROM generate_series(1, v_count) AS k);
          a_position := a_position || ARRAY(SELECT v_head + k FROM generate_series(1, v_count) AS k);
          v_head := v_head + v_count;
          v_rev := v_rev + v_count;
          IF v_touched IS NULL THEN
            t_stream := t_stream || p_streams[i];
            t_revision := t_revision || v_rev;
          ELSE
            t_revision[v_touched] := v_rev;
          END IF;
          recorded_at := v_now;
        END IF;
        status := 'ok';
        revision := v_rev;
        "position" := v_head;
      END IF;
    END IF;
    v_first := v_first + v_count;
    RETURN NEXT;
  END LOOP;

  IF array_length(a_index, 1) > 0 THEN
    -- Every accepted event in one statement, each payload taken from one pass over the JSON.
    INSERT INTO sb_events (position, id, stream, revision, type, data, metadata, recorded_at)
      SELECT a.pos, p_ids[a.idx], a.stream, a.rev, p_types[a.idx], d.value, m.value, v_now
        FROM unnest(a_index, a_stream, a_revision, a_position) AS a(idx, stream, rev, pos)
        JOIN json_array_elements(p_data) WITH ORDINALITY AS d(value, ord) ON d.ord = a.idx
        JOIN json_array_elements(p_metadata) WITH ORDINALITY AS m(value, ord) ON m.ord = a.idx
        ORDER BY a.pos;
    INSERT INTO sb_streams (stream, revision) SELECT * FROM unnest(t_stream, t_revision)
      ON CONFLICT (stream) DO UPDATE SET revision = excluded.revision;
    -- Delivered at commit, and only if the transaction commits. On PostgreSQL the store passes no
    -- channel and notifies after the commit instead (commit-notifier.ts).
    IF p_channel IS NOT NULL THEN
      PERFORM pg_notify(p_channel, v_head::text);
    END IF;
  END IF;
END
$fn$`;

/**
 * sb_append_batch under a name of its own, for PostgreSQL, where the store passes no channel and
 * notifies after the commit (commit-notifier.ts). A name of its own because a process of the
 * previous version starting during a deploy re-creates sb_append_batch with its own body, which
 * notifies unconditionally (and fails on a NULL channel).
 */
export const APPEND_QUIET_FUNCTION = APPEND_FUNCTION.replace(
  'CREATE OR REPLACE FUNCTION sb_append_batch(',
  'CREATE OR REPLACE FUNCTION sb_append_batch_quiet(',
);

/**
 * One append of one event, a lone writer's case on PostgreSQL: the same decisions as
 * sb_append_batch without the arrays, the JSON array split and the in-batch bookkeeping, which made
 * up half of that function's time for one event (about 85 µs against 40 µs of server time). An id
 * already in the log (a retry, or an error) is left to sb_append_batch, which tells which. It
 * notifies no one: the store does after the commit (commit-notifier.ts).
 */
export const APPEND_ONE_FUNCTION = `
CREATE OR REPLACE FUNCTION sb_append_one(
  p_stream text, p_expected text, p_id uuid, p_type text, p_data json, p_metadata json,
  p_lock bigint
) RETURNS TABLE (request int, status text, revision bigint, "position" bigint, recorded_at timestamptz)
LANGUAGE plpgsql VOLATILE
SET plan_cache_mode = force_generic_plan
AS $fn$
DECLARE
  v_rev bigint;
  v_tombstoned boolean;
BEGIN
  PERFORM pg_advisory_xact_lock(p_lock);
  IF EXISTS (SELECT 1 FROM sb_events e WHERE e.id = p_id) THEN
    RETURN QUERY SELECT * FROM sb_append_batch_quiet(ARRAY[p_stream], ARRAY[p_expected], ARRAY[1], ARRAY[p_id],
      ARRAY[p_type], json_build_array(p_data), json_build_array(p_metadata), p_lock, NULL);
    RETURN;
  END IF;
  request := 0;
  SELECT s.revision, s.tombstoned INTO v_rev, v_tombstoned FROM sb_streams s WHERE s.stream = p_stream;
  IF NOT FOUND THEN
    v_rev := -1;
    v_tombstoned := false;
  END IF;
  IF v_tombstoned THEN
    status := 'deleted';
  ELSIF NOT (
    p_expected = 'any'
    OR (p_expected = 'no_stream' AND v_rev = -1)
    OR (p_expected = 'exists' AND v_rev > -1)
    OR (p_expected NOT IN ('any', 'no_stream', 'exists') AND v_rev = p_expected::bigint)
  ) THEN
    status := 'wrong';
    revision := v_rev;
  ELSE
    status := 'ok';
    revision := v_rev + 1;
    recorded_at := clock_timestamp();
    SELECT COALESCE(MAX(e.position), 0) + 1 INTO "position" FROM sb_events e;
    INSERT INTO sb_events (position, id, stream, revision, type, data, metadata, recorded_at)
      VALUES ("position", p_id, p_stream, revision, p_type, p_data, p_metadata, recorded_at);
    INSERT INTO sb_streams (stream, revision) VALUES (p_stream, revision)
      ON CONFLICT (stream) DO UPDATE SET revision = excluded.revision;
  END IF;
  RETURN NEXT;
END
$fn$`;
