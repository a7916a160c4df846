CREATE OR REPLACE FUNCTION @extschema@._action_figures(p_table oid)
RETURNS jsonb
LANGUAGE sql
STABLE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT pg_catalog.jsonb_build_object(
        'table_bytes', pg_catalog.pg_table_size(c.oid),
        'index_bytes', pg_catalog.pg_indexes_size(c.oid),
        'index_count', (
            SELECT pg_catalog.count(*) FROM pg_catalog.pg_index AS i
            WHERE i.indrelid OPERATOR(pg_catalog.=) c.oid
        ),
        'invalid_indexes', (
            SELECT pg_catalog.count(*) FROM pg_catalog.pg_index AS i
            WHERE i.indrelid OPERATOR(pg_catalog.=) c.oid AND NOT i.indisvalid
        ),
        'live_tuples', s.n_live_tup,
        'dead_tuples', s.n_dead_tup,
        'vacuum_count', s.vacuum_count,
        'analyze_count', s.analyze_count,
        'database_bytes', pg_catalog.pg_database_size(pg_catalog.current_database()),
        -- What rollback_action() restores: the storage parameters (toast ones prefixed toast.)
        -- and the extended statistics objects of the table.
        'reloptions', (
            SELECT coalesce(pg_catalog.jsonb_object_agg(o.option_name, o.option_value), '{}')
            FROM (
                SELECT x.option_name, x.option_value FROM pg_catalog.pg_options_to_table(c.reloptions) AS x
                UNION ALL
                SELECT 'toast.' OPERATOR(pg_catalog.||) x.option_name, x.option_value
                FROM pg_catalog.pg_class AS t, pg_catalog.pg_options_to_table(t.reloptions) AS x
                WHERE t.oid OPERATOR(pg_catalog.=) c.reltoastrelid
            ) AS o
        ),
        'statistics', (
            SELECT coalesce(pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
                'oid', e.oid, 'name', pg_catalog.format('%I.%I', n.nspname, e.stxname)) ORDER BY e.oid), '[]')
            FROM pg_catalog.pg_statistic_ext AS e
            JOIN pg_catalog.pg_namespace AS n ON n.oid OPERATOR(pg_catalog.=) e.stxnamespace
            WHERE e.stxrelid OPERATOR(pg_catalog.=) c.oid
        )
    )
    FROM pg_catalog.pg_class AS c
    LEFT JOIN pg_catalog.pg_stat_all_tables AS s ON s.relid OPERATOR(pg_catalog.=) c.oid
    WHERE c.oid OPERATOR(pg_catalog.=) p_table;
$$;

COMMENT ON FUNCTION @extschema@._action_figures(oid) IS
'wedopt (internal): the figures an action is judged on, for its table: sizes, index count, INVALID '
'indexes, live and dead tuples, vacuum and analyze counts, database size';

GRANT EXECUTE ON FUNCTION @extschema@._action_figures(oid) TO wedopt_admin;
