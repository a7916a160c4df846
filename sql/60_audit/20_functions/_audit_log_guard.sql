-- Audit rows are never changed: not by admins, not by the table owner. Old rows go only
-- by retention, which drops whole partitions (wedopt.maintain_audit_log()).
CREATE OR REPLACE FUNCTION @extschema@._audit_log_guard()
RETURNS trigger
LANGUAGE plpgsql
VOLATILE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RAISE EXCEPTION 'wedopt: audit rows cannot be changed (% on %)', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'Old audit rows are removed by retention only: setting audit.retention, '
                     'SELECT * FROM wedopt.maintain_audit_log().';
END
$$;

COMMENT ON FUNCTION @extschema@._audit_log_guard() IS
'wedopt (internal): refuses UPDATE, DELETE and TRUNCATE of wedopt.audit_log and wedopt.audit_statement, whoever asks';

-- Row triggers on the partitioned parent are cloned to every partition, present and future.
CREATE OR REPLACE TRIGGER audit_log_guard
BEFORE UPDATE OR DELETE ON @extschema@.audit_log
FOR EACH ROW EXECUTE FUNCTION @extschema@._audit_log_guard();

-- TRUNCATE triggers are statement triggers, never cloned: maintain_audit_log() adds this
-- one to each new partition.
CREATE OR REPLACE TRIGGER audit_log_guard_truncate
BEFORE TRUNCATE ON @extschema@.audit_log
FOR EACH STATEMENT EXECUTE FUNCTION @extschema@._audit_log_guard();

-- The statement rows are audit rows too.
CREATE OR REPLACE TRIGGER audit_statement_guard
BEFORE UPDATE OR DELETE ON @extschema@.audit_statement
FOR EACH ROW EXECUTE FUNCTION @extschema@._audit_log_guard();

CREATE OR REPLACE TRIGGER audit_log_guard_truncate
BEFORE TRUNCATE ON @extschema@.audit_statement
FOR EACH STATEMENT EXECUTE FUNCTION @extschema@._audit_log_guard();
