CREATE OR REPLACE FUNCTION @extschema@.run_job(p_job text)
RETURNS text
LANGUAGE plpgsql
VOLATILE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_job record;
    v_frozen text;
    v_rows bigint;
BEGIN
    PERFORM @extschema@._require_primary('run_job()');
    SELECT c.* INTO v_job FROM @extschema@._job_catalog() AS c WHERE c.job = p_job;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'wedopt: no job named %', coalesce(quote_literal(p_job), 'NULL')
        USING ERRCODE = 'invalid_parameter_value',
        HINT = 'The jobs: ' || (SELECT string_agg(c.job, ', ') FROM @extschema@._job_catalog() AS c) || '.';
    END IF;
    IF NOT v_job.available THEN
        RAISE EXCEPTION 'wedopt: job % needs %, which this installation does not have', p_job, v_job.needs
        USING ERRCODE = 'undefined_function',
        HINT = 'Update wedopt; schedule_jobs() schedules the job once the function exists.';
    END IF;
    IF v_job.changes_schema THEN
        v_frozen := @extschema@._schedule_freeze();
        IF v_frozen IS NOT NULL THEN
            RAISE NOTICE 'wedopt: job % skipped: %', p_job, v_frozen;
            RETURN format('%s skipped: %s', p_job, v_frozen);
        END IF;
    END IF;
    -- The statement is wedopt's own (_job_catalog()), never the caller's.
    EXECUTE v_job.statement INTO v_rows;
    RETURN format('%s: %s row(s)', p_job, v_rows);
END
$$;

COMMENT ON FUNCTION @extschema@.run_job(text) IS
'wedopt: run one of the jobs of schedule_jobs() now (what its pg_cron job runs): snapshot-stats, '
'check-alerts, partition-maintenance, matview-refresh, upkeep, admin-dispatcher, history-retention. '
'Jobs that change the schema are skipped, with a NOTICE, during the event-day freeze';

GRANT EXECUTE ON FUNCTION @extschema@.run_job(text) TO wedopt_admin;
