CREATE OR REPLACE FUNCTION @extschema@.schedule_jobs()
RETURNS TABLE (jobname text, schedule text, action text, detail text)
LANGUAGE plpgsql
VOLATILE
-- DEFINER on purpose: pg_cron's jobs are made by the extension's owner, so that they run with
-- the rights their fixed wedopt statements need (run_job(), never caller text); reaching
-- cron.database_name through dblink needs the owner's connection rights too.
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    v_job record;
    v_have jsonb;
    v_command text;
BEGIN
    PERFORM @extschema@._require_primary('schedule_jobs()');
    PERFORM @extschema@._cron_database();
    FOR v_job IN SELECT c.* FROM @extschema@._job_catalog() AS c ORDER BY c.job LOOP
        v_command := format('SELECT @extschema@.run_job(%L)', v_job.job);
        SELECT q INTO v_have FROM @extschema@._cron_query(format(
            'SELECT jobid, schedule, command, active FROM cron.job WHERE jobname = %L AND database = %L',
            v_job.jobname, current_database()
        )) AS q;
        IF NOT v_job.available THEN
            IF v_have IS NOT NULL THEN
                PERFORM @extschema@._cron_query(format('SELECT cron.unschedule(%s::bigint) AS done', v_have ->> 'jobid'));
            END IF;
            RETURN QUERY SELECT v_job.jobname, v_job.schedule,
                CASE WHEN v_have IS NULL THEN 'not_scheduled' ELSE 'unscheduled' END,
                format('needs %s, which this installation does not have yet', v_job.needs);
            CONTINUE;
        END IF;
        IF v_have IS NOT NULL AND v_have ->> 'schedule' = v_job.schedule AND v_have ->> 'command' = v_command
            AND (v_have ->> 'active')::boolean THEN
            RETURN QUERY SELECT v_job.jobname, v_job.schedule, 'unchanged', v_job.description;
            CONTINUE;
        END IF;
        PERFORM @extschema@._cron_query(format(
            'SELECT cron.schedule_in_database(%L, %L, %L, %L) AS jobid',
            v_job.jobname, v_job.schedule, v_command, current_database()
        ));
        RETURN QUERY SELECT v_job.jobname, v_job.schedule,
            CASE WHEN v_have IS NULL THEN 'scheduled' ELSE 'updated' END, v_job.description;
    END LOOP;
END
$$;

COMMENT ON FUNCTION @extschema@.schedule_jobs() IS
'wedopt: install wedopt''s pg_cron jobs for this database (named wedopt-<job>@<database>, each '
'`SELECT wedopt.run_job(job)`): snapshot-stats, check-alerts, partition-maintenance, '
'matview-refresh, upkeep, admin-dispatcher, history-retention; a job whose function this '
'installation lacks is not scheduled (said in detail). Idempotent. Without pg_cron: an error '
'whose HINT names shared_preload_libraries and cron.database_name';

GRANT EXECUTE ON FUNCTION @extschema@.schedule_jobs() TO wedopt_admin;
