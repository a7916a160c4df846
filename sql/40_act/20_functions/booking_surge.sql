-- Booking surge (doc/act.md): per table of act.surge_tables, the insert rate of the last
-- act.surge_window against the median rate of the same window on each earlier day of
-- act.surge_baseline, from observe's snapshots (table_stats_history). Each rate is made of the
-- intervals between consecutive snapshots of one table (or partition), prorated to the window;
-- an interval whose counter went down (stats reset, crash) is skipped, one longer than twice the
-- window is too coarse and skipped, and a window less than half covered does not count.
CREATE OR REPLACE FUNCTION @extschema@.booking_surge(p_now timestamptz DEFAULT pg_catalog.now())
RETURNS TABLE (
    table_name text,
    current_per_hour numeric,
    baseline_per_hour numeric,
    ratio numeric,
    baseline_windows integer,
    counter_resets integer,
    surging boolean,
    reason text
)
LANGUAGE plpgsql
STABLE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    v_tables text [] := @extschema@.get_setting('act.surge_tables')::text [];
    v_factor numeric := @extschema@.get_setting('act.surge_factor')::numeric;
    v_window interval := @extschema@.get_setting('act.surge_window')::interval;
    v_baseline interval := @extschema@.get_setting('act.surge_baseline')::interval;
    v_min_windows integer := @extschema@.get_setting('act.surge_min_baseline_windows')::integer;
    v_min_rows integer := @extschema@.get_setting('act.surge_min_rows')::integer;
    v_window_s numeric;
    v_step interval;
    v_days integer;
    v_entry text;
    v_ident text [];
    v_found boolean;
    v_rel record;
    v_relids oid [];
    v_stat record;
    v_current numeric;
    v_base numeric;
    v_ratio numeric;
