-- Start a dispatcher worker for a queued action (src/dispatcher.c). It connects as the caller's
-- session user, takes the caller's current_user (SET ROLE), waits for this transaction to end and
-- runs the action's steps at top level. Naming other roles is for superusers (the pg_cron job).
CREATE OR REPLACE FUNCTION @extschema@._dispatch_start(
    p_action_id bigint,
    p_login_role oid DEFAULT NULL,
    p_run_role oid DEFAULT NULL
)
RETURNS boolean
LANGUAGE c
VOLATILE
AS 'MODULE_PATHNAME', 'wedopt_dispatch_start';

COMMENT ON FUNCTION @extschema@._dispatch_start(bigint, oid, oid) IS
'wedopt (internal): register a background worker that runs a queued action at top level as the '
'role that queued it, once the enqueuing transaction has committed; false when no worker slot is free';

GRANT EXECUTE ON FUNCTION @extschema@._dispatch_start(bigint, oid, oid) TO wedopt_admin;
