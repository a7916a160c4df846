CREATE OR REPLACE FUNCTION @extschema@.set_alert_rule(
    p_rule_name text,
    p_metric text DEFAULT NULL,
    p_comparison text DEFAULT NULL,
    p_threshold numeric DEFAULT NULL,
    p_duration interval DEFAULT NULL,
    p_level text DEFAULT NULL,
    p_enabled boolean DEFAULT NULL
)
RETURNS TABLE (
    rule_name text,
    metric text,
    comparison text,
    threshold numeric,
    duration interval,
    level text,
    enabled boolean,
    description text,
    source text
)
LANGUAGE plpgsql
VOLATILE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    v_metrics constant text [] := ARRAY[
        'cache_hit_ratio', 'deadlocks_per_minute', 'replication_lag_seconds', 'connection_utilization_pct',
        'long_running_query_seconds', 'xid_age_pct', 'dead_tuples'
    ];
    v_now record;
BEGIN
    PERFORM @extschema@._require_primary('set_alert_rule()');
    SELECT
        coalesce(p_metric, r.metric) AS metric,
        coalesce(p_comparison, r.comparison, '>') AS comparison,
        coalesce(p_threshold, r.threshold) AS threshold,
        coalesce(p_duration, r.duration, INTERVAL '0') AS duration,
        coalesce(p_level, r.level, 'WARN') AS level,
        coalesce(p_enabled, r.enabled, TRUE) AS enabled,
        r.description
    INTO v_now
    FROM (SELECT 1) AS one
    LEFT JOIN @extschema@.alert_rules AS r ON r.rule_name = p_rule_name;
    IF p_rule_name IS NULL OR p_rule_name !~ '^[a-z][a-z0-9_]*$' THEN
        RAISE EXCEPTION 'wedopt: "%" is not a valid alert rule name', coalesce(p_rule_name, 'NULL')
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Use lower-case letters, digits and underscores, starting with a letter.';
    END IF;
    IF v_now.metric IS NULL OR NOT v_now.metric = ANY (v_metrics) THEN
        RAISE EXCEPTION 'wedopt: unknown alert metric "%"', coalesce(v_now.metric, 'NULL')
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = format('Metrics: %s.', array_to_string(v_metrics, ', '));
    END IF;
    IF v_now.threshold IS NULL THEN
        RAISE EXCEPTION 'wedopt: a new alert rule needs a threshold'
            USING ERRCODE = 'null_value_not_allowed',
                  HINT = 'SELECT wedopt.set_alert_rule(''my_rule'', ''dead_tuples'', ''>'', 50000);';
    END IF;
    IF NOT v_now.comparison = ANY ('{>,>=,<,<=}') OR NOT v_now.level = ANY ('{ERROR,WARN,INFO}') THEN
        RAISE EXCEPTION 'wedopt: comparison "%" or level "%" is not allowed', v_now.comparison, v_now.level
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Comparison: >, >=, <, <=; level: ERROR, WARN, INFO.';
    END IF;
    INSERT INTO @extschema@.alert_rule AS r (
        rule_name, metric, comparison, threshold, duration, level, enabled, description
    ) VALUES (
        p_rule_name, v_now.metric, v_now.comparison, v_now.threshold, v_now.duration, v_now.level,
        v_now.enabled, v_now.description
    )
    ON CONFLICT (rule_name) DO UPDATE SET
        metric = excluded.metric, comparison = excluded.comparison, threshold = excluded.threshold,
        duration = excluded.duration, level = excluded.level, enabled = excluded.enabled,
        changed_at = now(), changed_by = current_user;
    RETURN QUERY SELECT r.* FROM @extschema@.alert_rules AS r WHERE r.rule_name = p_rule_name;
END
$$;

COMMENT ON FUNCTION @extschema@.set_alert_rule(text, text, text, numeric, interval, text, boolean) IS
'wedopt: add an alert rule or change a shipped one (only the arguments given change); '
'metrics: cache_hit_ratio, deadlocks_per_minute, replication_lag_seconds, '
'connection_utilization_pct, long_running_query_seconds, xid_age_pct, dead_tuples';

GRANT EXECUTE ON FUNCTION @extschema@.set_alert_rule(text, text, text, numeric, interval, text, boolean)
TO wedopt_admin;
