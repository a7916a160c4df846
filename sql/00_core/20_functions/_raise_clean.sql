CREATE OR REPLACE FUNCTION @extschema@._raise_clean(
    p_sqlstate text,
    p_message text,
    p_detail text DEFAULT NULL,
    p_hint text DEFAULT NULL
)
RETURNS void
LANGUAGE plpgsql
VOLATILE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_state text := coalesce(nullif(p_sqlstate, ''), 'XX000');
    v_message text := pg_catalog.regexp_replace(
        coalesce(p_message, 'wedopt: unknown error'), '^((plpy|spiexceptions)\.[A-Za-z]+: )+', ''
    );
    v_detail text := nullif(p_detail, '');
    v_hint text := nullif(p_hint, '');
BEGIN
    -- PL/Python prefixes every message with the Python exception's name
    -- ("plpy.Error: ", "spiexceptions.UndefinedTable: ", nested ones too) and adds a
    -- traceback as CONTEXT. Re-raise with the same SQLSTATE, DETAIL and HINT, without them.
    -- RAISE refuses a NULL option, hence one branch per combination.
    IF v_detail IS NOT NULL AND v_hint IS NOT NULL THEN
        RAISE EXCEPTION USING ERRCODE = v_state, MESSAGE = v_message, DETAIL = v_detail, HINT = v_hint;
    ELSIF v_detail IS NOT NULL THEN
        RAISE EXCEPTION USING ERRCODE = v_state, MESSAGE = v_message, DETAIL = v_detail;
    ELSIF v_hint IS NOT NULL THEN
        RAISE EXCEPTION USING ERRCODE = v_state, MESSAGE = v_message, HINT = v_hint;
    END IF;
    RAISE EXCEPTION USING ERRCODE = v_state, MESSAGE = v_message;
END
$$;

COMMENT ON FUNCTION @extschema@._raise_clean(text, text, text, text) IS
'wedopt (internal): re-raise an error caught from PL/Python with its SQLSTATE, DETAIL and HINT '
'but without the Python exception prefix, for the PL/pgSQL wrappers of public functions';

GRANT EXECUTE ON FUNCTION @extschema@._raise_clean(text, text, text, text) TO wedopt_monitor;
