CREATE OR REPLACE FUNCTION @extschema@._health_double_booking()
RETURNS SETOF @extschema@.health_finding
LANGUAGE plpgsql
STABLE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    v_check @extschema@.integrity_check;
BEGIN
    -- Double booking: two live rows for the same resource on the same date.
    FOR v_check IN SELECT k.* FROM @extschema@.integrity_check AS k ORDER BY k.check_name LOOP
        IF to_regclass(v_check.table_name) IS NULL THEN
            RETURN QUERY SELECT
                'integrity_check_broken', 'WARN', 'INTEGRITY', v_check.check_name,
                format('integrity check %s names table %s, which does not exist', v_check.check_name,
                    v_check.table_name),
                format('SELECT wedopt.unregister_integrity_check(%L);', v_check.check_name),
                to_jsonb(v_check);
            CONTINUE;
        END IF;
        RETURN QUERY EXECUTE format(
            $q$
            SELECT
                'double_booking', 'ERROR', 'INTEGRITY', %1$L::text,
                format('%%s (resource, date) pairs of %%s are booked more than once (%%s rows): check %%s',
                    count(*), %2$L, sum(d.n), %1$L),
                NULL::text,
                jsonb_build_object('check', %1$L, 'table', %2$L, 'resource_column', %3$L,
                    'date_column', %4$L, 'pairs', count(*), 'rows', sum(d.n),
                    'worst_pair', (jsonb_agg(jsonb_build_object('resource', d.r, 'date', d.d, 'rows', d.n)
                        ORDER BY d.n DESC, d.d) -> 0))
            FROM (
                SELECT x.%3$I AS r, x.%4$I AS d, count(*) AS n
                FROM %2$s AS x
                WHERE x.%3$I IS NOT NULL AND x.%4$I IS NOT NULL AND %5$s
                GROUP BY 1, 2
                HAVING count(*) > 1
            ) AS d
            HAVING count(*) > 0
            $q$,
            v_check.check_name, v_check.table_name, v_check.resource_column, v_check.date_column,
            CASE WHEN v_check.status_column IS NULL THEN 'TRUE'
                ELSE format('(x.%1$I IS NULL OR x.%1$I::text <> ALL (%2$L::text[]))',
                    v_check.status_column, v_check.ignored_statuses)
            END
        );
    END LOOP;
END
$$;

COMMENT ON FUNCTION @extschema@._health_double_booking() IS
'wedopt: check_health() lint: double bookings found by the checks of wedopt.integrity_check';

GRANT EXECUTE ON FUNCTION @extschema@._health_double_booking() TO wedopt_monitor;
