-- A procedure, not a function, so that it can COMMIT between polls: a concurrent index build waits
-- for every transaction holding an older snapshot, so a function waiting in one transaction would
-- deadlock with it (as dblink does, DESIGN.md). No SET clause either: a procedure with one cannot
-- COMMIT, so every name below is qualified.
CREATE OR REPLACE PROCEDURE @extschema@.wait_for_action(
    action_id bigint,
    timeout interval DEFAULT '60 seconds',
    INOUT status text DEFAULT NULL,
    INOUT error text DEFAULT NULL
)
LANGUAGE plpgsql
SECURITY INVOKER
AS $$
DECLARE
    v_deadline timestamptz := pg_catalog.clock_timestamp() OPERATOR(pg_catalog.+) timeout;
    v_xid xid8;
BEGIN
    SELECT a.enqueue_xid INTO v_xid FROM @extschema@.action_log AS a WHERE a.id OPERATOR(pg_catalog.=) action_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'wedopt: no action %', action_id
            USING ERRCODE = 'invalid_parameter_value', HINT = 'See wedopt.action_log for the ids.';
    END IF;
    IF v_xid OPERATOR(pg_catalog.=) pg_catalog.pg_current_xact_id_if_assigned() THEN
        RAISE EXCEPTION 'wedopt: action % was queued by this transaction, which must commit before it starts', action_id
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'COMMIT first, then CALL wedopt.wait_for_action() outside a transaction block.';
    END IF;
    LOOP
        SELECT a.status, a.error INTO status, error FROM @extschema@.action_log AS a
        WHERE a.id OPERATOR(pg_catalog.=) action_id;
        EXIT WHEN NOT status OPERATOR(pg_catalog.=) ANY ('{queued,running}'::text []) OR pg_catalog.clock_timestamp() OPERATOR(pg_catalog.>) v_deadline;
        COMMIT;
        PERFORM pg_catalog.pg_sleep(0.05);
    END LOOP;
END
$$;

COMMENT ON PROCEDURE @extschema@.wait_for_action (bigint, interval, text, text) IS
'wedopt: CALL wedopt.wait_for_action(id, timeout) waits (outside a transaction block) until a queued '
'action has finished or the timeout passed; returns its status and error. Commits between polls, so '
'it takes no SET search_path (a procedure with one cannot COMMIT) and qualifies every name';

GRANT EXECUTE ON PROCEDURE @extschema@.wait_for_action(bigint, interval, text, text) TO wedopt_admin;
