-- The grace period: each cycle looks at the indexes auto_tune() created and kept, or left
-- unjudged when its cycle was interrupted (still there, actions of a role the caller is a
-- member of) and notes their idx_scan in the action's
-- detail.usage; an index whose idx_scan has not grown for act.auto_tune_unused_grace is returned,
-- to be dropped. The first look after the creating cycle takes the baseline, so the scans of
-- auto_tune()'s own measurements are not counted as use.
CREATE OR REPLACE FUNCTION @extschema@._auto_tune_unused(p_as_of timestamptz)
RETURNS TABLE (action_id bigint, index_name text, idx_scan bigint, unused_since timestamptz)
LANGUAGE plpgsql
VOLATILE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_grace interval := @extschema@.get_setting('act.auto_tune_unused_grace')::interval;
    v_row record;
    v_scans bigint;
    v_usage jsonb;
BEGIN
    FOR v_row IN
        SELECT a.id, a.detail, i.indexrelid AS ix,
            pg_catalog.format('%I.%I', n.nspname, c.relname) AS name
        FROM @extschema@.action_log AS a
        JOIN pg_catalog.pg_index AS i
            ON i.indexrelid = coalesce((a.detail->>'index_oid')::oid, pg_catalog.to_regclass(a.target)::oid)
                AND i.indrelid = a.table_oid
        JOIN pg_catalog.pg_class AS c ON c.oid = i.indexrelid
        JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace
        WHERE a.source = 'auto_tune' AND a.command_tag = 'CREATE INDEX' AND a.status = 'succeeded'
            AND NOT a.detail ? 'skipped'
            -- Judged and kept, or left unjudged by a cycle that was interrupted.
            AND (a.detail ? 'usage' OR NOT EXISTS (
                SELECT FROM @extschema@.action_log AS cy WHERE cy.id = a.parent_id AND cy.status = 'running'))
            AND EXISTS (SELECT FROM pg_catalog.pg_roles AS r WHERE r.rolname = a.queued_by)
            AND pg_catalog.pg_has_role(session_user, a.queued_by, 'MEMBER')
        ORDER BY a.id
    LOOP
        v_scans := pg_catalog.pg_stat_get_numscans(v_row.ix);
        v_usage := coalesce(v_row.detail->'usage', pg_catalog.jsonb_build_object('since', p_as_of));
        IF NOT v_usage ? 'idx_scan' OR v_scans > (v_usage->>'idx_scan')::bigint THEN
            -- The baseline, or it was used: the grace period starts again (the baseline keeps the
            -- creation time).
            PERFORM @extschema@._action_annotate(v_row.id, pg_catalog.jsonb_build_object('usage',
                pg_catalog.jsonb_build_object('idx_scan', v_scans, 'seen_at', p_as_of,
                    'since', CASE WHEN v_usage ? 'idx_scan' THEN p_as_of ELSE (v_usage->>'since')::timestamptz END)));
            CONTINUE;
        END IF;
        PERFORM @extschema@._action_annotate(v_row.id, pg_catalog.jsonb_build_object('usage',
            v_usage || pg_catalog.jsonb_build_object('seen_at', p_as_of)));
        IF p_as_of - (v_usage->>'since')::timestamptz >= v_grace THEN
            action_id := v_row.id;
            index_name := v_row.name;
            idx_scan := v_scans;
            unused_since := (v_usage->>'since')::timestamptz;
            RETURN NEXT;
        END IF;
    END LOOP;
END
$$;

COMMENT ON FUNCTION @extschema@._auto_tune_unused(timestamptz) IS
'wedopt (internal): note the idx_scan of the indexes auto_tune() created and kept, and return those '
'unused (idx_scan not grown) for act.auto_tune_unused_grace as of p_as_of';

GRANT EXECUTE ON FUNCTION @extschema@._auto_tune_unused(timestamptz) TO wedopt_admin;
