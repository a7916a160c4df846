-- A row of wedopt.action_log that must outlive the caller's error (a refusal, a failed statement):
-- written by a short-lived background worker in its own transaction (src/dispatcher.c).
CREATE OR REPLACE FUNCTION @extschema@._action_log_autonomous(p_row text)
RETURNS boolean
LANGUAGE c
VOLATILE
STRICT
AS 'MODULE_PATHNAME', 'wedopt_action_log_autonomous';

COMMENT ON FUNCTION @extschema@._action_log_autonomous(text) IS
'wedopt (internal): insert an action_log row (jsonb text) from a background worker, in its own '
'transaction, so that it survives the caller''s rollback; waits for it at most 5 s';
