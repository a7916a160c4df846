CREATE OR REPLACE FUNCTION @extschema@.get_wraparound_risk(p_table_limit integer DEFAULT 10)
RETURNS TABLE (
    scope text,
    object_name text,
    xid_age bigint,
    mxid_age bigint,
    pct_of_freeze_max_age numeric,
    pct_of_wraparound numeric,
    xids_remaining bigint
)
LANGUAGE sql
STABLE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
    -- Wraparound stops the server at about 2^31 - 3 million transactions of age.
    WITH limits AS (
        SELECT
            current_setting('autovacuum_freeze_max_age')::numeric AS freeze_max,
            2147483647::numeric - 3000000 AS hard_limit
    ),

    objects AS (
        SELECT 'database' AS scope, d.datname::text AS object_name,
            age(d.datfrozenxid)::bigint AS xid_age, mxid_age(d.datminmxid)::bigint AS mxid_age
        FROM pg_database AS d
        WHERE d.datallowconn
        UNION ALL
        (
            SELECT 'table', format('%I.%I', n.nspname, c.relname),
                age(c.relfrozenxid)::bigint, mxid_age(c.relminmxid)::bigint
            FROM pg_class AS c
            JOIN pg_namespace AS n ON c.relnamespace = n.oid
            WHERE c.relkind IN ('r', 'm', 't') AND c.relfrozenxid <> '0'::xid
            ORDER BY 3 DESC
            LIMIT greatest(p_table_limit, 0)
        )
    )

    SELECT
        o.scope,
        o.object_name,
        o.xid_age,
        o.mxid_age,
        round(100 * o.xid_age / l.freeze_max, 2),
        round(100 * o.xid_age / l.hard_limit, 2),
        (l.hard_limit - o.xid_age)::bigint
    FROM objects AS o
    CROSS JOIN limits AS l
    ORDER BY o.scope, o.xid_age DESC;
$$;

COMMENT ON FUNCTION @extschema@.get_wraparound_risk(integer) IS
'wedopt: transaction-ID wraparound risk: the age of every database''s oldest unfrozen XID and '
'multixact, and of the p_table_limit oldest tables here, in percent of autovacuum_freeze_max_age '
'(anti-wraparound vacuum starts at 100) and of the hard limit (the server stops writing at 100)';

GRANT EXECUTE ON FUNCTION @extschema@.get_wraparound_risk(integer) TO wedopt_monitor;
