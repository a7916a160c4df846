CREATE OR REPLACE FUNCTION @extschema@.matview_status()
RETURNS TABLE (
    matview text,
    policy text,
    refresh_interval interval,
    staleness_limit interval,
    builtin boolean,
    refresh_order integer,
    populated boolean,
    last_refresh_start timestamptz,
    last_duration interval,
    last_mode text,
    last_status text,
    last_error text,
    refreshes bigint,
    failures bigint,
    sources_changed boolean,
    staleness interval,
    due boolean,
    due_reason text,
    concurrent boolean,
    concurrent_reason text
)
LANGUAGE plpgsql
STABLE
-- DEFINER on purpose: wedopt_monitor sees the state of every registered view, and the NULL
-- check of _matview_concurrent() reads views the caller may not read. It takes no input.
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
BEGIN
    RETURN QUERY
    WITH RECURSIVE reg AS (
        SELECT p.*, to_regclass(format('%I.%I', p.matview_schema, p.matview_name)) AS oid
        FROM @extschema@.matview_policy AS p
    ),

    -- Materialized view -> the materialized views it reads: the longest chain below a view
    -- is its refresh order (0 first), so a view is refreshed after those it reads.
    edge AS (
        SELECT reg.oid AS mv, s.relid AS src
        FROM reg, @extschema@._matview_sources(reg.oid) AS s
        WHERE reg.oid IS NOT NULL AND s.relkind = 'm'
    ),

    depth (mv, d) AS (
        SELECT reg.oid, 0 FROM reg WHERE reg.oid IS NOT NULL
        UNION
        SELECT e.mv, depth.d + 1 FROM edge AS e JOIN depth ON e.src = depth.mv
    ),

    state AS (
        SELECT
            reg.*,
            (SELECT max(depth.d) FROM depth WHERE depth.mv = reg.oid) AS ord,
            c.relispopulated,
            (
                SELECT coalesce(sum(t.n_tup_ins + t.n_tup_upd + t.n_tup_del), 0)::bigint
                FROM @extschema@._matview_sources(reg.oid) AS s
                JOIN pg_stat_all_tables AS t ON t.relid = s.relid
            ) AS writes_now
        FROM reg
        LEFT JOIN pg_class AS c ON c.oid = reg.oid
    ),

    judged AS (
        SELECT
            s.*,
            s.source_writes IS DISTINCT FROM s.writes_now AS changed,
            now() - s.last_refresh_start AS age
        FROM state AS s
    )

    SELECT
        format('%I.%I', j.matview_schema, j.matview_name),
        j.policy, j.refresh_interval, j.staleness_limit, j.builtin, j.ord::integer, j.relispopulated,
        j.last_refresh_start, j.last_duration, j.last_mode, j.last_status, j.last_error, j.refreshes,
        j.failures,
        j.changed,
        CASE WHEN j.changed THEN j.age ELSE INTERVAL '0' END,
        j.oid IS NOT NULL AND (
            NOT j.relispopulated OR j.last_refresh_start IS NULL OR j.source_writes IS NULL
            OR (j.policy = 'interval' AND j.age >= j.refresh_interval)
            OR (j.policy = 'staleness' AND j.changed AND j.age >= j.staleness_limit)
            OR (j.policy = 'source_changed' AND j.changed)
        ),
        CASE
            WHEN j.oid IS NULL THEN 'the materialized view no longer exists: unregister_matview() it'
            WHEN NOT j.relispopulated THEN 'it is not populated'
            WHEN j.last_refresh_start IS NULL OR j.source_writes IS NULL THEN 'never refreshed by wedopt'
            WHEN j.policy = 'interval' AND j.age >= j.refresh_interval
                THEN format('last refresh %s ago, interval %s', date_trunc('second', j.age), j.refresh_interval)
            WHEN j.policy = 'interval'
                THEN format('next refresh in %s', date_trunc('second', j.refresh_interval - j.age))
            WHEN NOT j.changed THEN 'its source tables have not changed since its last refresh'
            WHEN j.policy = 'staleness' AND j.age >= j.staleness_limit
                THEN format(
                    'sources changed; stale for %s, limit %s', date_trunc('second', j.age), j.staleness_limit
                )
            WHEN j.policy = 'staleness'
                THEN format(
                    'sources changed; stale for %s, within the limit %s', date_trunc('second', j.age),
                    j.staleness_limit
                )
            ELSE 'its source tables changed since its last refresh'
        END,
        cc.usable,
        coalesce(cc.reason, 'the materialized view no longer exists')
    FROM judged AS j
    LEFT JOIN LATERAL @extschema@._matview_concurrent(j.oid) AS cc ON j.oid IS NOT NULL
    ORDER BY j.ord NULLS LAST, 1;
END
$$;

COMMENT ON FUNCTION @extschema@.matview_status() IS
'wedopt: the registered materialized views (register_matview()) in refresh order (from pg_depend): '
'policy, last refresh (start, duration, mode, status, error), whether the source tables changed '
'since (their write counters in pg_stat_all_tables), staleness, whether a refresh is due and why, '
'and whether it can be refreshed CONCURRENTLY or why not';

GRANT EXECUTE ON FUNCTION @extschema@.matview_status() TO wedopt_monitor;
