CREATE OR REPLACE FUNCTION @extschema@._bloat_btree_leaf(
    p_tuple_bytes double precision,
    p_group_size double precision [],
    p_group_count double precision []
)
RETURNS double precision []
LANGUAGE plpgsql
IMMUTABLE
PARALLEL SAFE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    -- A deduplicating B-tree build merges equal keys into posting-list tuples: the key, then
    -- 6 bytes per heap TID, padded to 8, at most 10 % of a page (812 bytes) each (nbtsort.c).
    -- A key seen once stays a plain tuple. Returns {leaf bytes with line pointers, leaf items}.
    v_key double precision := ceil(p_tuple_bytes / 8 - 1e-6) * 8;  -- (float noise: 16.000001 is 16)
    v_cap double precision := greatest(floor((812 - v_key) / 6), 2);
    v_full double precision := ceil((v_key + 6 * v_cap) / 8) * 8;
    v_bytes double precision := 0;
    v_items double precision := 0;
    v_size double precision;
    v_posts double precision;
    v_rest double precision;
BEGIN
    FOR i IN 1 .. coalesce(array_length(p_group_size, 1), 0) LOOP
        v_size := round(p_group_size[i]);
        CONTINUE WHEN v_size < 1 OR coalesce(p_group_count[i], 0) <= 0;
        IF v_size = 1 THEN
            v_bytes := v_bytes + p_group_count[i] * (p_tuple_bytes + 4);
            v_items := v_items + p_group_count[i];
            CONTINUE;
        END IF;
        v_posts := ceil(v_size / v_cap);
        v_rest := v_size - (v_posts - 1) * v_cap;
        v_bytes := v_bytes + p_group_count[i] * (
            (v_posts - 1) * (v_full + 4)
            + CASE WHEN v_rest = 1 THEN p_tuple_bytes ELSE ceil((v_key + 6 * v_rest) / 8) * 8 END + 4
        );
        v_items := v_items + p_group_count[i] * v_posts;
    END LOOP;
    RETURN ARRAY[v_bytes, v_items];
END
$$;

COMMENT ON FUNCTION @extschema@._bloat_btree_leaf(double precision, double precision [], double precision []) IS
'wedopt (internal): bytes and items of the leaf level of a freshly built deduplicating B-tree, '
'from its plain tuple size and groups of equal keys (size, how many such groups); for get_index_bloat()';
