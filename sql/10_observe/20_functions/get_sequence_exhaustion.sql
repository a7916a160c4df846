CREATE OR REPLACE FUNCTION @extschema@.get_sequence_exhaustion()
RETURNS TABLE (
    sequence_name text,
    sequence_type text,
    last_value bigint,
    sequence_max bigint,
    fed_table text,
    fed_column text,
    column_type text,
    column_max bigint,
    effective_max bigint,
    pct_used numeric,
    values_left numeric
)
LANGUAGE sql
STABLE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
    WITH seq AS (
        SELECT
            c.oid,
            format('%I.%I', s.schemaname, s.sequencename) AS sequence_name,
            s.data_type::text AS sequence_type,
            s.last_value,
            s.min_value,
            s.max_value,
            s.increment_by
        FROM pg_sequences AS s
        JOIN pg_namespace AS n ON s.schemaname = n.nspname
        JOIN pg_class AS c ON c.relnamespace = n.oid AND s.sequencename = c.relname
        WHERE s.schemaname NOT IN ('pg_catalog', 'information_schema')
    ),

    -- The columns a sequence feeds: identity and serial columns (owned, pg_depend 'i'/'a'), and
    -- any column whose DEFAULT calls nextval() on it (pg_attrdef depends on the sequence).
    fed AS (
        SELECT d.objid AS seqid, d.refobjid AS relid, d.refobjsubid AS attnum
        FROM pg_depend AS d
        WHERE
            d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass
            AND d.deptype IN ('a', 'i') AND d.refobjsubid > 0
        UNION
        SELECT d.refobjid, ad.adrelid, ad.adnum
        FROM pg_depend AS d
        JOIN pg_attrdef AS ad ON d.objid = ad.oid
        WHERE d.classid = 'pg_attrdef'::regclass AND d.refclassid = 'pg_class'::regclass
    ),

    cols AS (
        SELECT
            f.seqid,
            f.relid::regclass::text AS fed_table,
            a.attname::text AS fed_column,
            format_type(a.atttypid, a.atttypmod) AS column_type,
            CASE a.atttypid
                WHEN 'int2'::regtype THEN 32767
                WHEN 'int4'::regtype THEN 2147483647
                WHEN 'int8'::regtype THEN 9223372036854775807
            END::bigint AS column_max
        FROM fed AS f
        JOIN pg_attribute AS a ON f.relid = a.attrelid AND f.attnum = a.attnum
    ),

    figures AS (
        SELECT
            s.*,
            c.fed_table,
            c.fed_column,
            c.column_type,
            c.column_max,
            least(s.max_value, coalesce(c.column_max, s.max_value)) AS effective_max
        FROM seq AS s
        LEFT JOIN cols AS c ON s.oid = c.seqid
    )

    SELECT
        f.sequence_name,
        f.sequence_type,
        f.last_value,
        f.max_value,
        f.fed_table,
        f.fed_column,
        f.column_type,
        f.column_max,
        f.effective_max,
        -- Descending sequences run towards min_value; last_value is NULL before the first
        -- nextval() or without SELECT/USAGE on the sequence.
        CASE WHEN f.increment_by > 0 THEN
            round(100.0 * (f.last_value::numeric - f.min_value) / nullif(f.effective_max::numeric - f.min_value, 0), 2)
        ELSE
            round(100.0 * (f.max_value::numeric - f.last_value) / nullif(f.max_value::numeric - f.min_value, 0), 2)
        END,
        CASE WHEN f.increment_by > 0
            THEN floor((f.effective_max::numeric - f.last_value) / f.increment_by)
            ELSE floor((f.last_value::numeric - f.min_value) / -f.increment_by)
        END
    FROM figures AS f
    ORDER BY 10 DESC NULLS LAST, 1;
$$;

COMMENT ON FUNCTION @extschema@.get_sequence_exhaustion() IS
'wedopt: how far each sequence has run, against its own maximum and against the largest value '
'of the integer column it feeds (identity, serial or DEFAULT nextval()), so that an int column '
'fed by a bigint sequence is caught before it overflows; pct_used is NULL for a sequence never '
'used or not readable by the caller (SELECT or USAGE on it is needed)';

GRANT EXECUTE ON FUNCTION @extschema@.get_sequence_exhaustion() TO wedopt_monitor;
