CREATE OR REPLACE FUNCTION @extschema@._matview_concurrent(p_matview oid)
RETURNS TABLE (usable boolean, index_name text, reason text)
LANGUAGE plpgsql
STABLE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    v_idx record;
    v_nulls boolean;
    v_why text[] := '{}';
BEGIN
    IF NOT (SELECT c.relispopulated FROM pg_class AS c WHERE c.oid = p_matview) THEN
        RETURN QUERY SELECT false, NULL::text, 'it is not populated: the first refresh is a plain one';
        RETURN;
    END IF;
    FOR v_idx IN
        SELECT
            i.indexrelid::regclass::text AS name, i.indpred IS NOT NULL AS partial,
            i.indexprs IS NOT NULL OR 0 = ANY (i.indkey::int2 []) AS expressions,
            i.indisvalid AND i.indisready AND i.indislive AND i.indimmediate AS usable,
            array_agg(quote_ident(a.attname::text) ORDER BY k.n) FILTER (WHERE a.attname IS NOT NULL) AS cols
        FROM pg_index AS i
        CROSS JOIN LATERAL unnest(i.indkey::int2 []) WITH ORDINALITY AS k (attnum, n)
        LEFT JOIN pg_attribute AS a ON a.attrelid = i.indrelid AND a.attnum = k.attnum AND k.attnum > 0
        WHERE i.indrelid = p_matview AND i.indisunique AND k.n <= i.indnkeyatts
        GROUP BY i.indexrelid, i.indpred, i.indexprs, i.indkey, i.indisvalid, i.indisready, i.indislive,
            i.indimmediate
        ORDER BY i.indexrelid::regclass::text
    LOOP
        IF v_idx.partial THEN
            v_why := v_why || format('unique index %s has a WHERE clause', v_idx.name);
        ELSIF v_idx.expressions THEN
            v_why := v_why || format('unique index %s is on expressions, not plain columns', v_idx.name);
        ELSIF NOT v_idx.usable THEN
            v_why := v_why || format('unique index %s is not valid or is deferrable', v_idx.name);
        ELSE
            -- A materialized view's columns carry no NOT NULL: judged by its data.
            EXECUTE format(
                'SELECT EXISTS (SELECT FROM %s WHERE %s)', p_matview::regclass,
                (SELECT string_agg(format('%s IS NULL', c), ' OR ') FROM unnest(v_idx.cols) AS c)
            ) INTO v_nulls;
            IF v_nulls THEN
                v_why := v_why || format('key column(s) of unique index %s hold NULLs', v_idx.name);
            ELSE
                RETURN QUERY SELECT true, v_idx.name, format(
                    'unique index %s on plain NOT NULL columns (%s), no WHERE clause', v_idx.name,
                    array_to_string(v_idx.cols, ', ')
                );
                RETURN;
            END IF;
        END IF;
    END LOOP;
    IF cardinality(v_why) = 0 THEN
        v_why := ARRAY[format(
            'it has no unique index%s: REFRESH ... CONCURRENTLY would fail (SQLSTATE 55000); create a unique '
            || 'index on plain NOT NULL columns with no WHERE clause to refresh it without blocking readers',
            (
                SELECT ' (non-unique: ' || string_agg(i.indexrelid::regclass::text, ', ') || ')'
                FROM pg_index AS i WHERE i.indrelid = p_matview
            )
        )];
    END IF;
    RETURN QUERY SELECT false, NULL::text, array_to_string(v_why, '; ');
END
$$;

COMMENT ON FUNCTION @extschema@._matview_concurrent(oid) IS
'wedopt (internal): whether REFRESH MATERIALIZED VIEW CONCURRENTLY can run on it (populated, and '
'a valid unique index on plain columns with no WHERE clause, those columns holding no NULL), '
'naming the index, or why not';

GRANT EXECUTE ON FUNCTION @extschema@._matview_concurrent(oid) TO wedopt_monitor;
