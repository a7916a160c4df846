-- Roles are cluster-wide: create them only where missing, so a second database (or a
-- reinstall) reuses them. DROP EXTENSION leaves them in place on purpose.
DO $roles$
BEGIN
    IF NOT EXISTS (
        SELECT FROM pg_catalog.pg_roles WHERE rolname OPERATOR(pg_catalog.=) 'wedopt_monitor'
    ) THEN
        CREATE ROLE wedopt_monitor NOLOGIN;
        COMMENT ON ROLE wedopt_monitor IS
        'wedopt: may call the read-only functions (statistics, health, EXPLAIN without ANALYZE)';
    END IF;
    IF NOT EXISTS (
        SELECT FROM pg_catalog.pg_roles WHERE rolname OPERATOR(pg_catalog.=) 'wedopt_admin'
    ) THEN
        CREATE ROLE wedopt_admin NOLOGIN;
        COMMENT ON ROLE wedopt_admin IS
        'wedopt: may change settings and run the functions that act (EXPLAIN ANALYZE, admin SQL, tuning)';
    END IF;
END
$roles$;

GRANT wedopt_monitor TO wedopt_admin;
-- The statistics views (pg_stat_activity of other users, pg_stat_statements) need it.
GRANT pg_monitor TO wedopt_monitor;
GRANT USAGE ON SCHEMA @extschema@ TO wedopt_monitor;
