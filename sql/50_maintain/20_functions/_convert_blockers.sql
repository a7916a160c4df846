-- What convert_to_partitioned() refuses, in its words; analyze_partitioning_candidates() lists
-- the same for the attach method. NULL when nothing blocks.
CREATE OR REPLACE FUNCTION @extschema@._convert_blockers(p_table regclass, p_control name, p_method text)
RETURNS text
LANGUAGE sql
STABLE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT pg_catalog.string_agg(b.what, '; ')
    FROM (
        SELECT pg_catalog.format('unique index %s lacks %s', x.indexrelid::regclass, p_control) AS what
        FROM pg_catalog.pg_index AS x
        WHERE x.indrelid = p_table AND x.indisunique AND NOT EXISTS (
            SELECT FROM pg_catalog.pg_attribute AS a
            WHERE a.attrelid = p_table AND a.attname = p_control AND a.attnum = ANY (x.indkey)
        )
        UNION ALL
        SELECT pg_catalog.format('foreign key %s of %s points at it', k.conname, k.conrelid::regclass)
        FROM pg_catalog.pg_constraint AS k WHERE k.contype = 'f' AND k.confrelid = p_table
        UNION ALL
        SELECT DISTINCT pg_catalog.format('view %s reads it', r.ev_class::regclass)
        FROM pg_catalog.pg_depend AS d
        JOIN pg_catalog.pg_rewrite AS r ON r.oid = d.objid
        WHERE d.classid = 'pg_catalog.pg_rewrite'::regclass AND d.refobjid = p_table AND r.ev_class <> p_table
        UNION ALL
        SELECT pg_catalog.format('identity column %s', a.attname)
        FROM pg_catalog.pg_attribute AS a WHERE a.attrelid = p_table AND a.attidentity <> ''
        UNION ALL
        SELECT pg_catalog.format('inheritance: %s', i.inhrelid::regclass)
        FROM pg_catalog.pg_inherits AS i WHERE i.inhparent = p_table OR i.inhrelid = p_table
        -- The copy builds a new table: what would not come along, and the key that finds the
        -- rows written during the copy.
        UNION ALL
        SELECT 'no primary key or unique index on NOT NULL columns (the copy finds the rows written meanwhile by it)'
        WHERE p_method = 'copy' AND NOT EXISTS (
            SELECT FROM pg_catalog.pg_index AS x
            WHERE x.indrelid = p_table AND x.indisunique AND x.indisvalid AND x.indimmediate
                AND x.indpred IS NULL AND x.indexprs IS NULL
                AND NOT EXISTS (
                    SELECT FROM pg_catalog.pg_attribute AS a
                    WHERE a.attrelid = p_table AND a.attnum = ANY (x.indkey) AND NOT a.attnotnull
                )
        )
        UNION ALL
        SELECT pg_catalog.format('trigger %s', t.tgname)
        FROM pg_catalog.pg_trigger AS t WHERE p_method = 'copy' AND t.tgrelid = p_table AND NOT t.tgisinternal
        UNION ALL
        SELECT 'row level security'
        FROM pg_catalog.pg_class AS c WHERE p_method = 'copy' AND c.oid = p_table AND c.relrowsecurity
    ) AS b
$$;

COMMENT ON FUNCTION @extschema@._convert_blockers(regclass, name, text) IS
'wedopt (internal): what keeps convert_to_partitioned(p_method) from converting a table, '
'semicolon-separated, or NULL: unique indexes lacking the key, foreign keys and views pointing at it, '
'identity columns, inheritance; for the copy also no usable key, triggers, row level security';
