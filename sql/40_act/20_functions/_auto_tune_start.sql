-- A cycle is an action of its own (command_tag AUTO TUNE, source auto_tune): what it did is in its
-- detail.report, and the indexes it created point at it (parent_id).
CREATE OR REPLACE FUNCTION @extschema@._auto_tune_start(p_queries text[], p_as_of timestamptz)
RETURNS bigint
LANGUAGE plpgsql
VOLATILE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM @extschema@._require_primary('auto_tune()');
    RETURN @extschema@._action_record(pg_catalog.jsonb_build_object(
        'queued_by', current_user, 'source', 'auto_tune', 'command_tag', 'AUTO TUNE',
        'statement', 'CALL wedopt.auto_tune()', 'reason', 'one auto_tune cycle', 'mode', 'immediate',
        'status', 'running', 'started_at', pg_catalog.clock_timestamp(),
        'detail', pg_catalog.jsonb_build_object(
            'policy', @extschema@.get_setting('act.auto_apply'), 'as_of', p_as_of,
            'workload', CASE WHEN p_queries IS NULL THEN 'pg_stat_statements' ELSE 'queries given' END)));
END
$$;

COMMENT ON FUNCTION @extschema@._auto_tune_start(text[], timestamptz) IS
'wedopt (internal): record the start of an auto_tune() cycle in wedopt.action_log (command_tag '
'AUTO TUNE, status running); returns its id';

GRANT EXECUTE ON FUNCTION @extschema@._auto_tune_start(text[], timestamptz) TO wedopt_admin;
