CREATE OR REPLACE FUNCTION @extschema@.unschedule_jobs()
RETURNS TABLE (jobname text, action text)
LANGUAGE plpgsql
VOLATILE
-- DEFINER on purpose: the jobs belong to the extension's owner (schedule_jobs()).
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    v_have jsonb;
BEGIN
    PERFORM @extschema@._require_primary('unschedule_jobs()');
    FOR v_have IN SELECT q FROM @extschema@._cron_query(format(
        'SELECT jobid, jobname FROM cron.job WHERE database = %L AND jobname = ANY (%L::text [])',
        current_database(), (SELECT array_agg(c.jobname) FROM @extschema@._job_catalog() AS c)
    )) AS q LOOP
        PERFORM @extschema@._cron_query(format('SELECT cron.unschedule(%s::bigint) AS done', v_have ->> 'jobid'));
        RETURN QUERY SELECT v_have ->> 'jobname', 'unscheduled';
    END LOOP;
END
$$;

COMMENT ON FUNCTION @extschema@.unschedule_jobs() IS
'wedopt: remove exactly the pg_cron jobs schedule_jobs() installs for this database, nothing else; '
'idempotent (a second call removes nothing)';

GRANT EXECUTE ON FUNCTION @extschema@.unschedule_jobs() TO wedopt_admin;
