CREATE OR REPLACE FUNCTION @extschema@._health_invalid_constraint()
RETURNS SETOF @extschema@.health_finding
LANGUAGE plpgsql
STABLE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
BEGIN
    RETURN QUERY
    SELECT
        'invalid_constraint', 'WARN', 'INTEGRITY',
        format('%s.%I', k.conrelid::regclass, k.conname),
        format('constraint %I on %s is NOT VALID: existing rows were never checked', k.conname,
            k.conrelid::regclass),
        format('ALTER TABLE %s VALIDATE CONSTRAINT %I;', k.conrelid::regclass, k.conname),
        jsonb_build_object('table', k.conrelid::regclass::text, 'definition', pg_get_constraintdef(k.oid))
    FROM pg_constraint AS k
    JOIN pg_class AS t ON k.conrelid = t.oid
    JOIN @extschema@._user_schemas() AS n ON t.relnamespace = n.oid
    WHERE NOT k.convalidated AND k.conparentid = 0;
END
$$;

COMMENT ON FUNCTION @extschema@._health_invalid_constraint() IS
'wedopt: check_health() lint: constraints added NOT VALID and never validated';

GRANT EXECUTE ON FUNCTION @extschema@._health_invalid_constraint() TO wedopt_monitor;
