CREATE OR REPLACE FUNCTION @extschema@._require_primary(caller text)
RETURNS void
LANGUAGE plpgsql
STABLE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    -- Called first by every function of wedopt that writes: on a hot standby it would fail
    -- half-way with a bare "cannot execute ... in a read-only transaction".
    IF pg_catalog.pg_is_in_recovery() THEN
        RAISE EXCEPTION 'wedopt: % writes and cannot run on a standby', caller
        USING
            ERRCODE = 'read_only_sql_transaction',
            HINT = 'Call it on the primary. On a hot standby the read-only functions of wedopt work '
            || '(check_health(), health_score(), the get_* figures, the EXPLAIN and lint functions).';
    END IF;
END
$$;

COMMENT ON FUNCTION @extschema@._require_primary(text) IS
'wedopt: raise SQLSTATE 25006 with a HINT when called on a hot standby; the first call of every '
'wedopt function that writes, naming it';

GRANT EXECUTE ON FUNCTION @extschema@._require_primary(text) TO wedopt_monitor;
