CREATE OR REPLACE FUNCTION @extschema@.check_health()
RETURNS TABLE (
    name text,
    level text,
    category text,
    object text,
    detail text,
    remediation text,
    metadata jsonb
)
LANGUAGE plpgsql
VOLATILE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    v_lint record;
    v_state text;
    v_message text;
    v_context text;
BEGIN
    -- Every lint is a function of the extension named _health_*() returning SETOF
    -- health_finding, taken from the catalog (so a new lint needs no registration), in name
    -- order. Each runs in its own subtransaction: one that fails becomes a lint_failed
    -- finding and the others still run.
    FOR v_lint IN
        SELECT n.nspname, p.proname, p.oid::regprocedure::text AS signature
        FROM pg_depend AS d
        JOIN pg_extension AS e ON d.refobjid = e.oid
        JOIN pg_proc AS p ON d.objid = p.oid
        JOIN pg_namespace AS n ON p.pronamespace = n.oid
        WHERE
            d.classid = 'pg_proc'::regclass AND d.refclassid = 'pg_extension'::regclass
            AND d.deptype = 'e' AND e.extname = 'wedopt'
            AND p.proname LIKE '\_health\_%' AND p.pronargs = 0 AND p.proretset
            AND p.prorettype = '@extschema@.health_finding'::regtype
        ORDER BY p.proname
    LOOP
        BEGIN
            RETURN QUERY EXECUTE format(
                'SELECT l.name, l.level, l.category, l.object, l.detail, l.remediation, l.metadata '
                'FROM %I.%I() AS l',
                v_lint.nspname, v_lint.proname
            );
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS
                v_state = RETURNED_SQLSTATE, v_message = MESSAGE_TEXT, v_context = PG_EXCEPTION_CONTEXT;
            RETURN QUERY SELECT
                'lint_failed', 'ERROR', 'MAINTENANCE', v_lint.signature,
                format('health lint %s failed (SQLSTATE %s): %s; the other lints ran', v_lint.signature,
                    v_state, v_message),
                NULL::text,
                jsonb_build_object('lint', v_lint.proname, 'sqlstate', v_state, 'message', v_message,
                    'context', v_context);
        END;
    END LOOP;
END
$$;

COMMENT ON FUNCTION @extschema@.check_health() IS
'wedopt: database-wide health lints, one row per finding: name, level (ERROR/WARN/INFO), category '
'(PERFORMANCE/MAINTENANCE/SECURITY/INTEGRITY), object, detail, remediation (SQL to run, when '
'there is one), metadata. Runs every lint function wedopt._health_*() of the extension, in name '
'order, each on its own: a lint that fails gives a finding lint_failed (ERROR, with its SQLSTATE '
'and message) and the others still run. Covers unindexed foreign keys, unused/duplicate/redundant/invalid '
'indexes, invalid constraints, tables without primary key, table and index bloat, dead tuples, '
'wraparound, sequences near exhaustion, missing indexes, cache hit ratio, disabled triggers, '
'SECURITY DEFINER without search_path, PUBLIC CREATE on schemas, RLS off on personal data, '
'double bookings (wedopt.integrity_check), long transactions and queries, lock waits, '
'inactive replication slots. Thresholds: wedopt.settings, area observe. Read-only: runs on a '
'hot standby';

GRANT EXECUTE ON FUNCTION @extschema@.check_health() TO wedopt_monitor;
