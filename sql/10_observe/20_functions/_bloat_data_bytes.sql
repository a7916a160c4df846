CREATE OR REPLACE FUNCTION @extschema@._bloat_data_bytes(
    p_columns double precision[],
    p_ignore_nulls boolean DEFAULT FALSE
)
RETURNS double precision
LANGUAGE plpgsql
IMMUTABLE
PARALLEL SAFE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    -- p_columns: one row per column, in column order: {typlen, alignment in bytes, average
    -- width, null fraction, the shares of widths 0..7 (mod 8) of its sampled values, their
    -- mean width} (shares all zero: every value taken as of the average width).
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
    FOR i IN 1 .. coalesce(array_length(p_columns, 1), 0) LOOP
        v_present := CASE WHEN p_ignore_nulls THEN 1 ELSE 1 - coalesce(p_columns[i][4], 0) END;
        v_align := coalesce(p_columns[i][2], 1);
        v_width := coalesce(p_columns[i][3], 0);
        -- A varlena stored with a 1-byte header (under 127 bytes, or a TOAST pointer) is not
        -- aligned; longer ones align to their type's alignment.
        IF p_columns[i][1] = -1 AND v_width < 127 THEN
            v_align := 1;
        END IF;
        v_step := round(v_width);
        v_spread := p_columns[i][1] = -1 AND coalesce(p_columns[i][5] + p_columns[i][6] + p_columns[i][7]
            + p_columns[i][8] + p_columns[i][9] + p_columns[i][10] + p_columns[i][11] + p_columns[i][12], 0) > 0;
        IF v_spread THEN
            -- pg_statistic keeps the average width truncated to an integer: the sampled
            -- values' own mean, within that integer's range, is closer
            v_width := least(greatest(coalesce(p_columns[i][13], v_width), v_width), v_width + 0.99);
        END IF;
        v_next := ARRAY[0, 0, 0, 0, 0, 0, 0, 0];
        FOR r IN 0 .. 7 LOOP
            CONTINUE WHEN v_mass[r + 1] = 0;
            v_pad := (v_align - r % v_align) % v_align;
            IF v_spread THEN
                FOR k IN 0 .. 7 LOOP
                    v_next[(r + v_pad + k) % 8 + 1] := v_next[(r + v_pad + k) % 8 + 1]
                        + v_mass[r + 1] * v_present * p_columns[i][k + 5];
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

COMMENT ON FUNCTION @extschema@._bloat_data_bytes(double precision[], boolean) IS
'wedopt (internal): expected bytes of the data part of a heap or index tuple, padded to 8, from '
'each column''s typlen, typalign, average width, null fraction and widths modulo 8 (from its '
'sampled values), in column order, alignment padding included; for get_table_bloat() and '
'get_index_bloat()';
