CREATE OR REPLACE FUNCTION @extschema@._propagate_partition(
    p_parent regclass, p_child regclass, p_owner name, p_replident text
)
RETURNS void
LANGUAGE plpgsql
VOLATILE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_grant record;
    v_index regclass;
BEGIN
    -- What ATTACH does not carry over (indexes, constraints, row triggers it does): the owner,
    -- the privileges and the replica identity of the parent.
    IF p_owner <> current_user THEN
        EXECUTE pg_catalog.format('ALTER TABLE %s OWNER TO %I', p_child, p_owner);
    END IF;
    FOR v_grant IN
        SELECT a.privilege_type, a.grantee, a.is_grantable
        FROM pg_catalog.pg_class AS c
        CROSS JOIN LATERAL pg_catalog.aclexplode(c.relacl) AS a
        WHERE c.oid = p_parent AND a.grantee <> c.relowner
    LOOP
        -- privilege_type is one of the server's keywords (SELECT, INSERT, ...), never caller text.
        EXECUTE pg_catalog.format(
            'GRANT %s ON %s TO %s%s', v_grant.privilege_type, p_child,
            CASE WHEN v_grant.grantee = 0 THEN 'PUBLIC'
                ELSE pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(v_grant.grantee)) END,
            CASE WHEN v_grant.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END
        );
    END LOOP;
    IF p_replident = 'f' THEN
        EXECUTE pg_catalog.format('ALTER TABLE %s REPLICA IDENTITY FULL', p_child);
    ELSIF p_replident = 'n' THEN
        EXECUTE pg_catalog.format('ALTER TABLE %s REPLICA IDENTITY NOTHING', p_child);
    ELSIF p_replident = 'i' THEN
        -- The child's index attached to the parent's replica-identity index.
        SELECT i.inhrelid::regclass INTO v_index
        FROM pg_catalog.pg_index AS px
        JOIN pg_catalog.pg_inherits AS i ON i.inhparent = px.indexrelid
        JOIN pg_catalog.pg_index AS cx ON cx.indexrelid = i.inhrelid
        WHERE px.indrelid = p_parent AND px.indisreplident AND cx.indrelid = p_child;
        IF v_index IS NOT NULL THEN
            EXECUTE pg_catalog.format(
                'ALTER TABLE %s REPLICA IDENTITY USING INDEX %I', p_child,
                (SELECT c.relname FROM pg_catalog.pg_class AS c WHERE c.oid = v_index)
            );
        END IF;
    END IF;
END
$$;

COMMENT ON FUNCTION @extschema@._propagate_partition(regclass, regclass, name, text) IS
'wedopt (internal): give a new partition its parent''s owner, privileges and replica identity '
'(ATTACH brings the indexes, constraints and row triggers itself)';

GRANT EXECUTE ON FUNCTION @extschema@._propagate_partition(regclass, regclass, name, text) TO wedopt_admin;
