CREATE OR REPLACE FUNCTION @extschema@.version_info()
RETURNS TABLE (component text, version text, detail text)
LANGUAGE plpgsql
STABLE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    err_state text;
    err_message text;
    err_detail text;
    err_hint text;
BEGIN
    RETURN QUERY SELECT v.component, v.version, v.detail FROM @extschema@._version_info() AS v;
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS
        err_state = RETURNED_SQLSTATE, err_message = MESSAGE_TEXT,
        err_detail = PG_EXCEPTION_DETAIL, err_hint = PG_EXCEPTION_HINT;
    PERFORM @extschema@._raise_clean(err_state, err_message, err_detail, err_hint);
END
$$;

COMMENT ON FUNCTION @extschema@.version_info() IS
'wedopt: versions of the extension''s SQL and Python, of the server''s Python and of '
'the Python dependencies, as the server sees them (runs PL/Python)';

GRANT EXECUTE ON FUNCTION @extschema@.version_info() TO wedopt_monitor;