BEGIN
    v_window_s := extract(EPOCH FROM v_window);
    IF v_window_s OPERATOR(pg_catalog.<=) 0 OR v_factor OPERATOR(pg_catalog.<=) 1
       OR v_baseline OPERATOR(pg_catalog.<) v_window THEN
        RAISE EXCEPTION 'wedopt: the booking-surge settings are inconsistent (window %, baseline %, factor %)',
            v_window, v_baseline, v_factor
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'act.surge_window must be positive, act.surge_baseline at least as long, act.surge_factor above 1.';
    END IF;
    -- The baseline windows are the same time of day on earlier days (bookings follow the clock);
    -- a window longer than a day steps back by whole multiples of a day.
    v_days := greatest(1, ceil(v_window_s OPERATOR(pg_catalog./) 86400))::integer;
    v_step := pg_catalog.make_interval(days => v_days);
    FOREACH v_entry IN ARRAY coalesce(v_tables, '{}') LOOP
        v_found := FALSE;
        BEGIN
            v_ident := pg_catalog.parse_ident(v_entry);
        EXCEPTION WHEN OTHERS THEN
            v_ident := NULL;
        END;
        FOR v_rel IN
            SELECT c.oid, pg_catalog.format('%I.%I', n.nspname, c.relname) AS name
            FROM pg_catalog.pg_class AS c
            JOIN pg_catalog.pg_namespace AS n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace
            WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
                AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\_%'
                AND CASE pg_catalog.cardinality(v_ident)
                    WHEN 1 THEN c.relname OPERATOR(pg_catalog.=) v_ident[1]
                    WHEN 2 THEN c.relname OPERATOR(pg_catalog.=) v_ident[2] AND n.nspname OPERATOR(pg_catalog.=) v_ident[1]
                    ELSE FALSE
                END
            ORDER BY 2
        LOOP
            v_found := TRUE;
            v_relids := v_rel.oid OPERATOR(pg_catalog.||) ARRAY(
                SELECT t.relid FROM pg_catalog.pg_partition_tree(v_rel.oid) AS t WHERE t.relid OPERATOR(pg_catalog.<>) v_rel.oid
            );
            WITH w AS (
                SELECT k, p_now OPERATOR(pg_catalog.-) (k OPERATOR(pg_catalog.*) v_step) OPERATOR(pg_catalog.-) v_window AS ws,
                    p_now OPERATOR(pg_catalog.-) (k OPERATOR(pg_catalog.*) v_step) AS we
                FROM pg_catalog.generate_series(0, (extract(EPOCH FROM v_baseline) OPERATOR(pg_catalog./)
                    extract(EPOCH FROM v_step))::integer) AS k
            ),
            h AS (
                SELECT w.k, w.ws, w.we, s.relid, s.taken_at,
                    pg_catalog.lag(s.taken_at) OVER o AS prev_at,
                    s.n_tup_ins OPERATOR(pg_catalog.-) pg_catalog.lag(s.n_tup_ins) OVER o AS d
                FROM w
                -- One index range scan per window (a join on ranges would read the whole history).
                CROSS JOIN LATERAL (
                    SELECT x.relid, x.taken_at, x.n_tup_ins
                    FROM @extschema@.table_stats_history AS x
                    WHERE x.taken_at OPERATOR(pg_catalog.>=) (w.ws OPERATOR(pg_catalog.-) (2 OPERATOR(pg_catalog.*) v_window))
                        AND x.taken_at OPERATOR(pg_catalog.<=) (w.we OPERATOR(pg_catalog.+) (2 OPERATOR(pg_catalog.*) v_window))
                        AND x.taken_at OPERATOR(pg_catalog.<=) p_now
                        AND x.relid OPERATOR(pg_catalog.=) ANY (v_relids)
                    OFFSET 0
                ) AS s
                WINDOW o AS (PARTITION BY w.k, s.relid ORDER BY s.taken_at)
            ),
            iv AS (
                SELECT h.k, h.relid, h.d,
                    extract(EPOCH FROM h.taken_at OPERATOR(pg_catalog.-) h.prev_at) AS len,
                    extract(EPOCH FROM least(h.taken_at, h.we) OPERATOR(pg_catalog.-) greatest(h.prev_at, h.ws)) AS overlap
                FROM h
                WHERE h.prev_at IS NOT NULL AND h.taken_at OPERATOR(pg_catalog.>) h.ws AND h.prev_at OPERATOR(pg_catalog.<) h.we
                    AND h.taken_at OPERATOR(pg_catalog.>) h.prev_at
                    AND (h.taken_at OPERATOR(pg_catalog.-) h.prev_at) OPERATOR(pg_catalog.<=) (2 OPERATOR(pg_catalog.*) v_window)
            ),
            per_rel AS (
                SELECT iv.k, iv.relid,
                    sum(iv.d OPERATOR(pg_catalog.*) iv.overlap OPERATOR(pg_catalog./) iv.len) FILTER (WHERE iv.d OPERATOR(pg_catalog.>=) 0) AS ins,
                    sum(iv.overlap) FILTER (WHERE iv.d OPERATOR(pg_catalog.>=) 0) AS covered,
                    pg_catalog.count(*) FILTER (WHERE iv.d OPERATOR(pg_catalog.<) 0) AS resets
                FROM iv
                GROUP BY iv.k, iv.relid
            ),
            per_window AS (
                -- Rows per hour of the window, summed over the table and its partitions covered enough.
                SELECT p.k,
                    sum(3600 OPERATOR(pg_catalog.*) p.ins OPERATOR(pg_catalog./) p.covered)
                        FILTER (WHERE p.covered OPERATOR(pg_catalog.>=) (v_window_s OPERATOR(pg_catalog./) 2)) AS per_hour,
                    sum(p.resets) AS resets
                FROM per_rel AS p
                GROUP BY p.k
            )
            SELECT
                (SELECT x.per_hour FROM per_window AS x WHERE x.k OPERATOR(pg_catalog.=) 0) AS cur,
                (SELECT pg_catalog.percentile_cont(0.5) WITHIN GROUP (ORDER BY x.per_hour)
                    FROM per_window AS x WHERE x.k OPERATOR(pg_catalog.>) 0 AND x.per_hour IS NOT NULL) AS base,
                (SELECT pg_catalog.count(*) FROM per_window AS x WHERE x.k OPERATOR(pg_catalog.>) 0 AND x.per_hour IS NOT NULL) AS n,
                (SELECT coalesce(sum(x.resets), 0) FROM per_window AS x) AS resets
            INTO v_stat;
            v_current := round(v_stat.cur, 1);
            v_base := round(v_stat.base::numeric, 1);
            v_ratio := round(v_stat.cur OPERATOR(pg_catalog./) nullif(v_stat.base::numeric, 0), 2);
            table_name := v_rel.name;
            current_per_hour := v_current;
            baseline_per_hour := v_base;
            ratio := v_ratio;
            baseline_windows := v_stat.n;
            counter_resets := v_stat.resets;
            surging := FALSE;
            IF v_stat.cur IS NULL THEN
                reason := pg_catalog.format('no snapshots cover the last %s: schedule wedopt.snapshot_stats()', v_window);
            ELSIF v_stat.n OPERATOR(pg_catalog.<) v_min_windows THEN
                reason := pg_catalog.format('insufficient history: %s earlier day(s) with snapshots of this window, '
                    'act.surge_min_baseline_windows needs %s', v_stat.n, v_min_windows);
            ELSIF (v_stat.cur OPERATOR(pg_catalog.*) v_window_s OPERATOR(pg_catalog./) 3600) OPERATOR(pg_catalog.<) v_min_rows THEN
                reason := pg_catalog.format('%s inserts in the last %s, fewer than act.surge_min_rows (%s)',
                    round(v_stat.cur OPERATOR(pg_catalog.*) v_window_s OPERATOR(pg_catalog./) 3600), v_window, v_min_rows);
            ELSIF v_stat.base OPERATOR(pg_catalog.=) 0 OR v_ratio OPERATOR(pg_catalog.>=) v_factor THEN
                surging := TRUE;
                reason := pg_catalog.format('%s inserts/h in the last %s against a baseline of %s/h (median of %s days): '
                    '%s at least act.surge_factor %s', v_current, v_window, v_base, v_stat.n,
                    coalesce(v_ratio::text || 'x', 'from none'), v_factor);
            ELSE
                reason := pg_catalog.format('%s inserts/h against a baseline of %s/h: %sx, below act.surge_factor %s',
                    v_current, v_base, v_ratio, v_factor);
            END IF;
            IF v_stat.resets OPERATOR(pg_catalog.>) 0 THEN
                reason := reason || pg_catalog.format(' (%s interval(s) with a counter reset skipped)', v_stat.resets);
            END IF;
            RETURN NEXT;
        END LOOP;
        IF NOT v_found THEN
            table_name := v_entry;
            current_per_hour := NULL;
            baseline_per_hour := NULL;
            ratio := NULL;
            baseline_windows := NULL;
            counter_resets := NULL;
            surging := FALSE;
            reason := 'no such table (setting act.surge_tables)';
            RETURN NEXT;
        END IF;
    END LOOP;
END
$$;

COMMENT ON FUNCTION @extschema@.booking_surge(timestamptz) IS
'wedopt: per table of act.surge_tables, the insert rate of the last act.surge_window against its '
'baseline (median rate of the same window on earlier days of act.surge_baseline, from '
'snapshot_stats() history; counter resets skipped), the ratio, and whether it is a surge '
'(ratio >= act.surge_factor, at least act.surge_min_rows inserts, enough history). During a '
'surge execute_admin_sql() tightens its index cap and storage guard and widens the event-day freeze';

GRANT EXECUTE ON FUNCTION @extschema@.booking_surge(timestamptz) TO wedopt_monitor;
