CREATE OR REPLACE FUNCTION @extschema@.drop_partition_set(p_parent regclass)
RETURNS boolean
LANGUAGE plpgsql
VOLATILE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM @extschema@._require_primary('drop_partition_set()');
    -- The table and its partitions stay as they are; maintenance just stops looking after them.
    DELETE FROM @extschema@.partition_set AS s WHERE s.parent = p_parent;
    RETURN FOUND;
END
$$;

COMMENT ON FUNCTION @extschema@.drop_partition_set(regclass) IS
'wedopt: stop maintaining a partition set (its partitions are left untouched); true when it was one, '
'false when it was not (idempotent)';

GRANT EXECUTE ON FUNCTION @extschema@.drop_partition_set(regclass) TO wedopt_admin;
