-- THE decision of what auto_tune() may apply by itself (one place, so that a booking surge or any
-- other policy can tighten it): NULL when allowed, else why not. The guard rails of
-- _execute_admin_sql (freeze, window, index cap, storage guard) still apply after it.
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
BEGIN
    IF v_policy OPERATOR(pg_catalog.=) 'none' THEN
        RETURN 'act.auto_apply is none (conservative): recommended only, nothing is applied';
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
                'act.auto_apply is small_tables and %s takes %s bytes, not under act.auto_apply_max_table_bytes (%s)',
                p_table_name, v_bytes, v_limit);
        END IF;
    END IF;
    RETURN NULL;
END
$$;

COMMENT ON FUNCTION @extschema@._auto_tune_allowed(text, bigint) IS
'wedopt (internal): whether auto_tune() may apply an index on this table by itself (act.auto_apply: '
'none, small_tables under act.auto_apply_max_table_bytes, all): NULL when allowed, else the reason; '
'the one place that policy is decided (guard rails are checked after it by execute_admin_sql)';

GRANT EXECUTE ON FUNCTION @extschema@._auto_tune_allowed(text, bigint) TO wedopt_admin;
