CREATE OR REPLACE FUNCTION @extschema@._health_sequence_near_exhaustion()
RETURNS SETOF @extschema@.health_finding
LANGUAGE plpgsql
STABLE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    v_seq_warn numeric := @extschema@.get_setting('observe.sequence_warn_pct')::numeric;
    v_seq_error numeric := @extschema@.get_setting('observe.sequence_error_pct')::numeric;
BEGIN
    -- A standalone sequence feeds no column: fed_table and fed_column are NULL, and format()'s
    -- %I refuses NULL, so every use of them is guarded.
    RETURN QUERY
    SELECT
        'sequence_near_exhaustion',
        CASE WHEN s.pct_used >= v_seq_error THEN 'ERROR' ELSE 'WARN' END,
        'INTEGRITY',
        CASE WHEN s.fed_column IS NULL THEN s.sequence_name ELSE format('%s.%I', s.fed_table, s.fed_column) END,
        format('sequence %s has used %s%% of %s (%s values left)%s', s.sequence_name, s.pct_used,
            CASE WHEN s.fed_column IS NOT NULL AND s.effective_max < s.sequence_max
                THEN format('the %s column %s.%I it feeds', s.column_type, s.fed_table, s.fed_column)
                ELSE 'its range'
            END,
            s.values_left,
            CASE WHEN s.fed_column IS NOT NULL AND s.effective_max < s.sequence_max
                THEN ' (the sequence itself goes further)' ELSE '' END),
        CASE
            WHEN s.fed_column IS NOT NULL AND s.column_max IS NOT NULL AND s.column_max < 9223372036854775807
                THEN format('ALTER TABLE %s ALTER COLUMN %I TYPE bigint;%s', s.fed_table, s.fed_column,
                    CASE WHEN s.sequence_type <> 'bigint'
                        THEN format(' ALTER SEQUENCE %s AS bigint;', s.sequence_name) ELSE '' END)
            WHEN s.sequence_type <> 'bigint' THEN format('ALTER SEQUENCE %s AS bigint;', s.sequence_name)
        END,
        to_jsonb(s)
    FROM @extschema@.get_sequence_exhaustion() AS s
    WHERE
        s.pct_used >= v_seq_warn
        AND split_part(s.sequence_name, '.', 1) <> '@extschema@';
END
$$;

COMMENT ON FUNCTION @extschema@._health_sequence_near_exhaustion() IS
'wedopt: check_health() lint: sequences (or the integer columns they feed) nearly used up';

GRANT EXECUTE ON FUNCTION @extschema@._health_sequence_near_exhaustion() TO wedopt_monitor;
