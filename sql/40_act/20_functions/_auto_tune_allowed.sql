-- THE decision of what auto_tune() may apply by itself: NULL when allowed, else why not. During a
-- booking surge act.auto_apply steps down one level (all -> small_tables -> none). The guard rails
-- of _execute_admin_sql (freeze, window, index cap, storage guard) still apply after it.
CREATE OR REPLACE FUNCTION @extschema@._auto_tune_allowed(p_table_name text, p_estimated_bytes bigint)
RETURNS text
LANGUAGE plpgsql
STABLE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_policy text := @extschema@.get_setting('act.auto_apply');
    v_limit numeric := @extschema@.get_setting('act.auto_apply_max_table_bytes')::numeric;
    v_table regclass := pg_catalog.to_regclass(p_table_name);
    v_bytes bigint;
    v_surge text := @extschema@._surge_description();
    v_during text := '';
BEGIN
    IF v_surge IS NOT NULL THEN
        v_during := pg_catalog.format(', stepped down from %s during %s', v_policy, v_surge);
        v_policy := CASE v_policy WHEN 'all' THEN 'small_tables' ELSE 'none' END;
    END IF;
    IF v_policy OPERATOR(pg_catalog.=) 'none' THEN
        RETURN pg_catalog.format('act.auto_apply is none%s: recommended only, nothing is applied',
            coalesce(nullif(v_during, ''), ' (conservative)'));
    END IF;
    IF v_table IS NULL THEN
        RETURN pg_catalog.format('table %s not found', p_table_name);
    END IF;
    IF v_policy OPERATOR(pg_catalog.=) 'small_tables' THEN
        -- A partitioned table counts with all its partitions.
        SELECT pg_catalog.sum(pg_catalog.pg_table_size(t.relid))::bigint INTO v_bytes
        FROM pg_catalog.pg_partition_tree(v_table) AS t;
        v_bytes := coalesce(v_bytes, pg_catalog.pg_table_size(v_table));
        IF v_bytes OPERATOR(pg_catalog.>=) v_limit THEN
            RETURN pg_catalog.format(
                'act.auto_apply is small_tables%s and %s takes %s bytes, not under act.auto_apply_max_table_bytes (%s)',
                v_during, p_table_name, v_bytes, v_limit);
        END IF;
    END IF;
    RETURN NULL;
END
$$;

COMMENT ON FUNCTION @extschema@._auto_tune_allowed(text, bigint) IS
'wedopt (internal): whether auto_tune() may apply an index on this table by itself (act.auto_apply: '
'none, small_tables under act.auto_apply_max_table_bytes, all; one level lower during a booking '
'surge): NULL when allowed, else the reason; the one place that policy is decided (guard rails are '
'checked after it by execute_admin_sql)';

GRANT EXECUTE ON FUNCTION @extschema@._auto_tune_allowed(text, bigint) TO wedopt_admin;
