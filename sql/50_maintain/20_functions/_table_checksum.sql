-- The proof of a conversion, written once for both methods: every row counted and hashed
-- (order-free), and the range of the control column, in one scan.
CREATE OR REPLACE FUNCTION @extschema@._table_checksum(p_table regclass, p_control name DEFAULT NULL)
RETURNS TABLE (row_count bigint, checksum numeric, min_key timestamptz, max_key timestamptz)
LANGUAGE plpgsql
STABLE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    -- A row's text depends on TimeZone and DateStyle: compare checksums taken in one session.
    RETURN QUERY EXECUTE pg_catalog.format(
        'SELECT count(*), coalesce(sum(pg_catalog.hashtextextended(t::text, 0)), 0)::numeric, %s, %s FROM %s AS t',
        CASE WHEN p_control IS NULL THEN 'NULL::timestamptz' ELSE pg_catalog.format('min(%I)::timestamptz', p_control) END,
        CASE WHEN p_control IS NULL THEN 'NULL::timestamptz' ELSE pg_catalog.format('max(%I)::timestamptz', p_control) END,
        p_table
    );
END
$$;

COMMENT ON FUNCTION @extschema@._table_checksum(regclass, name) IS
'wedopt (internal): count(*) and sum(hashtextextended(row::text, 0)) of a table (partitions included), '
'and min and max of p_control: the before/after proof of convert_to_partitioned()';
