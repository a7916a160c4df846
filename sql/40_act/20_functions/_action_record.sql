-- The only ways into wedopt.action_log for an admin (nobody holds INSERT or UPDATE on it). A caller
-- records rows in its own name only: queued_by must be a role its session user is a member of.
CREATE OR REPLACE FUNCTION @extschema@._action_record(p_row jsonb, p_autonomous boolean DEFAULT FALSE)
RETURNS bigint
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_id bigint := pg_catalog.nextval('@extschema@.action_log_id_seq'::regclass);
    v_row jsonb;
BEGIN
    IF p_row->>'queued_by' IS NULL
       OR NOT pg_catalog.pg_has_role(session_user, (p_row->>'queued_by')::regrole, 'MEMBER') THEN
        RAISE EXCEPTION 'wedopt: an action is recorded in the name of the caller only'
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'queued_by must be a role the session user is a member of.';
    END IF;
    v_row := p_row || pg_catalog.jsonb_build_object('id', v_id, 'session_user_name', session_user);
    IF p_autonomous THEN
        -- Survives the caller's rollback: a refusal or a failure is logged although it raises.
        IF NOT @extschema@._action_log_autonomous(v_row::text) THEN
            RAISE WARNING 'wedopt: action % could not be logged (no background worker free): %', v_id, v_row;
        END IF;
        RETURN v_id;
    END IF;
    RETURN @extschema@._action_log_insert(v_row);
END
$$;

COMMENT ON FUNCTION @extschema@._action_record(jsonb, boolean) IS
'wedopt (internal): record an action in wedopt.action_log in the caller''s name (in the caller''s '
'transaction, or autonomously for a refusal or a failure); returns its id';

GRANT EXECUTE ON FUNCTION @extschema@._action_record(jsonb, boolean) TO wedopt_admin;
