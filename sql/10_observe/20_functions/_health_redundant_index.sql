CREATE OR REPLACE FUNCTION @extschema@._health_redundant_index()
RETURNS SETOF @extschema@.health_finding
LANGUAGE plpgsql
STABLE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
BEGIN
    -- A plain B-tree whose columns are the leading columns of another B-tree of the table.
    RETURN QUERY
    SELECT
        'redundant_index', 'INFO', 'PERFORMANCE',
        b.indexrelid::regclass::text,
        format('index %s is a prefix of %s: queries can use the longer one', b.indexrelid::regclass,
            a.indexrelid::regclass),
        format('DROP INDEX CONCURRENTLY %s;', b.indexrelid::regclass),
        jsonb_build_object('table', b.indrelid::regclass::text, 'covered_by', a.indexrelid::regclass::text,
            'bytes', pg_relation_size(b.indexrelid), 'definition', pg_get_indexdef(b.indexrelid))
    FROM pg_index AS a
    JOIN pg_index AS b ON a.indrelid = b.indrelid AND a.indexrelid <> b.indexrelid
    JOIN pg_class AS ca ON a.indexrelid = ca.oid
    JOIN pg_class AS cb ON b.indexrelid = cb.oid
    JOIN pg_am AS am ON cb.relam = am.oid
    JOIN @extschema@._user_schemas() AS n ON cb.relnamespace = n.oid
    WHERE
        am.amname = 'btree' AND ca.relam = cb.relam
        AND a.indisvalid AND b.indisvalid
        AND NOT b.indisunique AND NOT cb.relispartition
        AND a.indexprs IS NULL AND b.indexprs IS NULL AND a.indpred IS NULL AND b.indpred IS NULL
        AND b.indnatts = b.indnkeyatts
        AND b.indnkeyatts < a.indnkeyatts
        AND (a.indkey::smallint [])[0:b.indnkeyatts - 1] = (b.indkey::smallint [])[0:b.indnkeyatts - 1]
        AND (a.indclass::oid [])[0:b.indnkeyatts - 1] = (b.indclass::oid [])[0:b.indnkeyatts - 1]
        AND NOT EXISTS (SELECT FROM pg_constraint AS k WHERE k.conindid = b.indexrelid);
END
$$;

COMMENT ON FUNCTION @extschema@._health_redundant_index() IS
'wedopt: check_health() lint: B-trees whose columns lead another B-tree of their table';

GRANT EXECUTE ON FUNCTION @extschema@._health_redundant_index() TO wedopt_monitor;
