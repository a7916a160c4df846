CREATE OR REPLACE FUNCTION @extschema@._bloat_data_bytes(
    p_len integer[],
    p_align text[],
    p_width double precision[],
    p_null_frac double precision[],
    p_residues double precision[] DEFAULT NULL
)
RETURNS double precision
LANGUAGE plpgsql
IMMUTABLE
PARALLEL SAFE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    -- v_mass[r + 1]: the probability that the data so far ends at an offset r (mod 8). A null
    -- takes no room, so the padding before a column depends on which columns before it are
    -- null: following every offset class keeps the expected padding exact.
    v_mass double precision [] := ARRAY[1, 0, 0, 0, 0, 0, 0, 0];
    v_next double precision [];
    v_bytes double precision := 0;
    v_present double precision;
    v_align integer;
    v_pad integer;
    v_step integer;
    v_spread boolean;
    v_width double precision;
BEGIN
    FOR i IN 1 .. coalesce(array_length(p_len, 1), 0) LOOP
        v_present := 1 - coalesce(p_null_frac[i], 0);
        v_align := CASE p_align[i] WHEN 'd' THEN 8 WHEN 'i' THEN 4 WHEN 's' THEN 2 ELSE 1 END;
        -- A varlena stored with a 1-byte header (under 127 bytes, or a TOAST pointer) is not
        -- aligned; longer ones align to their type's alignment.
        IF p_len[i] = -1 AND p_width[i] < 127 THEN
            v_align := 1;
        END IF;
        v_step := round(p_width[i]);
        -- p_residues[i][k + 1]: the share of the column's values whose width is k (mod 8),
        -- p_residues[i][9] their mean; all zeros (or none given): every value taken as of
        -- the average width
        v_spread := p_len[i] = -1 AND coalesce(p_residues[i][1] + p_residues[i][2] + p_residues[i][3]
            + p_residues[i][4] + p_residues[i][5] + p_residues[i][6] + p_residues[i][7] + p_residues[i][8], 0) > 0;
        v_width := p_width[i];
        IF v_spread THEN
            -- pg_statistic keeps the average width truncated to an integer: the sampled
            -- values' own mean, within that integer's range, is closer
            v_width := least(greatest(coalesce(p_residues[i][9], v_width), v_width), v_width + 0.99);
        END IF;
        v_next := ARRAY[0, 0, 0, 0, 0, 0, 0, 0];
        FOR r IN 0 .. 7 LOOP
            CONTINUE WHEN v_mass[r + 1] = 0;
            v_pad := (v_align - r % v_align) % v_align;
            IF v_spread THEN
                FOR k IN 0 .. 7 LOOP
                    v_next[(r + v_pad + k) % 8 + 1] := v_next[(r + v_pad + k) % 8 + 1]
                        + v_mass[r + 1] * v_present * p_residues[i][k + 1];
                END LOOP;
            ELSE
                v_next[(r + v_pad + v_step) % 8 + 1] := v_next[(r + v_pad + v_step) % 8 + 1]
                    + v_mass[r + 1] * v_present;
            END IF;
            v_next[r + 1] := v_next[r + 1] + v_mass[r + 1] * (1 - v_present);
            v_bytes := v_bytes + v_mass[r + 1] * v_present * (v_pad + v_width);
        END LOOP;
        v_mass := v_next;
    END LOOP;
    -- The tuple as a whole is padded to MAXALIGN (8).
    FOR r IN 1 .. 7 LOOP
        v_bytes := v_bytes + v_mass[r + 1] * (8 - r);
    END LOOP;
    RETURN v_bytes;
END
$$;

COMMENT ON FUNCTION @extschema@._bloat_data_bytes(
    integer[], text[], double precision[], double precision[], double precision[]
) IS
'wedopt (internal): expected bytes of the data part of a heap or index tuple, padded to 8, from '
'each column''s typlen, typalign, average width, null fraction and widths modulo 8 (from its '
'sampled values), in column order, alignment padding included; for get_table_bloat() and '
'get_index_bloat()';
