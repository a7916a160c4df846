CREATE OR REPLACE FUNCTION @extschema@.unregister_matview(p_matview text)
RETURNS boolean
LANGUAGE plpgsql
VOLATILE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_oid regclass := to_regclass(p_matview);
    v_done integer;
BEGIN
    PERFORM @extschema@._require_primary('unregister_matview()');
    -- By name, so that a view dropped already can be unregistered too.
    DELETE FROM @extschema@.matview_policy AS p
    WHERE
        NOT p.builtin
        AND (
            (v_oid IS NOT NULL AND to_regclass(format('%I.%I', p.matview_schema, p.matview_name)) = v_oid)
            OR format('%I.%I', p.matview_schema, p.matview_name) = p_matview
        );
    GET DIAGNOSTICS v_done = ROW_COUNT;
    RETURN v_done > 0;
END
$$;

COMMENT ON FUNCTION @extschema@.unregister_matview(text) IS
'wedopt: stop refreshing a materialized view by policy (by name, also once it is dropped); '
'true when it was registered. wedopt''s own views stay. Idempotent';

GRANT EXECUTE ON FUNCTION @extschema@.unregister_matview(text) TO wedopt_admin;
