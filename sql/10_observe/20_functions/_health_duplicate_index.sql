CREATE OR REPLACE FUNCTION @extschema@._health_duplicate_index()
RETURNS SETOF @extschema@.health_finding
LANGUAGE plpgsql
STABLE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    v_dup record;
BEGIN
    -- Same table, same columns, opclasses, expressions and predicate: one of them is enough.
    -- Keep the primary key, then a unique index, then the older one.
    FOR v_dup IN
        SELECT
            b.indexrelid AS redundant, a.indexrelid AS kept, b.indrelid AS tbl,
            pg_relation_size(b.indexrelid) AS bytes,
            EXISTS (SELECT FROM pg_constraint AS k WHERE k.conindid = b.indexrelid) AS b_constraint
        FROM pg_index AS a
        JOIN pg_index AS b
            ON
                a.indrelid = b.indrelid AND a.indexrelid <> b.indexrelid
                AND a.indkey::text = b.indkey::text AND a.indclass::text = b.indclass::text
                AND a.indcollation::text = b.indcollation::text
                AND coalesce(pg_get_expr(a.indexprs, a.indrelid), '') = coalesce(pg_get_expr(b.indexprs, b.indrelid), '')
                AND coalesce(pg_get_expr(a.indpred, a.indrelid), '') = coalesce(pg_get_expr(b.indpred, b.indrelid), '')
        JOIN pg_class AS ca ON a.indexrelid = ca.oid
        JOIN pg_class AS cb ON b.indexrelid = cb.oid
        JOIN @extschema@._user_schemas() AS n ON cb.relnamespace = n.oid
        WHERE
            ca.relam = cb.relam AND a.indisvalid AND b.indisvalid
            AND NOT cb.relispartition
            AND (a.indisprimary, a.indisunique, -a.indexrelid::bigint)
            > (b.indisprimary, b.indisunique, -b.indexrelid::bigint)
    LOOP
        RETURN QUERY SELECT
            'duplicate_index', 'WARN', 'PERFORMANCE',
            v_dup.redundant::regclass::text,
            format('index %s duplicates %s on %s: every write maintains both', v_dup.redundant::regclass,
                v_dup.kept::regclass, v_dup.tbl::regclass),
            CASE WHEN v_dup.b_constraint
                THEN format('-- %s backs a constraint: drop the constraint instead', v_dup.redundant::regclass)
                ELSE format('DROP INDEX CONCURRENTLY %s;', v_dup.redundant::regclass)
            END,
            jsonb_build_object('table', v_dup.tbl::regclass::text, 'kept', v_dup.kept::regclass::text,
                'bytes', v_dup.bytes, 'definition', pg_get_indexdef(v_dup.redundant));
    END LOOP;
END
$$;

COMMENT ON FUNCTION @extschema@._health_duplicate_index() IS
'wedopt: check_health() lint: indexes identical to another of their table';

GRANT EXECUTE ON FUNCTION @extschema@._health_duplicate_index() TO wedopt_monitor;
