-- Plans the caller's SQL (EXPLAIN only): SECURITY INVOKER, search_path NOT pinned (see doc/security.md).
CREATE OR REPLACE FUNCTION @extschema@.recommend_index_drops(queries text[] DEFAULT NULL)
RETURNS SETOF @extschema@.index_drop
LANGUAGE plpgsql
VOLATILE
SECURITY INVOKER
AS $$
DECLARE
    err_state text;
    err_message text;
    err_detail text;
    err_hint text;
BEGIN
    RETURN QUERY SELECT r.* FROM @extschema@._recommend_index_drops(queries) AS r;
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS
        err_state = RETURNED_SQLSTATE, err_message = MESSAGE_TEXT,
        err_detail = PG_EXCEPTION_DETAIL, err_hint = PG_EXCEPTION_HINT;
    PERFORM @extschema@._raise_clean(err_state, err_message, err_detail, err_hint);
END
$$;

COMMENT ON FUNCTION @extschema@.recommend_index_drops(text[]) IS
'wedopt: Runs the caller''s SQL (plans only, never executes it). '
'unused, duplicate and prefix-redundant indexes of the user''s schemas, with the bytes a drop '
'saves; each drop is simulated (hypopg_hide_index() where hypopg has it, else DROP INDEX in a '
'rolled-back subtransaction) against the workload (the statements given, or the top statements of '
'pg_stat_statements), and safe says whether no statement gets slower. Primary-key, unique, '
'exclusion, constraint and replica-identity indexes are never proposed';

GRANT EXECUTE ON FUNCTION @extschema@.recommend_index_drops(text[]) TO wedopt_monitor;
