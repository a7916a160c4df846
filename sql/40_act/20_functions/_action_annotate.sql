-- The one way to touch a finished action: auto_tune() writes its measured figures into the create
-- action it judged, and auto_tune() / rollback_action() mark it rolled_back once the action that
-- undoes it (p_undone_by, whose parent it is) has succeeded. Only for the role that queued it.
CREATE OR REPLACE FUNCTION @extschema@._action_annotate(
    p_action_id bigint,
    p_detail jsonb,
    p_undone_by bigint DEFAULT NULL
)
RETURNS boolean
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_row @extschema@.action_log;
BEGIN
    v_row := @extschema@._action_lock_own(p_action_id, 'Only the role that queued an action (or a member of it) annotates or rolls it back.');
    IF v_row.id IS NULL THEN
        RETURN FALSE;
    END IF;
    IF v_row.status OPERATOR(pg_catalog.<>) 'succeeded' THEN
        RETURN FALSE;
    END IF;
    IF p_undone_by IS NOT NULL AND NOT EXISTS (
        SELECT FROM @extschema@.action_log AS u
        WHERE u.id OPERATOR(pg_catalog.=) p_undone_by AND u.parent_id OPERATOR(pg_catalog.=) p_action_id
            AND u.status OPERATOR(pg_catalog.=) 'succeeded'
    ) THEN
        RAISE EXCEPTION 'wedopt: action % is not a succeeded undo of action %', p_undone_by, p_action_id
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'An action becomes rolled_back only when the action undoing it (parent_id) succeeded.';
    END IF;
    UPDATE @extschema@.action_log AS a SET
        status = CASE WHEN p_undone_by IS NULL THEN a.status ELSE 'rolled_back' END,
        detail = a.detail || coalesce(p_detail, '{}')
            || CASE WHEN p_undone_by IS NULL THEN '{}'::jsonb
                ELSE pg_catalog.jsonb_build_object('rolled_back_by', p_undone_by,
                    'rolled_back_at', pg_catalog.clock_timestamp()) END
    WHERE a.id OPERATOR(pg_catalog.=) p_action_id;
    RETURN TRUE;
END
$$;

COMMENT ON FUNCTION @extschema@._action_annotate(bigint, jsonb, bigint) IS
'wedopt (internal): add notes (measured figures) to a succeeded action, and with p_undone_by (a '
'succeeded action whose parent_id is this one) mark it rolled_back; only for the role that queued '
'it; false when the action is unknown or not succeeded';

GRANT EXECUTE ON FUNCTION @extschema@._action_annotate(bigint, jsonb, bigint) TO wedopt_admin;
