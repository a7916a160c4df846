CREATE OR REPLACE FUNCTION @extschema@._bloat_width_residues(p_type oid, p_stat pg_statistic)
RETURNS double precision[]
LANGUAGE sql
STABLE
PARALLEL SAFE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
    -- How the stored widths of a variable-width column fall modulo 8, from its statistics:
    -- the most common values weighted by their frequency, the histogram bounds sharing the
    -- rest. Padding to 8 depends on that, not on the average width alone: numeric values of
    -- 5, 7 and 9 bytes average 7, yet a third of their index tuples take 24 bytes, not 16.
    -- Returns the shares of widths 0..7 (mod 8), then their mean width. Only the widths are
    -- derived, never a value returned. Zeros when unknown (types other than strings and
    -- numeric, or no sampled values).
    WITH slot AS (
        SELECT
            k.kind,
            k.vals,
            k.freqs
        FROM (
            VALUES
            (p_stat.stakind1, p_stat.stavalues1, p_stat.stanumbers1),
            (p_stat.stakind2, p_stat.stavalues2, p_stat.stanumbers2),
            (p_stat.stakind3, p_stat.stavalues3, p_stat.stanumbers3),
            (p_stat.stakind4, p_stat.stavalues4, p_stat.stanumbers4),
            (p_stat.stakind5, p_stat.stavalues5, p_stat.stanumbers5)
        ) AS k (kind, vals, freqs)
        WHERE k.kind IN (1, 2) AND k.vals IS NOT NULL
    ),

    mcv AS (
        SELECT coalesce(sum(f), 0) AS share
        FROM slot AS s, unnest(s.freqs) AS f
        WHERE s.kind = 1
    ),

    val AS (
        SELECT
            v.val,
            CASE
                WHEN s.kind = 1 THEN s.freqs[v.n]
                ELSE greatest(1 - p_stat.stanullfrac - (SELECT m.share FROM mcv AS m), 0)
                    / cardinality(s.vals::text::text [])
            END AS weight
        FROM slot AS s, unnest(s.vals::text::text []) WITH ORDINALITY AS v (val, n)
    ),

    width AS (
        SELECT
            CASE
                WHEN p_type = 'pg_catalog.numeric'::regtype THEN pg_column_size(v.val::numeric) - 3
                ELSE octet_length(v.val) + 1
            END AS w,
            v.weight
        FROM val AS v
    )

    SELECT CASE
        WHEN EXISTS (
            SELECT 1 FROM pg_type AS t
            WHERE
                t.oid = p_type
                AND ((t.typcategory = 'S' AND t.typlen = -1) OR t.oid = 'pg_catalog.numeric'::regtype)
        )
            THEN (
                SELECT array_agg(coalesce((
                    SELECT sum(w.weight) / nullif((SELECT sum(x.weight) FROM width AS x), 0)
                    FROM width AS w
                    WHERE w.w % 8 = r
                ), 0) ORDER BY r)
                FROM generate_series(0, 7) AS r
            ) || (SELECT coalesce(sum(w.w * w.weight) / nullif(sum(w.weight), 0), 0) FROM width AS w)
        ELSE ARRAY[0, 0, 0, 0, 0, 0, 0, 0, 0]::double precision []
    END;
$$;

COMMENT ON FUNCTION @extschema@._bloat_width_residues(oid, pg_statistic) IS
'wedopt (internal): how the stored widths of a string or numeric column fall modulo 8 (shares of '
'0..7, then the mean width), from its most common values and histogram; for the alignment padding in get_table_bloat() '
'and get_index_bloat()';
