-- Audit cannot be switched off by DDL: after every command that may touch a table's triggers,
-- the audit triggers of the tables it touched are checked. Someone who is not a wedopt_admin
-- (nor a superuser) who replaced, disabled or renamed one is refused; a partition created or
-- attached later gets the triggers; a renamed excluded column is followed.
CREATE OR REPLACE FUNCTION @extschema@._audit_ddl_end()
RETURNS event_trigger
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    -- Inside SECURITY DEFINER current_user is the owner: the role that ran the DDL is SET
    -- ROLE's, else the login role.
    v_issuer text := CASE
        WHEN pg_catalog.current_setting('role') OPERATOR(pg_catalog.=) 'none' THEN session_user::text
        ELSE pg_catalog.current_setting('role')
    END;
    v_rels oid[];
    v_targets regclass[];
    v_target regclass;
    v_bad record;
    v_now text[];
    v_new regclass[];
BEGIN
    IF NOT EXISTS (SELECT FROM @extschema@.audit_config AS c WHERE c.enabled) THEN
        RETURN;
    END IF;
    SELECT pg_catalog.array_agg(DISTINCT x.rel) INTO v_rels
    FROM (
        SELECT CASE
            WHEN d.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_class'::regclass THEN d.objid
            WHEN d.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_trigger'::regclass THEN (
                SELECT t.tgrelid FROM pg_catalog.pg_trigger AS t WHERE t.oid OPERATOR(pg_catalog.=) d.objid
            )
        END
        FROM pg_catalog.pg_event_trigger_ddl_commands() AS d
    ) AS x (rel)
    WHERE x.rel IS NOT NULL;
    IF v_rels IS NULL THEN
        RETURN;
    END IF;
    -- The audited tables whose trees the command touched (the topmost audited ancestor).
    SELECT pg_catalog.array_agg(DISTINCT m.target) INTO v_targets
    FROM pg_catalog.unnest(v_rels) AS r (rel)
    CROSS JOIN LATERAL (
        SELECT c.target
        FROM (
            SELECT r.rel::regclass, 0::bigint
            UNION ALL
            SELECT a.rel, a.ord FROM pg_catalog.pg_partition_ancestors(r.rel) WITH ORDINALITY AS a (rel, ord)
        ) AS a (rel, ord)
        JOIN @extschema@.audit_config AS c
            ON c.target OPERATOR(pg_catalog.=) a.rel AND c.enabled
        ORDER BY a.ord DESC
        LIMIT 1
    ) AS m;
    IF v_targets IS NULL THEN
        RETURN;
    END IF;

    IF NOT pg_catalog.pg_has_role(v_issuer, 'wedopt_admin', 'MEMBER') THEN
        SELECT s.* INTO v_bad
        FROM @extschema@._audit_trigger_state() AS s
        WHERE
            s.target OPERATOR(pg_catalog.=) ANY (v_targets) AND s.rel OPERATOR(pg_catalog.=) ANY (v_rels)
            AND s.problem IN ('replaced', 'disabled', 'renamed')
        LIMIT 1;
        IF FOUND THEN
            RAISE EXCEPTION 'wedopt: only a wedopt_admin may change the audit trigger % on %', v_bad.trigger_name, v_bad.rel
                USING ERRCODE = 'insufficient_privilege',
                      DETAIL = pg_catalog.format('The command left it %s; %s is audited.', v_bad.problem, v_bad.target),
                      HINT = 'An admin stops auditing with SELECT wedopt.disable_audit(''<table>'').';
        END IF;
    END IF;

    -- Below: repairs, which wedopt's own trigger creation needs not (nor must recurse into).
    IF pg_catalog.current_setting('wedopt.audit_creating_triggers', TRUE) OPERATOR(pg_catalog.=) 'on' THEN
        RETURN;
    END IF;
    FOREACH v_target IN ARRAY v_targets LOOP
        -- A renamed excluded column: the configuration follows it (the trigger knows it by
        -- attnum); a name that exists (a restore renumbered the columns) keeps its column.
        -- A key dropped: rows are logged under whole-row record ids until one is back.
        IF @extschema@._audit_key_columns(v_target) IS NULL THEN
            UPDATE @extschema@.audit_config AS c SET keyless_seen = TRUE
            WHERE c.target OPERATOR(pg_catalog.=) v_target AND NOT c.keyless_seen;
        END IF;
        v_now := @extschema@._audit_excluded_columns(v_target);
        UPDATE @extschema@.audit_config AS c SET columns_excluded = v_now
        WHERE
            c.target OPERATOR(pg_catalog.=) v_target
            AND NOT (c.columns_excluded OPERATOR(pg_catalog.@>) v_now AND v_now OPERATOR(pg_catalog.@>) c.columns_excluded);
        -- Triggers whose arguments no longer match (a rename, a restore that renumbered the
        -- columns): those there are, replaced; none created (pg_restore creates them next).
        PERFORM @extschema@._audit_create_triggers(v_target, NULL, TRUE);
        -- A partition created or attached by this transaction, with no audit trigger: it gets
        -- them (not during a restore, which creates them itself).
        SELECT pg_catalog.array_agg(t.relid) INTO v_new
        FROM pg_catalog.pg_partition_tree(v_target) AS t
        JOIN pg_catalog.pg_inherits AS i ON i.inhrelid OPERATOR(pg_catalog.=) t.relid
        WHERE
            i.xmin::text::bigint OPERATOR(pg_catalog.=) (
                pg_catalog.pg_current_xact_id()::text::bigint OPERATOR(pg_catalog.%) 4294967296
            )
            AND pg_catalog.current_setting('application_name') OPERATOR(pg_catalog.<>) 'pg_restore'
            AND NOT EXISTS (
                SELECT FROM pg_catalog.pg_trigger AS g
                WHERE g.tgrelid OPERATOR(pg_catalog.=) t.relid AND g.tgname::text LIKE 'wedopt\_audit\_%'
            );
        IF v_new IS NOT NULL THEN
            PERFORM @extschema@._audit_create_triggers(v_target, v_new);
        END IF;
    END LOOP;
END
$$;

COMMENT ON FUNCTION @extschema@._audit_ddl_end() IS
'wedopt (internal): event trigger (ddl_command_end): refuses a change of an audit trigger by '
'someone who is not a wedopt_admin, puts the audit triggers on partitions created or attached '
'later, and follows a renamed excluded column';
