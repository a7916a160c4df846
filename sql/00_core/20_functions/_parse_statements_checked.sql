-- _parse_statements() for wedopt's own functions: a text the server cannot parse becomes a
-- wedopt error naming what was parsed (p_what, e.g. 'the query'), with the server's message,
-- its SQLSTATE (42601 for a syntax error...), the character position and a HINT.
CREATE OR REPLACE FUNCTION @extschema@._parse_statements_checked(p_sql text, p_what text)
RETURNS SETOF @extschema@.parsed_statement
LANGUAGE plpgsql
STABLE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    err_state text;
    err_message text;
    err_context text;
    v_position integer;
BEGIN
    RETURN QUERY SELECT p.* FROM @extschema@._parse_statements(p_sql) AS p;
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS
        err_state = RETURNED_SQLSTATE, err_message = MESSAGE_TEXT, err_context = PG_EXCEPTION_CONTEXT;
    v_position := (pg_catalog.regexp_match(err_context, 'parsing the statement text, at character (\d+)'))[1]::integer;
    IF v_position IS NULL THEN
        RAISE EXCEPTION 'wedopt: % does not parse: %', p_what, err_message
            USING ERRCODE = err_state,
                  HINT = 'Check the SQL runs on its own in psql; nothing of it was run.';
    END IF;
    RAISE EXCEPTION 'wedopt: % does not parse: %', p_what, err_message
        USING ERRCODE = err_state,
              DETAIL = pg_catalog.format(
                  'At character %s: %s', v_position,
                  pg_catalog.left(pg_catalog.substr(p_sql, GREATEST(v_position OPERATOR(pg_catalog.-) 20, 1)), 60)
              ),
              HINT = 'Check the SQL runs on its own in psql; nothing of it was run.';
END
$$;

COMMENT ON FUNCTION @extschema@._parse_statements_checked(text, text) IS
'wedopt (internal): wedopt._parse_statements() with a text that does not parse reported as a wedopt '
'error (server message, SQLSTATE, character position, HINT) naming what was parsed';

GRANT EXECUTE ON FUNCTION @extschema@._parse_statements_checked(text, text) TO wedopt_monitor;
