CREATE OR REPLACE FUNCTION @extschema@.job_status()
RETURNS TABLE (
    jobname text,
    job text,
    scheduled boolean,
    schedule text,
    active boolean,
    last_start timestamptz,
    last_end timestamptz,
    last_status text,
    last_message text,
    runs bigint,
    failures bigint,
    running_since timestamptz,
    stuck boolean,
    note text
)
LANGUAGE plpgsql
VOLATILE
-- DEFINER on purpose: cron.job_run_details shows a user its own jobs only, and the jobs are the
-- extension owner's (schedule_jobs()); wedopt_monitor reads their state. No caller input.
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    v_stuck interval := @extschema@.get_setting('schedule.stuck_after')::interval;
    v_frozen text := @extschema@._schedule_freeze();
BEGIN
    RETURN QUERY
    WITH cat AS (SELECT c.* FROM @extschema@._job_catalog() AS c),

    have AS (
        SELECT q AS j FROM @extschema@._cron_query(format(
            $q$
            SELECT j.jobid, j.jobname, j.schedule, j.active,
                (SELECT to_jsonb(r) FROM cron.job_run_details AS r WHERE r.jobid = j.jobid
                 ORDER BY r.start_time DESC NULLS LAST, r.runid DESC LIMIT 1) AS last,
                (SELECT count(*) FROM cron.job_run_details AS r WHERE r.jobid = j.jobid) AS runs,
                (SELECT count(*) FROM cron.job_run_details AS r
                 WHERE r.jobid = j.jobid AND r.status = 'failed') AS failures,
                (SELECT min(r.start_time) FROM cron.job_run_details AS r
                 WHERE r.jobid = j.jobid AND r.status IN ('starting', 'running')) AS running_since,
                (SELECT array_agg(r.job_pid) FROM cron.job_run_details AS r
                 WHERE r.jobid = j.jobid AND r.status IN ('starting', 'running')) AS running_pids
            FROM cron.job AS j
            WHERE j.database = %L AND j.jobname = ANY (%L::text [])
            $q$,
            current_database(), (SELECT array_agg(cat.jobname) FROM cat)
        )) AS q
    )

    SELECT
        cat.jobname,
        cat.job,
        h.j IS NOT NULL,
        h.j ->> 'schedule',
        (h.j ->> 'active')::boolean,
        (h.j -> 'last' ->> 'start_time')::timestamptz,
        (h.j -> 'last' ->> 'end_time')::timestamptz,
        h.j -> 'last' ->> 'status',
        h.j -> 'last' ->> 'return_message',
        coalesce((h.j ->> 'runs')::bigint, 0),
        coalesce((h.j ->> 'failures')::bigint, 0),
        (h.j ->> 'running_since')::timestamptz,
        coalesce(
            (h.j ->> 'running_since')::timestamptz < now() - v_stuck
            -- A run still marked running whose backend is gone (a crash, a restart) never ends.
            OR EXISTS (
                SELECT FROM jsonb_array_elements_text(
                    CASE WHEN jsonb_typeof(h.j -> 'running_pids') = 'array' THEN h.j -> 'running_pids' END
                ) AS p (pid)
                WHERE
                    p.pid IS NOT NULL
                    AND NOT EXISTS (SELECT FROM pg_stat_activity AS a WHERE a.pid = p.pid::integer)
            ),
            false
        ),
        CASE
            WHEN NOT cat.available THEN format('not scheduled: needs %s, not in this installation', cat.needs)
            WHEN h.j IS NULL THEN 'not scheduled: run SELECT * FROM wedopt.schedule_jobs()'
            WHEN cat.changes_schema AND v_frozen IS NOT NULL THEN 'held now: ' || v_frozen
            WHEN (h.j ->> 'running_since')::timestamptz < now() - v_stuck
                THEN format('running for more than %s (setting schedule.stuck_after)', v_stuck)
            ELSE cat.description
        END
    FROM cat
    LEFT JOIN have AS h ON h.j ->> 'jobname' = cat.jobname
    ORDER BY cat.job;
END
$$;

COMMENT ON FUNCTION @extschema@.job_status() IS
'wedopt: the pg_cron jobs of schedule_jobs() for this database, from cron.job and '
'cron.job_run_details: scheduled or why not, last run (start, end, status, message), runs, '
'failures, running since, stuck (running longer than schedule.stuck_after, or its backend gone)';

GRANT EXECUTE ON FUNCTION @extschema@.job_status() TO wedopt_monitor;
