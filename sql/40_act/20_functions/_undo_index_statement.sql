-- The DROP that undoes a CREATE INDEX action: the index is found by the oid auto_tune() noted
-- (detail.index_oid) or by the action's target, and re-checked: still an index of the table the
-- action built it on. NULL when it is gone already.
CREATE OR REPLACE FUNCTION @extschema@._undo_index_statement(p_action_id bigint)
RETURNS text
LANGUAGE plpgsql
STABLE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_action @extschema@.action_log;
    v_oid oid;
    v_index record;
BEGIN
    SELECT a.* INTO v_action FROM @extschema@.action_log AS a WHERE a.id = p_action_id;
    v_oid := coalesce((v_action.detail->>'index_oid')::oid, pg_catalog.to_regclass(v_action.target)::oid);
    SELECT c.relkind, n.nspname, c.relname, i.indrelid INTO v_index
    FROM pg_catalog.pg_class AS c
    JOIN pg_catalog.pg_index AS i ON i.indexrelid = c.oid
    JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace
    WHERE c.oid = v_oid;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    IF v_index.indrelid IS DISTINCT FROM v_action.table_oid THEN
        RAISE EXCEPTION 'wedopt: %.% is not an index of the table action % built it on', v_index.nspname, v_index.relname, p_action_id
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'The index was replaced since; drop it yourself with execute_admin_sql() if it must go.';
    END IF;
    -- PostgreSQL refuses DROP INDEX CONCURRENTLY of a partitioned index: a plain DROP there.
    RETURN pg_catalog.format('DROP INDEX %sIF EXISTS %I.%I',
        CASE WHEN v_index.relkind = 'I' THEN '' ELSE 'CONCURRENTLY ' END, v_index.nspname, v_index.relname);
END
$$;

COMMENT ON FUNCTION @extschema@._undo_index_statement(bigint) IS
'wedopt (internal): the DROP INDEX [CONCURRENTLY] IF EXISTS that undoes a CREATE INDEX action, the '
'index found by oid and re-checked (still on the action''s table); NULL when it is gone';

GRANT EXECUTE ON FUNCTION @extschema@._undo_index_statement(bigint) TO wedopt_admin;
