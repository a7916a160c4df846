CREATE OR REPLACE FUNCTION @extschema@._bloat_btree_leaf(
    p_tuple_bytes double precision,
    p_group_size double precision[],
    p_group_count double precision[],
    p_split double precision DEFAULT 1,
    p_min_key_share double precision DEFAULT 0
)
RETURNS double precision[]
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
    -- Each group (of equal first key columns) is split further over the p_split combinations
    -- of the other key columns, in as many parts as its rows fill (P * (1 - (1 - 1/P)^rows)),
    -- and in no fewer than p_min_key_share of its rows (the share of distinct values of the
    -- most varied of those columns).
    v_key double precision := ceil(p_tuple_bytes / 8 - 1e-6) * 8;  -- (float noise: 16.000001 is 16)
    v_cap double precision := greatest(floor((812 - v_key) / 6), 2);
    v_full double precision := ceil((v_key + 6 * v_cap) / 8) * 8;
    v_bytes double precision := 0;
    v_items double precision := 0;
    v_size double precision;
    v_posts double precision;
    v_rest double precision;
    v_rows double precision;
    v_parts double precision;
    v_sizes double precision[];
    v_counts double precision[];
BEGIN
    FOR i IN 1 .. coalesce(array_length(p_group_size, 1), 0) LOOP
        CONTINUE WHEN coalesce(p_group_size[i], 0) <= 0 OR coalesce(p_group_count[i], 0) <= 0;
        v_rows := greatest(p_group_size[i], 1);
        v_parts := 1;
        IF coalesce(p_split, 1) > 1 THEN
            v_parts := p_split * (1 - exp(v_rows * ln(1 - 1 / p_split)));
            v_parts := least(greatest(v_parts, v_rows * coalesce(p_min_key_share, 0), 1), v_rows);
        END IF;
        -- parts of floor(rows / parts) and of one more row, as many as make up the rows
        v_size := floor(v_rows / v_parts + 1e-6);
        v_sizes := ARRAY[v_size, v_size + 1];
        v_counts := ARRAY[
            v_parts - greatest(v_rows - v_size * v_parts, 0), greatest(v_rows - v_size * v_parts, 0)
        ];
        FOR j IN 1 .. 2 LOOP
            v_size := v_sizes[j];
            CONTINUE WHEN v_counts[j] <= 0 OR v_size < 1;
            IF v_size = 1 THEN
                v_bytes := v_bytes + p_group_count[i] * v_counts[j] * (p_tuple_bytes + 4);
                v_items := v_items + p_group_count[i] * v_counts[j];
                CONTINUE;
            END IF;
            v_posts := ceil(v_size / v_cap);
            v_rest := v_size - (v_posts - 1) * v_cap;
            v_bytes := v_bytes + p_group_count[i] * v_counts[j] * (
                (v_posts - 1) * (v_full + 4)
                + CASE WHEN v_rest = 1 THEN p_tuple_bytes ELSE ceil((v_key + 6 * v_rest) / 8) * 8 END + 4
            );
            v_items := v_items + p_group_count[i] * v_counts[j] * v_posts;
        END LOOP;
    END LOOP;
    RETURN ARRAY[v_bytes, v_items];
END
$$;

COMMENT ON FUNCTION @extschema@._bloat_btree_leaf(
    double precision, double precision[], double precision[], double precision, double precision
) IS
'wedopt (internal): bytes and items of the leaf level of a freshly built deduplicating B-tree, '
'from its plain tuple size, groups of equal first keys (rows, how many such groups), the '
'combinations of the other keys and the least share of distinct keys; for get_index_bloat()';
