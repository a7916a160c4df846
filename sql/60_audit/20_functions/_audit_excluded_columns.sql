CREATE OR REPLACE FUNCTION @extschema@._audit_excluded_columns(p_target regclass)
RETURNS text[]
LANGUAGE sql
STABLE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
    -- The excluded columns by their names now. Each one the audit trigger keeps as
    -- "<attnum>:<name>" is the column of that name if there is one (a dump and restore
    -- renumbers columns, keeps names), else the column of that attnum (a RENAME keeps it);
    -- with the configuration's names that still exist.
    SELECT coalesce(pg_catalog.array_agg(DISTINCT n.name ORDER BY n.name), '{}')
    FROM (
        SELECT x.name
        FROM @extschema@.audit_config AS c
        CROSS JOIN LATERAL pg_catalog.unnest(c.columns_excluded) AS x (name)
        JOIN pg_catalog.pg_attribute AS a
            ON
                a.attrelid OPERATOR(pg_catalog.=) c.target AND NOT a.attisdropped
                AND a.attname::text OPERATOR(pg_catalog.=) x.name
        WHERE c.target OPERATOR(pg_catalog.=) p_target
        UNION ALL
        SELECT coalesce(by_name.attname, by_num.attname)::text
        FROM pg_catalog.pg_trigger AS t
        CROSS JOIN LATERAL pg_catalog.generate_series(3, t.tgnargs OPERATOR(pg_catalog.-) 1) AS g (i)
        CROSS JOIN LATERAL (
            SELECT pg_catalog.split_part(
                pg_catalog.encode(t.tgargs, 'escape'), E'\\000', g.i OPERATOR(pg_catalog.+) 1
            )
        ) AS r (arg)
        LEFT JOIN pg_catalog.pg_attribute AS by_num
            ON
                by_num.attrelid OPERATOR(pg_catalog.=) t.tgrelid AND NOT by_num.attisdropped
                AND by_num.attnum::text OPERATOR(pg_catalog.=) pg_catalog.split_part(r.arg, ':', 1)
        LEFT JOIN pg_catalog.pg_attribute AS by_name
            ON
                by_name.attrelid OPERATOR(pg_catalog.=) t.tgrelid AND NOT by_name.attisdropped
                AND by_name.attname::text OPERATOR(pg_catalog.=) pg_catalog.substr(
                    r.arg, pg_catalog.strpos(r.arg, ':') OPERATOR(pg_catalog.+) 1
                )
        WHERE
            t.tgrelid OPERATOR(pg_catalog.=) p_target
            AND t.tgname OPERATOR(pg_catalog.=) 'wedopt_audit_insert'
    ) AS n (name)
    WHERE n.name IS NOT NULL
$$;

COMMENT ON FUNCTION @extschema@._audit_excluded_columns(regclass) IS
'wedopt (internal): the names the excluded columns of an audited table have now (by the '
'configuration''s names and by the attnums its audit trigger keeps)';

GRANT EXECUTE ON FUNCTION @extschema@._audit_excluded_columns(regclass) TO wedopt_admin;
