-- The booking surge in force, as a refusal names it; NULL when there is none. Evaluated once per
-- transaction, time and setting values (the guard rails ask several times per statement).
CREATE OR REPLACE FUNCTION @extschema@._surge_description(p_now timestamptz DEFAULT pg_catalog.now())
RETURNS text
LANGUAGE plpgsql
STABLE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_key text;
    v_cache text := pg_catalog.current_setting('wedopt.surge_cache', TRUE);
    v_desc text;
BEGIN
    IF coalesce(pg_catalog.cardinality(@extschema@.get_setting('act.surge_tables')::text []), 0) OPERATOR(pg_catalog.=) 0 THEN
        RETURN NULL;
    END IF;
    v_key := pg_catalog.md5(pg_catalog.concat_ws('|', pg_catalog.now(), p_now,
        (SELECT pg_catalog.string_agg(s.name OPERATOR(pg_catalog.||) '=' OPERATOR(pg_catalog.||) s.value, ',' ORDER BY s.name)
         FROM @extschema@.settings AS s WHERE s.name LIKE 'act.surge\_%')));
    IF v_cache LIKE v_key OPERATOR(pg_catalog.||) ':%' THEN
        RETURN nullif(pg_catalog.substr(v_cache, pg_catalog.length(v_key) OPERATOR(pg_catalog.+) 2), '');
    END IF;
    SELECT pg_catalog.format('a booking surge on %s: %s (wedopt.booking_surge())', b.table_name, b.reason) INTO v_desc
    FROM @extschema@.booking_surge(p_now) AS b
    WHERE b.surging
    ORDER BY b.ratio DESC NULLS FIRST
    LIMIT 1;
    PERFORM pg_catalog.set_config('wedopt.surge_cache', v_key OPERATOR(pg_catalog.||) ':' OPERATOR(pg_catalog.||) coalesce(v_desc, ''), TRUE);
    RETURN v_desc;
END
$$;

COMMENT ON FUNCTION @extschema@._surge_description(timestamptz) IS
'wedopt (internal): the booking surge in force at the given time (the first surging table of '
'booking_surge() and why), NULL when there is none; cached for the transaction';

GRANT EXECUTE ON FUNCTION @extschema@._surge_description(timestamptz) TO wedopt_admin;
