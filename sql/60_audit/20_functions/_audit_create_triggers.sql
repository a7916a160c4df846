-- The four audit triggers of one audited table and of every table in its partition tree, all
-- calling the one C function wedopt._audit_trigger() with the options as arguments. No code
-- is generated per table: TRUNCATE is handled by the same C function (it reads the table).
CREATE OR REPLACE FUNCTION @extschema@._audit_create_triggers(
    p_target regclass, p_only regclass[] DEFAULT NULL, p_existing_only boolean DEFAULT FALSE
)
RETURNS integer
LANGUAGE plpgsql
VOLATILE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_config @extschema@.audit_config;
    v_rel regclass;
    v_args text;
    v_event text;
    v_count integer := 0;
    v_max_bytes bigint;
    v_list text[];
    v_trigger record;
BEGIN
    PERFORM @extschema@._require_primary('_audit_create_triggers()');
    SELECT c.* INTO v_config FROM @extschema@.audit_config AS c
    WHERE c.target OPERATOR(pg_catalog.=) p_target AND c.enabled;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'wedopt: % is not audited', p_target
            USING ERRCODE = 'undefined_object',
                  HINT = 'SELECT wedopt.enable_audit(''<table>'') starts auditing it.';
    END IF;
    -- Tells the DDL event trigger (_audit_ddl_end) that these CREATE TRIGGERs are wedopt's own:
    -- it then repairs nothing (it still refuses what it refuses).
    PERFORM pg_catalog.set_config('wedopt.audit_creating_triggers', 'on', TRUE);
    v_max_bytes := @extschema@.get_setting('audit.max_value_size')::bigint OPERATOR(pg_catalog.*) 1024;

    -- A statement trigger fires only for the table a statement names: writes to a partition
    -- directly need the triggers there too (logged under the audited table).
    FOR v_rel IN
        SELECT p_target
        UNION ALL
        SELECT t.relid FROM pg_catalog.pg_partition_tree(p_target) AS t
        WHERE t.relid OPERATOR(pg_catalog.<>) p_target
    LOOP
        CONTINUE WHEN p_only IS NOT NULL AND NOT v_rel OPERATOR(pg_catalog.=) ANY (p_only);
        -- Arguments, each a literal: the application-user setting, log_statement, the value
        -- size limit in bytes, then "<attnum>:<name>" per excluded column of this table.
        v_list := ARRAY[
            @extschema@.get_setting('audit.app_user_setting'),
            CASE WHEN v_config.log_statement THEN 't' ELSE 'f' END,
            v_max_bytes::text
        ] OPERATOR(pg_catalog.||) ARRAY(
            SELECT a.attnum::text OPERATOR(pg_catalog.||) ':' OPERATOR(pg_catalog.||) a.attname::text
            FROM pg_catalog.pg_attribute AS a
            WHERE
                a.attrelid OPERATOR(pg_catalog.=) v_rel AND a.attnum > 0 AND NOT a.attisdropped
                AND a.attname::text OPERATOR(pg_catalog.=) ANY (v_config.columns_excluded)
            ORDER BY a.attnum
        );
        SELECT pg_catalog.string_agg(pg_catalog.quote_literal(a.arg), ', ' ORDER BY a.ord)
        INTO v_args
        FROM pg_catalog.unnest(v_list) WITH ORDINALITY AS a (arg, ord);
        FOREACH v_event IN ARRAY ARRAY['insert', 'update', 'delete', 'truncate'] LOOP
            SELECT
                t.tgfoid OPERATOR(pg_catalog.=) '@extschema@._audit_trigger()'::regprocedure
                AND t.tgenabled OPERATOR(pg_catalog.=) 'O' AS ours,
                (pg_catalog.regexp_split_to_array(pg_catalog.encode(t.tgargs, 'escape'), '\\000'))[
                    1:t.tgnargs
                ] OPERATOR(pg_catalog.=) v_list AS same_args
            INTO v_trigger
            FROM pg_catalog.pg_trigger AS t
            WHERE
                t.tgrelid OPERATOR(pg_catalog.=) v_rel
                AND t.tgname::text OPERATOR(pg_catalog.=) ('wedopt_audit_' OPERATOR(pg_catalog.||) v_event);
            -- As it should be already. p_existing_only (after DDL, during a restore): only
            -- the arguments of wedopt's triggers that are there and enabled are brought up to
            -- date; none is created, and what an admin changed on purpose is left as it is.
            CONTINUE WHEN FOUND AND v_trigger.ours AND v_trigger.same_args;
            CONTINUE WHEN p_existing_only AND NOT (FOUND AND v_trigger.ours);
            EXECUTE pg_catalog.format(
                'CREATE OR REPLACE TRIGGER %I %s %s ON %s %s FOR EACH STATEMENT '
                'EXECUTE FUNCTION @extschema@._audit_trigger(%s)',
                'wedopt_audit_' OPERATOR(pg_catalog.||) v_event,
                CASE WHEN v_event OPERATOR(pg_catalog.=) 'truncate' THEN 'BEFORE' ELSE 'AFTER' END,
                pg_catalog.upper(v_event),
                v_rel,
                CASE v_event
                    WHEN 'insert' THEN 'REFERENCING NEW TABLE AS wedopt_new'
                    WHEN 'update' THEN 'REFERENCING OLD TABLE AS wedopt_old NEW TABLE AS wedopt_new'
                    WHEN 'delete' THEN 'REFERENCING OLD TABLE AS wedopt_old'
                    ELSE ''
                END,
                v_args
            );
        END LOOP;
        v_count := v_count OPERATOR(pg_catalog.+) 1;
    END LOOP;
    PERFORM pg_catalog.set_config('wedopt.audit_creating_triggers', 'off', TRUE);
    RETURN v_count;
END
$$;

COMMENT ON FUNCTION @extschema@._audit_create_triggers(regclass, regclass[], boolean) IS
'wedopt (internal): (re)create the audit triggers of an audited table and of every table in its '
'partition tree (or of those in p_only; with p_existing_only only the triggers there are) '
'from wedopt.audit_config (the C function wedopt._audit_trigger(), options as literal '
'arguments); returns how many tables carry them';

GRANT EXECUTE ON FUNCTION @extschema@._audit_create_triggers(regclass, regclass[], boolean) TO wedopt_admin;
