-- The action row, locked FOR UPDATE, when the session's role may change it (the role that queued
-- it, or a member of it); NULL when the action is unknown. Called by the SECURITY DEFINER writers
-- of action_log (_action_update, _action_annotate), whose owner may lock the row; granted to nobody.
CREATE OR REPLACE FUNCTION @extschema@._action_lock_own(p_action_id bigint, p_hint text)
RETURNS @extschema@.action_log
LANGUAGE plpgsql
VOLATILE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_row @extschema@.action_log;
BEGIN
    SELECT a.* INTO v_row FROM @extschema@.action_log AS a
    WHERE a.id OPERATOR(pg_catalog.=) p_action_id FOR UPDATE;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    IF NOT pg_catalog.pg_has_role(session_user, v_row.queued_by::regrole, 'MEMBER') THEN
        RAISE EXCEPTION 'wedopt: action % belongs to %', p_action_id, v_row.queued_by
            USING ERRCODE = 'insufficient_privilege', HINT = p_hint;
    END IF;
    RETURN v_row;
END
$$;

COMMENT ON FUNCTION @extschema@._action_lock_own(bigint, text) IS
'wedopt (internal): the action_log row, locked, if the session''s role queued it (or is a member of '
'that role), else 42501 with the given HINT; NULL for an unknown action';
