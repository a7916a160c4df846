CREATE OR REPLACE VIEW @extschema@.partition_sets AS
SELECT
    s.parent,
    s.control,
    s.step AS partition_interval,
    s.premake,
    s.retention,
    s.retention_keep_table,
    s.archive_schema,
    s.default_policy,
    b.partitions,
    b.oldest_from,
    b.newest_to,
    b.ahead,
    s.default_rows,
    s.last_run_at,
    s.last_run_ms,
    s.last_created,
    s.last_removed,
    s.last_skipped,
    s.last_error,
    CASE
        WHEN pg_catalog.to_regclass(s.parent::text) IS NULL THEN 'table missing'
        WHEN s.last_error IS NOT NULL THEN 'error'
        WHEN s.last_run_at IS NULL THEN 'never run'
        WHEN b.ahead < s.premake THEN 'behind'
        WHEN s.default_rows > 0 THEN 'rows in default'
        ELSE 'ok'
    END AS state
FROM @extschema@.partition_set AS s
CROSS JOIN LATERAL (
    SELECT
        count(*) FILTER (WHERE NOT p.is_default) AS partitions,
        min(p.lo) FILTER (WHERE NOT p.is_default) AS oldest_from,
        max(p.hi) FILTER (WHERE NOT p.is_default) AS newest_to,
        -- Whole ranges after the current one, by the clock.
        count(*) FILTER (WHERE NOT p.is_default AND p.lo > now()) AS ahead
    FROM @extschema@._partition_bounds(s.parent) AS p
) AS b;

COMMENT ON VIEW @extschema@.partition_sets IS
'wedopt: the partition sets, their partitions (count, oldest and newest bound, how many ahead of '
'now), the last run of run_maintenance() and a state: ok, behind, rows in default, error, never '
'run, table missing';

GRANT SELECT ON @extschema@.partition_sets TO wedopt_monitor;
