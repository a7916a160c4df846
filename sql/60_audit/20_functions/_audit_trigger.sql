-- The audit trigger itself is C (src/audit_trigger.c): it reads the transition tables and
-- writes wedopt.audit_log rows straight into the current partition. It parses no SQL, so
-- search_path plays no part in it, and it needs no SECURITY DEFINER: it writes below the
-- privilege checks. EXECUTE stays with wedopt_admin, whom CREATE TRIGGER needs it for.
CREATE OR REPLACE FUNCTION @extschema@._audit_trigger()
RETURNS trigger
LANGUAGE c
VOLATILE
AS 'MODULE_PATHNAME', 'wedopt_audit_trigger';

COMMENT ON FUNCTION @extschema@._audit_trigger() IS
'wedopt (internal): the statement-level audit trigger of INSERT, UPDATE and DELETE (C, no SQL '
'of its own); arguments: the application-user setting, log_statement (t/f), excluded columns; '
'created on audited tables by wedopt.enable_audit()';

GRANT EXECUTE ON FUNCTION @extschema@._audit_trigger() TO wedopt_admin;
