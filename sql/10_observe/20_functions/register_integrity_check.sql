CREATE OR REPLACE FUNCTION @extschema@.register_integrity_check(
    p_table regclass,
    p_resource_column text,
    p_date_column text,
    p_status_column text DEFAULT NULL,
    p_ignored_statuses text[] DEFAULT NULL,
    p_check_name text DEFAULT NULL
)
RETURNS text
LANGUAGE plpgsql
VOLATILE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_name text;
    v_column text;
BEGIN
    PERFORM @extschema@._require_primary('register_integrity_check()');
    IF p_table IS NULL OR p_resource_column IS NULL OR p_date_column IS NULL THEN
        RAISE EXCEPTION 'wedopt: table, resource column and date column are required'
            USING ERRCODE = 'null_value_not_allowed',
                  HINT = 'SELECT wedopt.register_integrity_check(''public.booking'', ''venue_id'', '
                      '''event_date'', ''status'', ''{Cancelled}'');';
    END IF;
    IF (p_status_column IS NULL) <> (p_ignored_statuses IS NULL) THEN
        RAISE EXCEPTION 'wedopt: give both a status column and the statuses to ignore, or neither'
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'For example p_status_column => ''status'', p_ignored_statuses => ''{Cancelled}''.';
    END IF;
    FOREACH v_column IN ARRAY array_remove(ARRAY[p_resource_column, p_date_column, p_status_column], NULL) LOOP
        IF NOT EXISTS (
            SELECT FROM pg_attribute AS a
            WHERE a.attrelid = p_table AND a.attname = v_column AND a.attnum > 0 AND NOT a.attisdropped
        ) THEN
            RAISE EXCEPTION 'wedopt: table % has no column "%"', p_table, v_column
                USING ERRCODE = 'undefined_column',
                      HINT = 'Name the columns exactly as in \d of the table (case-sensitive).';
        END IF;
    END LOOP;
    v_name := coalesce(
        p_check_name,
        left(regexp_replace(lower(format('%s_%s_%s', p_table::text, p_resource_column, p_date_column)),
            '[^a-z0-9_]+', '_', 'g'), 60)
    );
    IF v_name !~ '^[a-z][a-z0-9_]*$' THEN
        RAISE EXCEPTION 'wedopt: "%" is not a valid check name', v_name
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Use lower-case letters, digits and underscores, starting with a letter.';
    END IF;
    -- Keep the name schema-qualified, so that a restore into another search_path still finds it.
    INSERT INTO @extschema@.integrity_check AS k (
        check_name, table_name, resource_column, date_column, status_column, ignored_statuses
    )
    SELECT v_name, format('%I.%I', n.nspname, c.relname), p_resource_column, p_date_column,
        p_status_column, p_ignored_statuses
    FROM pg_class AS c
    JOIN pg_namespace AS n ON c.relnamespace = n.oid
    WHERE c.oid = p_table
    ON CONFLICT (check_name) DO UPDATE SET
        table_name = excluded.table_name,
        resource_column = excluded.resource_column,
        date_column = excluded.date_column,
        status_column = excluded.status_column,
        ignored_statuses = excluded.ignored_statuses;
    RETURN v_name;
END
$$;

COMMENT ON FUNCTION @extschema@.register_integrity_check(regclass, text, text, text, text[], text) IS
'wedopt: register a double-booking check run by check_health(): no two rows of the table may '
'share (resource column, date column), rows whose status is one of the ignored statuses aside '
'(e.g. Cancelled); returns the check''s name; registering the same name again replaces it';

GRANT EXECUTE ON FUNCTION @extschema@.register_integrity_check(regclass, text, text, text, text[], text)
TO wedopt_admin;
