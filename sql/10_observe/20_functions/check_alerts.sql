CREATE OR REPLACE FUNCTION @extschema@.check_alerts()
RETURNS TABLE (
    rule_name text,
    object text,
    status text,
    level text,
    value numeric,
    threshold numeric,
    since timestamptz,
    changed boolean
)
LANGUAGE plpgsql
VOLATILE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    v_now timestamptz := clock_timestamp();
    v_deadlocks numeric;
    v_prev @extschema@.alert_counter;
    v_rate numeric;
    v_alert @extschema@.alert;
BEGIN
    PERFORM @extschema@._require_primary('check_alerts()');
    -- Deadlocks per minute since the previous check (no rate on the first check).
    SELECT d.deadlocks INTO v_deadlocks FROM pg_stat_database AS d WHERE d.datname = current_database();
    SELECT c.* INTO v_prev FROM @extschema@.alert_counter AS c WHERE c.counter_name = 'deadlocks';
    IF v_prev.taken_at IS NOT NULL AND v_deadlocks >= v_prev.value AND v_now > v_prev.taken_at THEN
        v_rate := 60 * (v_deadlocks - v_prev.value) / extract(EPOCH FROM v_now - v_prev.taken_at);
    END IF;
    INSERT INTO @extschema@.alert_counter AS c (counter_name, value, taken_at)
    VALUES ('deadlocks', v_deadlocks, v_now)
    ON CONFLICT (counter_name) DO UPDATE SET value = excluded.value, taken_at = excluded.taken_at;

    -- Created once per session (quietly: IF NOT EXISTS would say NOTICE every call).
    IF to_regclass('pg_temp.wedopt_alert_metric') IS NULL THEN
        CREATE TEMP TABLE wedopt_alert_metric (metric text, object text, value numeric);
    END IF;
    TRUNCATE pg_temp.wedopt_alert_metric;
    INSERT INTO pg_temp.wedopt_alert_metric
    SELECT 'cache_hit_ratio', current_database()::text, c.hit_ratio
    FROM @extschema@.get_cache_hit_ratio() AS c
    WHERE
        c.scope = 'database'
        AND c.blocks_hit + c.blocks_read >= @extschema@.get_setting('observe.cache_min_blocks')::bigint
    UNION ALL
    SELECT 'deadlocks_per_minute', current_database()::text, v_rate WHERE v_rate IS NOT NULL
    UNION ALL
    SELECT 'replication_lag_seconds', coalesce(r.peer, r.role), r.replay_lag_seconds
    FROM @extschema@.get_replication_status() AS r
    UNION ALL
    SELECT 'connection_utilization_pct', 'max_connections', s.utilization_pct
    FROM @extschema@.get_connection_stats() AS s
    WHERE s.state = 'total'
    UNION ALL
    SELECT 'long_running_query_seconds', format('pid %s', q.pid), round(extract(EPOCH FROM q.query_duration), 3)
    FROM @extschema@.get_long_running_queries(INTERVAL '0') AS q
    WHERE q.database_name = current_database()
    UNION ALL
    SELECT 'xid_age_pct', w.object_name, w.pct_of_wraparound
    FROM @extschema@.get_wraparound_risk(0) AS w
    UNION ALL
    SELECT 'dead_tuples', format('%I.%I', s.schemaname, s.relname), s.n_dead_tup
    FROM pg_stat_all_tables AS s
    WHERE s.n_dead_tup > 0 AND s.schemaname NOT IN ('pg_catalog', 'information_schema', 'pg_toast');

    -- Created once per session (quietly: IF NOT EXISTS would say NOTICE every call).
    IF to_regclass('pg_temp.wedopt_alert_breach') IS NULL THEN
        CREATE TEMP TABLE wedopt_alert_breach (
            rule_name text, metric text, object text, value numeric, threshold numeric, comparison text,
            duration interval, level text
        );
    END IF;
    TRUNCATE pg_temp.wedopt_alert_breach;
    INSERT INTO pg_temp.wedopt_alert_breach
    SELECT r.rule_name, r.metric, m.object, m.value, r.threshold, r.comparison, r.duration, r.level
    FROM @extschema@.alert_rules AS r
    JOIN pg_temp.wedopt_alert_metric AS m ON r.metric = m.metric
    WHERE
        r.enabled
        AND CASE r.comparison
            WHEN '>' THEN m.value > r.threshold
            WHEN '>=' THEN m.value >= r.threshold
            WHEN '<' THEN m.value < r.threshold
            WHEN '<=' THEN m.value <= r.threshold
        END;

    -- New breaches start pending; open alerts get the latest value.
    INSERT INTO @extschema@.alert AS a (
        rule_name, metric, object, status, level, comparison, threshold, value, first_seen_at, last_checked_at
    )
    SELECT b.rule_name, b.metric, b.object, 'pending', b.level, b.comparison, b.threshold, b.value, v_now, v_now
    FROM pg_temp.wedopt_alert_breach AS b
    ON CONFLICT (rule_name, object) WHERE status <> 'resolved'
    DO UPDATE SET value = excluded.value, threshold = excluded.threshold, last_checked_at = v_now;

    -- Pending alerts whose condition has held for the rule's duration fire, and are announced.
    FOR v_alert IN
        UPDATE @extschema@.alert AS a SET status = 'firing', fired_at = v_now
        FROM pg_temp.wedopt_alert_breach AS b
        WHERE
            a.status = 'pending' AND a.rule_name = b.rule_name AND a.object = b.object
            AND v_now - a.first_seen_at >= b.duration
        RETURNING a.*
    LOOP
        PERFORM pg_notify('wedopt_alerts', jsonb_build_object(
            'event', 'firing', 'alert_id', v_alert.alert_id, 'rule', v_alert.rule_name,
            'metric', v_alert.metric, 'object', v_alert.object, 'level', v_alert.level,
            'value', v_alert.value, 'comparison', v_alert.comparison, 'threshold', v_alert.threshold,
            'database', current_database(), 'at', v_now
        )::text);
    END LOOP;

    -- Open alerts whose condition is gone: a firing one is resolved (and announced), a pending
    -- one is forgotten.
    DELETE FROM @extschema@.alert AS a
    WHERE
        a.status = 'pending'
        AND NOT EXISTS (
            SELECT FROM pg_temp.wedopt_alert_breach AS b WHERE a.rule_name = b.rule_name AND a.object = b.object
        );
    FOR v_alert IN
        UPDATE @extschema@.alert AS a SET status = 'resolved', resolved_at = v_now, last_checked_at = v_now
        WHERE
            a.status = 'firing'
            AND NOT EXISTS (
                SELECT FROM pg_temp.wedopt_alert_breach AS b
                WHERE a.rule_name = b.rule_name AND a.object = b.object
            )
        RETURNING a.*
    LOOP
        PERFORM pg_notify('wedopt_alerts', jsonb_build_object(
            'event', 'resolved', 'alert_id', v_alert.alert_id, 'rule', v_alert.rule_name,
            'metric', v_alert.metric, 'object', v_alert.object, 'level', v_alert.level,
            'database', current_database(), 'fired_at', v_alert.fired_at, 'at', v_now
        )::text);
        rule_name := v_alert.rule_name;
        object := v_alert.object;
        status := 'resolved';
        level := v_alert.level;
        value := v_alert.value;
        threshold := v_alert.threshold;
        since := v_now;
        changed := TRUE;
        RETURN NEXT;
    END LOOP;

    RETURN QUERY
    SELECT a.rule_name, a.object, a.status, a.level, a.value, a.threshold,
        coalesce(a.fired_at, a.first_seen_at), coalesce(a.fired_at, a.first_seen_at) = v_now
    FROM @extschema@.alert AS a
    WHERE a.status <> 'resolved'
    ORDER BY a.status, a.rule_name, a.object;
END
$$;

COMMENT ON FUNCTION @extschema@.check_alerts() IS
'wedopt: evaluate the alert rules (view wedopt.alert_rules) against the current figures and record '
'the outcome in wedopt.alert: a breach starts pending and fires once it has lasted the rule''s '
'duration; a firing alert whose condition is gone is resolved. Each firing and each resolution '
'sends NOTIFY on channel wedopt_alerts with a JSON payload (event, alert_id, rule, metric, object, '
'level, value, threshold, database, at). Returns the open alerts and those just resolved';

GRANT EXECUTE ON FUNCTION @extschema@.check_alerts() TO wedopt_admin;
