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
 * Results, one row per append (0-based `request`): `ok` and `retry` carry the revision and
 * position of the append's last event (`ok` also the time its events were recorded, one per
 * append); `wrong` carries the stream's actual revision (-1: no stream); `deleted` and `partial`
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
LANGUAGE plpgsql VOLATILE AS $fn$
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
  v_wrote boolean := false;
  v_now timestamptz;
  -- Split once (json_array_elements parses the text in one pass); indexed by event below.
  v_data json[] := ARRAY(SELECT e FROM json_array_elements(p_data) WITH ORDINALITY AS x(e, o) ORDER BY o);
  v_metadata json[] := ARRAY(SELECT e FROM json_array_elements(p_metadata) WITH ORDINALITY AS x(e, o) ORDER BY o);
BEGIN
  PERFORM pg_advisory_xact_lock(p_lock);
  SELECT COALESCE(MAX(e.position), 0) INTO v_head FROM sb_events e;
  FOR i IN 1 .. COALESCE(array_length(p_streams, 1), 0) LOOP
    request := i - 1;
    revision := NULL;
    "position" := NULL;
    recorded_at := NULL;
    v_count := p_counts[i];
    v_ids := p_ids[v_first : v_first + v_count - 1];
    v_first := v_first + v_count;

    SELECT s.revision, s.tombstoned INTO v_rev, v_tombstoned FROM sb_streams s WHERE s.stream = p_streams[i];
    IF NOT FOUND THEN
      v_rev := -1;
      v_tombstoned := false;
    END IF;
    IF v_tombstoned THEN
      status := 'deleted';
      RETURN NEXT;
      CONTINUE;
    END IF;

    IF v_count > 0 THEN
      SELECT count(*) FILTER (WHERE e.stream = p_streams[i]), count(*) FILTER (WHERE e.stream <> p_streams[i])
        INTO v_here, v_elsewhere FROM sb_events e WHERE e.id = ANY (v_ids);
      IF v_here + v_elsewhere > 0 THEN
        IF v_elsewhere > 0 OR v_here < v_count THEN
          status := 'partial';
        ELSE
          SELECT e.revision, e.position INTO v_last_revision, v_last_position
            FROM sb_events e WHERE e.id = ANY (v_ids) ORDER BY e.position DESC LIMIT 1;
          status := 'retry';
          revision := v_last_revision;
          "position" := v_last_position;
        END IF;
        RETURN NEXT;
        CONTINUE;
      END IF;
    END IF;

    v_expected := p_expected[i];
    IF NOT (
      v_expected = 'any'
      OR (v_expected = 'no_stream' AND v_rev = -1)
      OR (v_expected = 'exists' AND v_rev > -1)
      OR (v_expected NOT IN ('any', 'no_stream', 'exists') AND v_rev = v_expected::bigint)
    ) THEN
      status := 'wrong';
      revision := v_rev;
      RETURN NEXT;
      CONTINUE;
    END IF;

    IF v_count > 0 THEN
      v_now := clock_timestamp();
      recorded_at := v_now;
      INSERT INTO sb_events (position, id, stream, revision, type, data, metadata, recorded_at)
        SELECT v_head + k, v_ids[k], p_streams[i], v_rev + k, p_types[v_first - v_count - 1 + k],
               v_data[v_first - v_count - 1 + k], v_metadata[v_first - v_count - 1 + k], v_now
          FROM generate_series(1, v_count) AS k;
      v_head := v_head + v_count;
      v_rev := v_rev + v_count;
      INSERT INTO sb_streams (stream, revision) VALUES (p_streams[i], v_rev)
        ON CONFLICT (stream) DO UPDATE SET revision = excluded.revision;
      v_wrote := true;
    END IF;
    status := 'ok';
    revision := v_rev;
    "position" := v_head;
    RETURN NEXT;
  END LOOP;
  IF v_wrote THEN
    -- Delivered at commit, and only if the transaction commits.
    PERFORM pg_notify(p_channel, v_head::text);
  END IF;
END
$fn$`;
