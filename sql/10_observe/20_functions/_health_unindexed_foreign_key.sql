CREATE OR REPLACE FUNCTION @extschema@._health_unindexed_foreign_key()
RETURNS SETOF @extschema@.health_finding
LANGUAGE plpgsql
STABLE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
BEGIN
    -- Foreign keys whose columns are not the leading columns of any valid index: every
    -- DELETE/UPDATE of the referenced row scans the referencing table.
    RETURN QUERY
    SELECT
        'unindexed_foreign_key', 'WARN', 'PERFORMANCE',
        format('%s.%I', k.conrelid::regclass, k.conname),
        format('foreign key %I on %s (%s) has no index starting with its columns; deletes and updates '
            'of %s scan the whole table', k.conname, k.conrelid::regclass, cols.list, k.confrelid::regclass),
        format('CREATE INDEX %sON %s (%s);',
            CASE WHEN t.relkind = 'p' THEN '' ELSE 'CONCURRENTLY ' END, k.conrelid::regclass, cols.list),
        jsonb_build_object('table', k.conrelid::regclass::text, 'columns', cols.list,
            'references', k.confrelid::regclass::text)
    FROM pg_constraint AS k
    JOIN pg_class AS t ON k.conrelid = t.oid
    JOIN @extschema@._user_schemas() AS n ON t.relnamespace = n.oid
    CROSS JOIN LATERAL (
        SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY u.ord) AS list
        FROM unnest(k.conkey) WITH ORDINALITY AS u (attnum, ord)
        JOIN pg_attribute AS a ON a.attrelid = k.conrelid AND u.attnum = a.attnum
    ) AS cols
    WHERE
        k.contype = 'f'
        AND k.conparentid = 0
        AND NOT EXISTS (
            SELECT FROM pg_index AS i
            WHERE
                i.indrelid = k.conrelid AND i.indisvalid AND i.indpred IS NULL
                AND (i.indkey::smallint [])[0:cardinality(k.conkey) - 1] @> k.conkey
                AND (i.indkey::smallint [])[0:cardinality(k.conkey) - 1] <@ k.conkey
        );
END
$$;

COMMENT ON FUNCTION @extschema@._health_unindexed_foreign_key() IS
'wedopt: check_health() lint: foreign keys whose columns lead no valid index';

GRANT EXECUTE ON FUNCTION @extschema@._health_unindexed_foreign_key() TO wedopt_monitor;
