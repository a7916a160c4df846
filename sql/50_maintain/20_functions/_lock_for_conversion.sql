-- A lock of the table being converted, the way maintenance takes its locks: each try under
-- partition.lock_timeout (below deadlock_timeout, so the conversion gives way, never the
-- application), partition.lock_retries tries with a growing pause; then a clear error.
CREATE OR REPLACE FUNCTION @extschema@._lock_for_conversion(p_table regclass, p_mode text)
RETURNS void
LANGUAGE plpgsql
VOLATILE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_timeout text := (
        pg_catalog.date_part('epoch', @extschema@.get_setting('partition.lock_timeout')::interval) * 1000
    )::bigint::text || 'ms';
    v_retries integer := @extschema@.get_setting('partition.lock_retries')::integer;
    v_old_timeout text := pg_catalog.current_setting('lock_timeout');
BEGIN
    IF p_mode NOT IN ('SHARE UPDATE EXCLUSIVE', 'EXCLUSIVE', 'ACCESS EXCLUSIVE') THEN
        RAISE EXCEPTION 'wedopt: lock mode % not used by conversions', p_mode
            USING ERRCODE = 'invalid_parameter_value', HINT = 'An internal function: called by convert_to_partitioned().';
    END IF;
    FOR v_try IN 1..greatest(v_retries, 1) LOOP
        BEGIN
            PERFORM pg_catalog.set_config('lock_timeout', v_timeout, TRUE);
            -- p_mode is one of the three above: wedopt's text, never the caller's.
            EXECUTE pg_catalog.format('LOCK TABLE %s IN %s MODE', p_table, p_mode);
            PERFORM pg_catalog.set_config('lock_timeout', v_old_timeout, TRUE);
            RETURN;
        EXCEPTION WHEN lock_not_available OR deadlock_detected THEN
            PERFORM pg_catalog.pg_sleep(0.05 * v_try);
        END;
    END LOOP;
    PERFORM pg_catalog.set_config('lock_timeout', v_old_timeout, TRUE);
    RAISE EXCEPTION 'wedopt: % could not be locked (% MODE) for its conversion within %, % tries', p_table, p_mode,
        v_timeout, v_retries
        USING ERRCODE = 'lock_not_available',
              HINT = 'Nothing was changed. Convert again when fewer transactions hold the table, or raise '
                  'partition.lock_timeout / partition.lock_retries.';
END
$$;

COMMENT ON FUNCTION @extschema@._lock_for_conversion(regclass, text) IS
'wedopt (internal): lock a table being converted in SHARE UPDATE EXCLUSIVE, EXCLUSIVE or ACCESS EXCLUSIVE '
'mode, each try under partition.lock_timeout, partition.lock_retries tries, else 55P03 with a HINT';
