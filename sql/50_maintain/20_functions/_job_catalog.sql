CREATE OR REPLACE FUNCTION @extschema@._job_catalog()
RETURNS TABLE (
    job text,
    jobname text,
    schedule text,
    statement text,
    needs text,
    available boolean,
    changes_schema boolean,
    description text
)
LANGUAGE sql
STABLE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
    -- The jobs of schedule_jobs(): pg_cron runs `SELECT wedopt.run_job(job)` (one statement),
    -- run_job() runs the statement. A job whose function is not there yet is not scheduled.
    SELECT
        c.job,
        -- pg_cron's job names are of type name (63 bytes): cut the same way.
        format('wedopt-%s@%s', c.job, current_database())::name::text,
        c.schedule,
        c.statement,
        c.needs,
        to_regprocedure(c.needs) IS NOT NULL,
        c.changes_schema,
        c.description
    FROM (
        VALUES
        ('snapshot-stats', '*/15 * * * *', 'SELECT count(*) FROM @extschema@.snapshot_stats()',
            '@extschema@.snapshot_stats()', false, 'stats snapshot into the *_stats_history tables'),
        ('check-alerts', '*/5 * * * *', 'SELECT count(*) FROM @extschema@.check_alerts()',
            '@extschema@.check_alerts()', false, 'alert rules checked'),
        ('partition-maintenance', '*/10 * * * *', 'SELECT count(*) FROM @extschema@.run_maintenance()',
            '@extschema@.run_maintenance(regclass)', true, 'partition sets: premake, default rows, retention'),
        ('matview-refresh', '* * * * *', 'SELECT count(*) FROM @extschema@.refresh_matviews()',
            '@extschema@.refresh_matviews(regclass,boolean)', false, 'materialized views due by their policy'),
        ('upkeep', '23 2 * * *', 'SELECT count(*) FROM @extschema@.run_upkeep()',
            '@extschema@.run_upkeep(boolean)', true, 'reindex and vacuum what needs it, through the dispatcher'),
        ('admin-dispatcher', '* * * * *', 'SELECT @extschema@._dispatch_pending()',
            '@extschema@._dispatch_pending()', false,
            'the dispatcher''s safety net: a worker for every queued admin statement that has none'),
        ('history-retention', '41 3 * * *', 'SELECT count(*) FROM @extschema@.maintain_audit_log()',
            '@extschema@.maintain_audit_log(boolean)', true, 'audit log partitions kept and dropped by retention')
    ) AS c (job, schedule, statement, needs, changes_schema, description)
$$;

COMMENT ON FUNCTION @extschema@._job_catalog() IS
'wedopt (internal): the pg_cron jobs of schedule_jobs(): name, schedule, statement, the function '
'it needs (a job whose function does not exist is not scheduled), whether it changes the schema '
'(the event-day freeze holds it)';

GRANT EXECUTE ON FUNCTION @extschema@._job_catalog() TO wedopt_monitor;
