-- A plain sequence: its value is kept by pg_dump through config_dump, like audit_log's.
CREATE SEQUENCE @extschema@.action_log_id_seq AS bigint;

SELECT pg_catalog.pg_extension_config_dump('@extschema@.action_log_id_seq', '');

CREATE TABLE @extschema@.action_log (
    id bigint PRIMARY KEY DEFAULT pg_catalog.nextval('@extschema@.action_log_id_seq'::regclass),
    created_at timestamptz NOT NULL DEFAULT pg_catalog.clock_timestamp(),
    queued_by text NOT NULL,
    session_user_name text NOT NULL,
    source text NOT NULL DEFAULT 'execute_admin_sql',
    parent_id bigint REFERENCES @extschema@.action_log (id),
    statement text NOT NULL,
    reason text,
    command_tag text,
    target text,
    target_oid oid,
    table_oid oid,
    mode text NOT NULL CHECK (mode IN ('immediate', 'dispatched', 'refused')),
    steps text[] NOT NULL DEFAULT '{}',
    step_no integer NOT NULL DEFAULT 1,
    attempts integer NOT NULL DEFAULT 0,
    cleanup text,
    search_path text,
    enqueue_xid xid8,
    forced boolean NOT NULL DEFAULT FALSE,
    status text NOT NULL CHECK (
        status IN ('queued', 'running', 'succeeded', 'failed', 'refused', 'rolled_back')
    ),
    dispatched_at timestamptz,
    worker_pid integer,
    started_at timestamptz,
    finished_at timestamptz,
    duration interval GENERATED ALWAYS AS (finished_at - started_at) STORED,
    sqlstate text,
    error text,
    hint text,
    before jsonb,
    after jsonb,
    detail jsonb NOT NULL DEFAULT '{}'
);

ALTER SEQUENCE @extschema@.action_log_id_seq OWNED BY @extschema@.action_log.id;

CREATE INDEX action_log_pending_idx ON @extschema@.action_log (id)
WHERE status IN ('queued', 'running');

-- pg_dump keeps every row: the log is the history of what wedopt did to the database.
SELECT pg_catalog.pg_extension_config_dump('@extschema@.action_log', '');

COMMENT ON TABLE @extschema@.action_log IS
'wedopt: every admin action (execute_admin_sql(), later auto_tune()): who, when, the statement, the '
'reason, its status, duration, error and the figures before and after; written only by wedopt''s '
'functions (see doc/act.md)';
COMMENT ON COLUMN @extschema@.action_log.queued_by IS
'the role in force (current_user) that asked for the action; a dispatched action runs as this role';
COMMENT ON COLUMN @extschema@.action_log.source IS
'what asked for it: execute_admin_sql, or auto_tune / rollback_action (later)';
COMMENT ON COLUMN @extschema@.action_log.parent_id IS
'the action this one undoes or follows (rollback_action(), auto_tune() verification)';
COMMENT ON COLUMN @extschema@.action_log.mode IS
'immediate: ran in the caller''s transaction; dispatched: run at top level by the dispatcher; '
'refused: never run';
COMMENT ON COLUMN @extschema@.action_log.table_oid IS
'the table the action is about (the table of an index): one dispatched action per table runs at a time';
COMMENT ON COLUMN @extschema@.action_log.steps IS
'the statements wedopt runs, rebuilt from validated parts (several for an index on a partitioned table)';
COMMENT ON COLUMN @extschema@.action_log.step_no IS 'the next step to run (1-based)';
COMMENT ON COLUMN @extschema@.action_log.cleanup IS
'a statement to run before the action is marked failed (the DROP of an INVALID index)';
COMMENT ON COLUMN @extschema@.action_log.search_path IS
'the caller''s search_path, under which the dispatcher runs the steps';
COMMENT ON COLUMN @extschema@.action_log.enqueue_xid IS 'the transaction that queued the action';
COMMENT ON COLUMN @extschema@.action_log.forced IS 'an admin overrode the event-day freeze or window';
COMMENT ON COLUMN @extschema@.action_log.before IS
'figures of the target table when the action was asked for (sizes, index count, dead tuples)';
COMMENT ON COLUMN @extschema@.action_log.after IS 'the same figures when the action ended';
COMMENT ON COLUMN @extschema@.action_log.detail IS
'notes: retries, INVALID index dropped or rebuilt, per-partition builds, checks made at execution';

-- Read by admins; written by nobody but wedopt's SECURITY DEFINER functions (no INSERT/UPDATE grant).
GRANT SELECT ON @extschema@.action_log TO wedopt_admin;
