CREATE OR REPLACE FUNCTION @extschema@.get_table_bloat(p_schema text DEFAULT NULL)
RETURNS TABLE (
    schema_name text,
    table_name text,
    real_bytes bigint,
    expected_bytes bigint,
    bloat_bytes bigint,
    bloat_ratio numeric,
    fillfactor integer,
    row_estimate bigint,
    toast_bytes bigint,
    toast_bloat_bytes bigint
)
LANGUAGE sql
STABLE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
    -- An estimate from the planner's statistics: the pages the live rows would fill once
    -- rewritten (VACUUM FULL) at the table's fillfactor, against the pages the heap has; the
    -- same for its TOAST table. Sizes and bloat are heap + TOAST. Tables whose columns are not
    -- all analyzed are left out.
    -- SECURITY DEFINER: pg_statistic and the TOAST tables are readable by superusers only.
    -- Only null fractions, widths and the widths of sampled values are derived from the one,
    -- chunk lengths from the other; no value is returned.
    WITH tbl AS (
        SELECT
            c.oid,
            n.nspname::text AS schema_name,
            c.relname::text AS table_name,
            c.relpages::bigint AS relpages,
            c.reltuples,
            c.relnatts,
            c.reltoastrelid,
            coalesce((
                SELECT o.option_value::integer FROM pg_options_to_table(c.reloptions) AS o
                WHERE o.option_name = 'fillfactor'
            ), 100) AS fillfactor,
            current_setting('block_size')::integer AS bs
        FROM pg_class AS c
        JOIN pg_namespace AS n ON c.relnamespace = n.oid
        WHERE
            c.relkind IN ('r', 'm')
            AND c.reltuples > 0
            AND n.nspname NOT IN ('pg_catalog', 'information_schema')
            AND n.nspname NOT LIKE 'pg\_toast%'
            AND (p_schema IS NULL OR n.nspname = p_schema)
    ),

    est AS MATERIALIZED (
        SELECT
            t.*,
            -- tuple header 23 bytes + null bitmap (only in rows with a null), padded to 8;
            -- the data with each column's alignment; + a 4-byte line pointer
            24 + (1 - w.no_null) * ((23 + (t.relnatts + 7) / 8 + 7) / 8 * 8 - 24)
            + @extschema@._bloat_data_bytes(w.columns) + 4 AS item_bytes,
            -- the TOAST table's size from its file: its relpages waits for a VACUUM
            coalesce(pg_relation_size(toast.oid) / t.bs, 0)::bigint AS toast_pages,
            CASE
                WHEN coalesce(pg_relation_size(toast.oid) / t.bs, 0) < 128
                    THEN coalesce(pg_relation_size(toast.oid) / t.bs, 0)
                ELSE ceil(coalesce(@extschema@._bloat_toast_pages(toast.oid), pg_relation_size(toast.oid) / t.bs))
            END::bigint AS toast_expected
        FROM tbl AS t
        -- Per table, pg_statistic looked up by (oid, attnum) through its own index.
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
                    ORDER BY a.attnum
                ) AS columns,
                -- the share of rows without any null (columns taken as independent)
                exp(sum(ln(greatest(1 - s.stanullfrac::double precision, 1e-9)))) AS no_null
            FROM pg_attribute AS a
            JOIN pg_type AS ty ON a.atttypid = ty.oid
            LEFT JOIN pg_statistic AS s
                ON t.oid = s.starelid AND a.attnum = s.staattnum AND NOT s.stainherit
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
            WHERE a.attrelid = t.oid AND a.attnum > 0 AND NOT a.attisdropped
        ) AS w
        LEFT JOIN pg_class AS toast ON t.reltoastrelid = toast.oid
        WHERE w.analyzed = w.ncols AND w.ncols > 0
    ),

    pages AS (
        SELECT
            e.*,
            -- A rewrite puts a row on the page while it fits with the fillfactor's reserve
            -- kept free, at most 291 rows a page (MaxHeapTuplesPerPage).
            ceil(e.reltuples / greatest(least(floor(
                (e.bs - 24 - floor(e.bs * (100 - e.fillfactor) / 100.0)) / e.item_bytes
            ), 291), 1))::bigint AS expected_pages,
            e.toast_expected AS toast_expected_pages
        FROM est AS e
    ),

    waste AS (
        SELECT
            p.*,
            greatest(p.relpages - p.expected_pages, 0) + greatest(p.toast_pages - p.toast_expected_pages, 0)
            AS bloat_pages
        FROM pages AS p
    )

    SELECT
        p.schema_name,
        p.table_name,
        (p.relpages + p.toast_pages) * p.bs,
        (p.expected_pages + p.toast_expected_pages) * p.bs,
        p.bloat_pages * p.bs,
        round(p.bloat_pages::numeric / nullif(p.relpages + p.toast_pages, 0), 4),
        p.fillfactor,
        p.reltuples::bigint,
        p.toast_pages * p.bs,
        greatest(p.toast_pages - p.toast_expected_pages, 0) * p.bs
    FROM waste AS p
    ORDER BY 5 DESC, 1, 2;
$$;

COMMENT ON FUNCTION @extschema@.get_table_bloat(text) IS
'wedopt: estimated table bloat from pg_statistic and pg_class (no pgstattuple, no table read): '
'the bytes the live rows would fill once rewritten at the table''s fillfactor (alignment padding '
'and null bitmaps counted) against the real size, heap + TOAST (the TOAST part from the chunk '
'lengths of a sample of its pages, shown apart in toast_bytes / toast_bloat_bytes); only analyzed '
'tables. An estimate: VACUUM FULL / pg_repack what is really bloated';

GRANT EXECUTE ON FUNCTION @extschema@.get_table_bloat(text) TO wedopt_monitor;
