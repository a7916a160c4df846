CREATE OR REPLACE FUNCTION @extschema@._audit_trigger_state()
RETURNS TABLE (target regclass, rel regclass, trigger_name text, problem text)
LANGUAGE sql
STABLE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
    -- What is wrong with the audit triggers of the audited tables and their partitions:
    -- 'missing' (none of that name), 'replaced' (that name, another function), 'disabled' (it
    -- does not fire: DISABLE TRIGGER, or ENABLE REPLICA), 'renamed' (the audit function under
    -- another name). No row: every table of every audited tree is audited as enable_audit() made it.
    WITH
    member AS (
        SELECT c.target, c.target::regclass AS rel
        FROM @extschema@.audit_config AS c
        WHERE c.enabled AND EXISTS (SELECT FROM pg_catalog.pg_class AS r WHERE r.oid OPERATOR(pg_catalog.=) c.target)
        UNION
        SELECT c.target, t.relid
        FROM @extschema@.audit_config AS c
        CROSS JOIN LATERAL pg_catalog.pg_partition_tree(c.target) AS t
        WHERE c.enabled
    ),
    expected AS (
        SELECT m.target, m.rel, 'wedopt_audit_' OPERATOR(pg_catalog.||) e.event AS trigger_name
        FROM member AS m
        CROSS JOIN pg_catalog.unnest(ARRAY['insert', 'update', 'delete', 'truncate']) AS e (event)
    )
    SELECT
        x.target, x.rel, x.trigger_name,
        CASE
            WHEN t.oid IS NULL THEN 'missing'
            WHEN t.tgfoid OPERATOR(pg_catalog.<>) '@extschema@._audit_trigger()'::regprocedure THEN 'replaced'
            WHEN t.tgenabled NOT IN ('O', 'A') THEN 'disabled'
        END
    FROM expected AS x
    LEFT JOIN pg_catalog.pg_trigger AS t
        ON t.tgrelid OPERATOR(pg_catalog.=) x.rel AND t.tgname::text OPERATOR(pg_catalog.=) x.trigger_name
    WHERE
        t.oid IS NULL
        OR t.tgfoid OPERATOR(pg_catalog.<>) '@extschema@._audit_trigger()'::regprocedure
        OR t.tgenabled NOT IN ('O', 'A')
    UNION ALL
    SELECT m.target, m.rel, t.tgname::text, 'renamed'
    FROM member AS m
    JOIN pg_catalog.pg_trigger AS t ON t.tgrelid OPERATOR(pg_catalog.=) m.rel
    WHERE
        t.tgfoid OPERATOR(pg_catalog.=) '@extschema@._audit_trigger()'::regprocedure
        AND t.tgname::text NOT IN ('wedopt_audit_insert', 'wedopt_audit_update', 'wedopt_audit_delete', 'wedopt_audit_truncate')
$$;

COMMENT ON FUNCTION @extschema@._audit_trigger_state() IS
'wedopt (internal): the audit triggers that are missing, replaced, disabled or renamed on the '
'audited tables and their partitions (no row: all as enable_audit() made them)';

GRANT EXECUTE ON FUNCTION @extschema@._audit_trigger_state() TO wedopt_monitor;
