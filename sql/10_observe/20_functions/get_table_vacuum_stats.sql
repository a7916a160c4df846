CREATE OR REPLACE FUNCTION @extschema@.get_table_vacuum_stats(p_schema text DEFAULT NULL)
RETURNS TABLE (
    schema_name text,
    table_name text,
    live_tuples bigint,
    dead_tuples bigint,
    dead_tuple_ratio numeric,
    modified_since_analyze bigint,
    inserted_since_vacuum bigint,
    last_vacuum timestamptz,
    last_autovacuum timestamptz,
    last_analyze timestamptz,
    last_autoanalyze timestamptz,
    vacuum_count bigint,
    autovacuum_count bigint,
    analyze_count bigint,
    autoanalyze_count bigint,
    autovacuum_enabled boolean,
    vacuum_threshold bigint,
    analyze_threshold bigint,
    autovacuum_due boolean,
    autoanalyze_due boolean,
    xid_age integer,
    mxid_age integer
)
LANGUAGE sql
STABLE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
    WITH t AS (
        SELECT
            n.nspname::text AS schema_name,
            c.relname::text AS table_name,
            c.relfrozenxid,
            c.relminmxid,
            greatest(c.reltuples, 0) AS reltuples,
            s.*,
            -- A table's own storage parameters override the server's autovacuum settings.
            coalesce(
                (SELECT o.option_value::boolean FROM pg_options_to_table(c.reloptions) AS o
                    WHERE o.option_name = 'autovacuum_enabled'),
                current_setting('autovacuum')::boolean
            ) AS av_enabled,
            coalesce(
                (SELECT o.option_value::numeric FROM pg_options_to_table(c.reloptions) AS o
                    WHERE o.option_name = 'autovacuum_vacuum_threshold'),
                current_setting('autovacuum_vacuum_threshold')::numeric
            ) AS vac_base,
            coalesce(
                (SELECT o.option_value::numeric FROM pg_options_to_table(c.reloptions) AS o
                    WHERE o.option_name = 'autovacuum_vacuum_scale_factor'),
                current_setting('autovacuum_vacuum_scale_factor')::numeric
            ) AS vac_scale,
            coalesce(
                (SELECT o.option_value::numeric FROM pg_options_to_table(c.reloptions) AS o
                    WHERE o.option_name = 'autovacuum_vacuum_insert_threshold'),
                current_setting('autovacuum_vacuum_insert_threshold')::numeric
            ) AS ins_base,
            coalesce(
                (SELECT o.option_value::numeric FROM pg_options_to_table(c.reloptions) AS o
                    WHERE o.option_name = 'autovacuum_vacuum_insert_scale_factor'),
                current_setting('autovacuum_vacuum_insert_scale_factor')::numeric
            ) AS ins_scale,
            coalesce(
                (SELECT o.option_value::numeric FROM pg_options_to_table(c.reloptions) AS o
                    WHERE o.option_name = 'autovacuum_analyze_threshold'),
                current_setting('autovacuum_analyze_threshold')::numeric
            ) AS an_base,
            coalesce(
                (SELECT o.option_value::numeric FROM pg_options_to_table(c.reloptions) AS o
                    WHERE o.option_name = 'autovacuum_analyze_scale_factor'),
                current_setting('autovacuum_analyze_scale_factor')::numeric
            ) AS an_scale
        FROM pg_class AS c
        JOIN pg_namespace AS n ON c.relnamespace = n.oid
        LEFT JOIN pg_stat_all_tables AS s ON c.oid = s.relid
        WHERE
            c.relkind IN ('r', 'm')
            AND n.nspname NOT IN ('pg_catalog', 'information_schema')
            AND n.nspname NOT LIKE 'pg\_toast%'
            AND n.nspname NOT LIKE 'pg\_temp%'
            AND (p_schema IS NULL OR n.nspname = p_schema)
    )

    SELECT
        t.schema_name,
        t.table_name,
        t.n_live_tup,
        t.n_dead_tup,
        round(t.n_dead_tup::numeric / nullif(t.n_live_tup + t.n_dead_tup, 0), 4),
        t.n_mod_since_analyze,
        t.n_ins_since_vacuum,
        t.last_vacuum,
        t.last_autovacuum,
        t.last_analyze,
        t.last_autoanalyze,
        t.vacuum_count,
        t.autovacuum_count,
        t.analyze_count,
        t.autoanalyze_count,
        t.av_enabled,
        (t.vac_base + t.vac_scale * t.reltuples)::bigint,
        (t.an_base + t.an_scale * t.reltuples)::bigint,
        -- The same tests autovacuum makes (relation_needs_vacanalyze): dead tuples, or inserts.
        t.n_dead_tup > t.vac_base + t.vac_scale * t.reltuples
        OR (t.ins_base >= 0 AND t.n_ins_since_vacuum > t.ins_base + t.ins_scale * t.reltuples),
        t.n_mod_since_analyze > t.an_base + t.an_scale * t.reltuples,
        age(t.relfrozenxid),
        mxid_age(t.relminmxid)
    FROM t
    ORDER BY t.n_dead_tup DESC NULLS LAST, 1, 2;
$$;

COMMENT ON FUNCTION @extschema@.get_table_vacuum_stats(text) IS
'wedopt: vacuum and analyze figures per table: last (auto)vacuum/analyze and counts, dead-tuple '
'ratio, the table''s own autovacuum thresholds (storage parameters or server settings) and '
'whether autovacuum is due by them, transaction-ID and multixact age';

GRANT EXECUTE ON FUNCTION @extschema@.get_table_vacuum_stats(text) TO wedopt_monitor;
