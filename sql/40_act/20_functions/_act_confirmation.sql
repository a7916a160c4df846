-- How the event triggers ended an expectation (_act_expect(NULL)): confirmed, not confirmable for
-- this kind (PostgreSQL fires no event trigger for VACUUM, ANALYZE, REINDEX, CLUSTER), or not
-- confirmed although it should have been (ok false: the statement must count as failed).
CREATE OR REPLACE FUNCTION @extschema@._act_confirmation(p_state jsonb, OUT ok boolean, OUT note text)
RETURNS record
LANGUAGE plpgsql
IMMUTABLE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    ok := TRUE;
    IF p_state IS NULL THEN
        note := 'no expectation was recorded';
        ok := FALSE;
    ELSIF (p_state->>'fires')::boolean IS NOT TRUE THEN
        note := pg_catalog.format('not confirmable: PostgreSQL fires no event trigger for %s', (p_state->>'tag'));
    ELSIF (p_state->>'seen')::integer OPERATOR(pg_catalog.=) 1
          AND (p_state->>'kind' OPERATOR(pg_catalog.<>) 'DropStmt'
               OR (p_state->>'dropped')::integer OPERATOR(pg_catalog.>=) least(1, pg_catalog.jsonb_array_length(p_state->'drops'))) THEN
        note := pg_catalog.format('confirmed by the event trigger: %s', (p_state->>'tag'));
    ELSE
        ok := FALSE;
        note := pg_catalog.format('not confirmed: the event trigger saw %s %s command(s) (and %s drop(s)) where one was expected',
            (p_state->>'seen'), (p_state->>'tag'), (p_state->>'dropped'));
    END IF;
END
$$;

COMMENT ON FUNCTION @extschema@._act_confirmation(jsonb) IS
'wedopt (internal): whether the event triggers confirmed an admin statement (from _act_expect(NULL)): '
'ok false when a confirmable statement was not confirmed; note says which';

GRANT EXECUTE ON FUNCTION @extschema@._act_confirmation(jsonb) TO wedopt_admin;
