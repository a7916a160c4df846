CREATE OR REPLACE FUNCTION @extschema@.get_index_bloat(p_schema text DEFAULT NULL)
RETURNS TABLE (
    schema_name text,
    table_name text,
    index_name text,
    real_bytes bigint,
    expected_bytes bigint,
    bloat_bytes bigint,
    bloat_ratio numeric,
    fillfactor integer
)
LANGUAGE sql
STABLE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
    -- The pages a fresh build (REINDEX) of the B-tree would take, from the statistics of the
    -- indexed columns: index tuple = 8-byte header (+ 8 with a null bitmap) + data with each
    -- column's alignment, padded to 8, + a 4-byte line pointer; equal keys merged into
    -- posting lists where the index deduplicates (PostgreSQL 13+: not unique, not INCLUDE,
    -- deduplicate_items on, every key type "equal image"); leaf pages filled to the
    -- fillfactor (default 90), pivots at 70 %, plus the meta page. Indexes on expressions are
    -- left out. The CTEs that call functions are MATERIALIZED: inlined, each call would be
    -- repeated wherever its result is used.
    WITH idx AS MATERIALIZED (
        SELECT
            i.indexrelid,
            i.indrelid,
            n.nspname AS schemaname,
            t.relname AS tablename,
            c.relname AS indexname,
            c.relpages::bigint AS relpages,
            t.reltuples AS table_rows,
            CASE WHEN c.reltuples >= 0 THEN c.reltuples ELSE t.reltuples END AS index_rows,
            coalesce((
                SELECT o.option_value::integer FROM pg_options_to_table(c.reloptions) AS o
                WHERE o.option_name = 'fillfactor'
            ), 90) AS fillfactor,
            coalesce((
                SELECT o.option_value::boolean FROM pg_options_to_table(c.reloptions) AS o
                WHERE o.option_name = 'deduplicate_items'
            ), TRUE)
            AND NOT i.indisunique
            AND i.indnkeyatts = i.indnatts AS may_dedup,
            i.indnkeyatts AS nkeys,
            i.indkey::smallint [] AS keys,
            i.indclass::oid [] AS classes,
            i.indcollation::oid [] AS collations,
            current_setting('block_size')::integer AS bs
        FROM pg_index AS i
        JOIN pg_class AS c ON i.indexrelid = c.oid
        JOIN pg_class AS t ON i.indrelid = t.oid
        JOIN pg_namespace AS n ON c.relnamespace = n.oid
        JOIN pg_am AS am ON c.relam = am.oid
        WHERE
            am.amname = 'btree'
            AND i.indexprs IS NULL
            AND t.reltuples > 0
            AND c.relpages > 1
            AND n.nspname NOT IN ('pg_catalog', 'information_schema')
            AND n.nspname NOT LIKE 'pg\_toast%'
            AND (p_schema IS NULL OR n.nspname = p_schema)
    ),

    col AS MATERIALIZED (
        SELECT
            x.*,
            w.*,
            x.may_dedup AND w.equal_image AS dedup,
            -- a tuple with a null carries an 8-byte-padded null bitmap
            8 + (1 - w.no_null) * 8 + @extschema@._bloat_data_bytes(w.columns) AS tuple_bytes,
            -- (for the posting lists of a deduplicated one-column index)
            CASE
                WHEN x.may_dedup AND x.nkeys = 1 THEN @extschema@._bloat_data_bytes(w.columns, TRUE)
            END AS data_bytes_no_null
        FROM idx AS x
        -- Per index, a LATERAL lookup of pg_statistic by (oid, attnum) through its own index:
        -- joining a per-index aggregate back to idx, or the pg_stats view by names, made the
        -- planner loop over every index for every index (98 s on 10,000 tables).
        -- Only null fractions, widths, distinct counts, most-common-value frequencies and the
        -- widths of sampled values are derived, no value is returned: that is why the function
        -- may be SECURITY DEFINER (pg_statistic is readable by superusers only).
        CROSS JOIN LATERAL (
            SELECT
                count(*) AS ncols,
                count(s.starelid) AS analyzed,
                -- one row per column (one sort): see _bloat_data_bytes
                array_agg(
                    ARRAY[
                        ty.typlen,
                        CASE ty.typalign WHEN 'd' THEN 8 WHEN 'i' THEN 4 WHEN 's' THEN 2 ELSE 1 END,
                        s.stawidth,
                        s.stanullfrac
                    ]::double precision [] || wr.residues
                    ORDER BY k.pos
                ) AS columns,
                exp(sum(ln(greatest(1 - s.stanullfrac::double precision, 1e-9)))) AS no_null,
                coalesce(bool_and(k.pos > x.nkeys OR eq.ok IS NOT NULL), FALSE) AS equal_image,
                -- the combinations the key columns after the first can take: the product of
                -- their distinct values (null counted as one)
                exp(sum(ln(greatest(
                    CASE
                        WHEN k.pos = 1 OR k.pos > x.nkeys THEN 1
                        WHEN s.stadistinct < 0 THEN -s.stadistinct * x.table_rows
                        ELSE s.stadistinct
                    END + CASE WHEN k.pos > 1 AND k.pos <= x.nkeys AND s.stanullfrac > 0 THEN 1 ELSE 0 END,
                    1
                )))) AS later_combos,
                max(CASE WHEN s.stadistinct < 0 THEN -s.stadistinct * x.table_rows ELSE s.stadistinct END)
                    FILTER (WHERE k.pos > 1 AND k.pos <= x.nkeys) AS later_max_distinct,
                max(s.stanullfrac::double precision) FILTER (WHERE k.pos = 1) AS first_null_frac,
                max(CASE WHEN s.stadistinct < 0 THEN -s.stadistinct * x.table_rows ELSE s.stadistinct END)
                    FILTER (WHERE k.pos = 1) AS first_distinct,
                max(CASE
                    WHEN s.stakind1 = 1 THEN s.stanumbers1::text
                    WHEN s.stakind2 = 1 THEN s.stanumbers2::text
                    WHEN s.stakind3 = 1 THEN s.stanumbers3::text
                    WHEN s.stakind4 = 1 THEN s.stanumbers4::text
                    WHEN s.stakind5 = 1 THEN s.stanumbers5::text
                END) FILTER (WHERE k.pos = 1)::double precision [] AS first_mcv_freqs
            FROM unnest(x.keys, x.classes, x.collations) WITH ORDINALITY AS k (attnum, opclass, coll_oid, pos)
            JOIN pg_attribute AS a ON x.indrelid = a.attrelid AND k.attnum = a.attnum
            JOIN pg_type AS ty ON a.atttypid = ty.oid
            LEFT JOIN pg_statistic AS s
                ON x.indrelid = s.starelid AND k.attnum = s.staattnum AND NOT s.stainherit
            -- How the stored widths of a string or numeric column fall modulo 8 (shares of
            -- 0..7, then their mean), from its most common values weighted by their frequency
            -- and its histogram bounds sharing the rest: padding to 8 depends on that, not on
            -- the average width alone (numeric values of 5, 7 and 9 bytes average 7, yet a
            -- third of their index tuples take 24 bytes, not 16). Only widths are derived,
            -- never a value returned; the text form's width is the stored width for these
            -- types. Zeros for the others (and without sampled values).
            CROSS JOIN LATERAL (
                SELECT CASE
                    WHEN ty.typlen = -1 AND (ty.typcategory = 'S' OR ty.oid = 'pg_catalog.numeric'::regtype)
                        THEN (
                            SELECT ARRAY[
                                coalesce(sum(v.weight) FILTER (WHERE v.width % 8 = 0) / nullif(sum(v.weight), 0), 0),
                                coalesce(sum(v.weight) FILTER (WHERE v.width % 8 = 1) / nullif(sum(v.weight), 0), 0),
                                coalesce(sum(v.weight) FILTER (WHERE v.width % 8 = 2) / nullif(sum(v.weight), 0), 0),
                                coalesce(sum(v.weight) FILTER (WHERE v.width % 8 = 3) / nullif(sum(v.weight), 0), 0),
                                coalesce(sum(v.weight) FILTER (WHERE v.width % 8 = 4) / nullif(sum(v.weight), 0), 0),
                                coalesce(sum(v.weight) FILTER (WHERE v.width % 8 = 5) / nullif(sum(v.weight), 0), 0),
                                coalesce(sum(v.weight) FILTER (WHERE v.width % 8 = 6) / nullif(sum(v.weight), 0), 0),
                                coalesce(sum(v.weight) FILTER (WHERE v.width % 8 = 7) / nullif(sum(v.weight), 0), 0),
                                coalesce(sum(v.width * v.weight) / nullif(sum(v.weight), 0), 0)
                            ]
                            FROM (
                                SELECT
                                    CASE
                                        WHEN ty.oid = 'pg_catalog.numeric'::regtype
                                            THEN pg_column_size(u.val::numeric) - 3
                                        ELSE octet_length(u.val) + 1
                                    END AS width,
                                    u.weight
                                FROM (
                                    SELECT m.val, m.freq::double precision AS weight
                                    FROM unnest(
                                        (CASE 1
                                            WHEN s.stakind1 THEN s.stavalues1 WHEN s.stakind2 THEN s.stavalues2
                                            WHEN s.stakind3 THEN s.stavalues3 WHEN s.stakind4 THEN s.stavalues4
                                            WHEN s.stakind5 THEN s.stavalues5
                                        END)::text::text [],
                                        CASE 1
                                            WHEN s.stakind1 THEN s.stanumbers1 WHEN s.stakind2 THEN s.stanumbers2
                                            WHEN s.stakind3 THEN s.stanumbers3 WHEN s.stakind4 THEN s.stanumbers4
                                            WHEN s.stakind5 THEN s.stanumbers5
                                        END
                                    ) AS m (val, freq)
                                    UNION ALL
                                    -- the histogram (kind 2) shares what the most common values (kind 1) leave
                                    SELECT h.val, greatest(1 - s.stanullfrac - coalesce((
                                        SELECT sum(f) FROM unnest(CASE 1
                                            WHEN s.stakind1 THEN s.stanumbers1 WHEN s.stakind2 THEN s.stanumbers2
                                            WHEN s.stakind3 THEN s.stanumbers3 WHEN s.stakind4 THEN s.stanumbers4
                                            WHEN s.stakind5 THEN s.stanumbers5
                                        END) AS f
                                    ), 0), 0) / h.n
                                    FROM (
                                        SELECT x.val, count(*) OVER () AS n
                                        FROM unnest((CASE 2
                                            WHEN s.stakind1 THEN s.stavalues1 WHEN s.stakind2 THEN s.stavalues2
                                            WHEN s.stakind3 THEN s.stavalues3 WHEN s.stakind4 THEN s.stavalues4
                                            WHEN s.stakind5 THEN s.stavalues5
                                        END)::text::text []) AS x (val)
                                    ) AS h
                                ) AS u
                            ) AS v
                        )
                    ELSE '{0,0,0,0,0,0,0,0,0}'::double precision []
                END AS residues
            ) AS wr
            -- deduplication needs an "equal image" type: btequalimage, or btvarstrequalimage
            -- with a deterministic collation (bpchar measured never to deduplicate)
            LEFT JOIN LATERAL (
                SELECT TRUE AS ok
                FROM pg_opclass AS oc
                JOIN pg_amproc AS ap
                    ON
                        oc.opcfamily = ap.amprocfamily AND oc.opcintype = ap.amproclefttype
                        AND oc.opcintype = ap.amprocrighttype AND ap.amprocnum = 4
                LEFT JOIN pg_collation AS co ON k.coll_oid = co.oid
                WHERE
                    x.may_dedup
                    AND oc.oid = k.opclass
                    AND (
                        ap.amproc = 'pg_catalog.btequalimage'::regproc
                        OR (
                            ap.amproc = 'pg_catalog.btvarstrequalimage'::regproc
                            AND oc.opcintype <> 'pg_catalog.bpchar'::regtype
                            AND coalesce(co.collisdeterministic, TRUE)
                        )
                    )
                LIMIT 1
            ) AS eq ON TRUE
        ) AS w
        WHERE w.analyzed = w.ncols AND x.keys <> '{}' AND NOT 0 = ANY(x.keys)
    ),

    grp AS (
        -- Groups of equal first key column: its nulls, its most common values, the rest spread
        -- evenly over its other distinct values; each split further over the combinations of
        -- the other key columns (see _bloat_btree_leaf).
        SELECT
            c.*,
            CASE WHEN c.dedup THEN coalesce(c.first_null_frac, 0) * c.index_rows ELSE 0 END AS null_rows,
            CASE
                WHEN c.dedup THEN ARRAY(SELECT f * c.index_rows FROM unnest(c.first_mcv_freqs) AS f)
                ELSE ARRAY[]::double precision []
            END AS mcv_rows
        FROM col AS c
    ),

    spread AS MATERIALIZED (
        SELECT
            g.*,
            r.rest_rows,
            r.rest_keys
        FROM grp AS g
        CROSS JOIN LATERAL (
            SELECT
                greatest(g.index_rows - g.null_rows - coalesce((SELECT sum(m) FROM unnest(g.mcv_rows) AS m), 0), 0)
                AS rest_rows,
                greatest(least(
                    CASE
                        WHEN NOT g.dedup THEN g.index_rows
                        ELSE coalesce(g.first_distinct, g.index_rows) - cardinality(g.mcv_rows)
                    END,
                    g.index_rows
                ), 1) AS rest_keys
        ) AS r
    ),

    leaf AS MATERIALIZED (
        SELECT
            s.*,
            l.bytes[1] + n.bytes[1] AS leaf_bytes,
            l.bytes[2] + n.bytes[2] AS leaf_items
        FROM spread AS s
        CROSS JOIN LATERAL (
            SELECT @extschema@._bloat_btree_leaf(
                CASE WHEN s.dedup AND s.nkeys = 1 THEN 8 + s.data_bytes_no_null ELSE s.tuple_bytes END,
                s.mcv_rows || ARRAY[s.rest_rows / s.rest_keys],
                array_fill(1::double precision, ARRAY[cardinality(s.mcv_rows)]) || ARRAY[s.rest_keys],
                s.later_combos,
                coalesce(s.later_max_distinct / nullif(s.index_rows, 0), 0)
            ) AS bytes
        ) AS l
        -- the nulls of the first key column (of a one-column index: 16-byte tuples, header and
        -- bitmap, no data)
        CROSS JOIN LATERAL (
            SELECT CASE
                WHEN s.null_rows > 0
                    THEN @extschema@._bloat_btree_leaf(
                        CASE WHEN s.nkeys = 1 THEN 16 ELSE s.tuple_bytes END,
                        ARRAY[s.null_rows],
                        ARRAY[1::double precision],
                        s.later_combos,
                        coalesce(s.later_max_distinct / nullif(s.index_rows, 0), 0)
                    )
                ELSE '{0,0}'::double precision []
            END AS bytes
        ) AS n
    ),

    est AS MATERIALIZED (
        SELECT
            l.*,
            ceil(l.leaf_items / greatest(floor(
                (l.bs - 48 - floor(l.bs * (100 - l.fillfactor) / 100.0)) * l.leaf_items / nullif(l.leaf_bytes, 0)
            ), 1)) AS leaf_pages,
            -- pivot tuples: the key (+ a heap TID where keys repeat), at 70 % fill
            greatest(floor(
                (l.bs - 48 - floor(l.bs * 30 / 100.0))
                / (ceil(l.tuple_bytes / 8 - 1e-6) * 8 + 4 + CASE WHEN l.leaf_items < l.index_rows THEN 8 ELSE 0 END)
            ), 2) AS fanout
        FROM leaf AS l
    ),

    total AS MATERIALIZED (
        SELECT
            e.*,
            (1 + e.leaf_pages + (
                SELECT coalesce(sum(ceil(e.leaf_pages / e.fanout ^ lvl)), 0)
                FROM generate_series(1, 8) AS lvl
                WHERE e.leaf_pages > e.fanout ^ (lvl - 1)
            ))::bigint AS expected_pages
        FROM est AS e
    )

    SELECT
        e.schemaname::text,
        e.tablename::text,
        e.indexname::text,
        e.relpages * e.bs,
        e.expected_pages * e.bs,
        greatest(e.relpages - e.expected_pages, 0) * e.bs,
        round(greatest(e.relpages - e.expected_pages, 0)::numeric / nullif(e.relpages, 0), 4),
        e.fillfactor
    FROM total AS e
    ORDER BY 6 DESC, 1, 2, 3;
$$;

COMMENT ON FUNCTION @extschema@.get_index_bloat(text) IS
'wedopt: estimated B-tree index bloat from pg_statistic (no pgstattuple): the bytes a fresh build '
'(REINDEX) would take at the index''s fillfactor (alignment padding, null bitmaps and deduplicated '
'posting lists counted) against its real size; indexes on expressions and tables never analyzed '
'are left out. An estimate: REINDEX INDEX CONCURRENTLY what is really bloated';

GRANT EXECUTE ON FUNCTION @extschema@.get_index_bloat(text) TO wedopt_monitor;
