-- What execute_admin_sql() would do with a text, decided from PostgreSQL's parse tree
-- (_parse_statements, _resolve_admin_statement): ok, or the refusal (SQLSTATE, message, HINT);
-- the statements to run, rebuilt from validated parts; immediate or dispatched. Reads only.
-- Run again by the dispatcher at execution time, as the role that queued the action.
CREATE OR REPLACE FUNCTION @extschema@._admin_plan(
    p_sql text,
    p_search_path text,
    p_force boolean DEFAULT FALSE,
    p_reason text DEFAULT NULL,
    OUT ok boolean,
    OUT refusal_state text,
    OUT message text,
    OUT hint text,
    OUT command_tag text,
    OUT target text,
    OUT target_oid oid,
    OUT table_oid oid,
    OUT mode text,
    OUT steps text[],
    OUT detail jsonb
)
RETURNS record
LANGUAGE plpgsql
VOLATILE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    c_allowed constant text := 'CREATE INDEX [CONCURRENTLY], DROP INDEX [CONCURRENTLY], ANALYZE, VACUUM, '
        'REINDEX INDEX|TABLE [CONCURRENTLY], REFRESH MATERIALIZED VIEW [CONCURRENTLY], CREATE STATISTICS, '
        'ALTER TABLE ... SET/RESET (storage parameters), CLUSTER; one statement (doc/act.md)';
    v_count integer;
    v_stmt @extschema@.parsed_statement;
    v_res record;
    v_rel record;
    v_fn record;
    v_part record;
    v_guard text;
    v_name text;
    v_opt text;
    v_opts text [] := '{}';
    v_names text [] := '{}';
    v_kind text;
    v_existing record;
    v_i integer;
    v_cap integer;
    v_eff record;
    v_share numeric;
    v_budget numeric;
    v_est numeric;
    v_pname text;
    v_pn integer := 0;
    v_verbose boolean;
BEGIN
    ok := FALSE;
    refusal_state := '42501';
    hint := 'Nothing was run. Accepted: ' || c_allowed || '.';
    steps := '{}';
    detail := '{}';
    -- 1. What the server's parser sees.
    BEGIN
        SELECT pg_catalog.count(*)::integer INTO v_count FROM @extschema@._parse_statements(p_sql);
    EXCEPTION WHEN OTHERS THEN
        refusal_state := '22023';
        message := 'wedopt: the admin statement does not parse: ' || SQLERRM;
        RETURN;
    END;
    IF v_count OPERATOR(pg_catalog.<>) 1 THEN
        refusal_state := '22023';
        message := pg_catalog.format(
            'wedopt: execute_admin_sql() runs exactly one statement; PostgreSQL''s parser sees %s', v_count
        );
        RETURN;
    END IF;
    SELECT p.* INTO v_stmt FROM @extschema@._parse_statements(p_sql) AS p;
    command_tag := v_stmt.command_tag;
    IF v_stmt.node_type NOT IN (
        'IndexStmt', 'DropStmt', 'VacuumStmt', 'ReindexStmt', 'RefreshMatViewStmt', 'CreateStatsStmt',
        'AlterTableStmt', 'ClusterStmt'
    ) OR (v_stmt.node_type OPERATOR(pg_catalog.=) 'DropStmt' AND v_stmt.command_tag OPERATOR(pg_catalog.<>) 'DROP INDEX')
    THEN
        message := pg_catalog.format('wedopt: %s is not an admin statement execute_admin_sql() runs', v_stmt.command_tag);
        RETURN;
    END IF;
    IF v_stmt.param_count OPERATOR(pg_catalog.>) 0 THEN
        refusal_state := '22023';
        message := 'wedopt: the admin statement uses $n parameters';
        RETURN;
    END IF;

    -- 2. What it touches, resolved by the server under the caller's search_path.
    BEGIN
        SELECT r.* INTO v_res FROM @extschema@._resolve_admin_statement(v_stmt.statement, p_search_path) AS r;
    EXCEPTION WHEN OTHERS THEN
        refusal_state := CASE WHEN SQLSTATE OPERATOR(pg_catalog.=) '42501'
            THEN '42501' ELSE '22023' END;
        message := 'wedopt: ' || pg_catalog.regexp_replace(SQLERRM, '^wedopt: ', '');
        RETURN;
    END;
    IF coalesce(pg_catalog.cardinality(v_res.relids), 0) OPERATOR(pg_catalog.=) 0 THEN
        refusal_state := '22023';
        message := pg_catalog.format('wedopt: %s must name its table or index', v_stmt.command_tag);
        hint := 'Name the table (VACUUM public.booking); database- or schema-wide forms are not accepted.';
        RETURN;
    END IF;
    IF pg_catalog.cardinality(v_res.relids) OPERATOR(pg_catalog.>) 1
       AND v_stmt.node_type OPERATOR(pg_catalog.<>) 'VacuumStmt' THEN
        refusal_state := '22023';
        message := pg_catalog.format('wedopt: %s of more than one object is not accepted', v_stmt.command_tag);
        hint := 'One object per call.';
        RETURN;
    END IF;
    FOR v_i IN 1..pg_catalog.cardinality(v_res.relids) LOOP
        IF v_res.relids[v_i] OPERATOR(pg_catalog.=) 0 THEN
            IF v_stmt.node_type OPERATOR(pg_catalog.=) 'DropStmt' AND 'if_exists' OPERATOR(pg_catalog.=) ANY (v_stmt.options) THEN
                ok := TRUE;
                mode := 'immediate';
                target := v_stmt.relations[v_i];
                detail := pg_catalog.jsonb_build_object('skipped', 'the index does not exist (IF EXISTS)');
                RETURN;
            END IF;
            refusal_state := '22023';
            message := pg_catalog.format('wedopt: relation %s does not exist', v_stmt.relations[v_i]);
            hint := 'Check the name and the search_path; nothing was run.';
            RETURN;
        END IF;
        SELECT c.oid, c.relname, n.nspname, c.relkind, c.relowner::regrole::text AS owner,
            coalesce(i.indrelid, c.oid) AS table_oid, c.relispartition,
            EXISTS (
                SELECT FROM pg_catalog.pg_depend AS d
                WHERE d.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_class'::regclass
                    AND d.objid OPERATOR(pg_catalog.=) coalesce(i.indrelid, c.oid)
                    AND d.deptype OPERATOR(pg_catalog.=) 'e'
            ) AS of_extension,
            pg_catalog.pg_has_role(current_user, c.relowner, 'USAGE') AS owned
        INTO v_rel
        FROM pg_catalog.pg_class AS c
        JOIN pg_catalog.pg_namespace AS n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace
        LEFT JOIN pg_catalog.pg_index AS i ON i.indexrelid OPERATOR(pg_catalog.=) c.oid
        WHERE c.oid OPERATOR(pg_catalog.=) v_res.relids[v_i];
        IF v_rel.nspname IN ('pg_catalog', 'information_schema') OR v_rel.nspname LIKE 'pg\_toast%'
           OR v_rel.nspname LIKE 'pg\_temp%' THEN
            message := pg_catalog.format('wedopt: %I.%I is in the system schema %I', v_rel.nspname, v_rel.relname, v_rel.nspname);
            hint := 'wedopt never acts on system catalogs or temporary objects; nothing was run.';
            RETURN;
        END IF;
        IF v_rel.nspname OPERATOR(pg_catalog.=) '@extschema@' OR v_rel.of_extension THEN
            message := pg_catalog.format('wedopt: %I.%I belongs to an extension (%s)', v_rel.nspname, v_rel.relname,
                CASE WHEN v_rel.nspname OPERATOR(pg_catalog.=) '@extschema@' THEN 'wedopt''s own schema' ELSE 'member object' END);
            hint := 'wedopt does not act on its own tables or on extension objects; nothing was run.';
            RETURN;
        END IF;
        IF NOT v_rel.owned THEN
            message := pg_catalog.format('wedopt: %s does not own %I.%I (owner: %s)', current_user, v_rel.nspname, v_rel.relname, v_rel.owner);
            hint := 'Run it as the owner (or a member of the owning role); nothing was run.';
            RETURN;
        END IF;
        IF v_i OPERATOR(pg_catalog.=) 1 THEN
            target_oid := v_rel.oid;
            table_oid := v_rel.table_oid;
            target := pg_catalog.format('%I.%I', v_rel.nspname, v_rel.relname);
        END IF;
        v_names := v_names || pg_catalog.format('%I.%I', v_rel.nspname, v_rel.relname);
    END LOOP;

    -- 3. What the expressions call: immutable functions of the server or of a C extension only.
    IF v_res.has_subquery THEN
        message := 'wedopt: the expressions or predicate hold a subquery';
        hint := 'Index and statistics expressions may call immutable functions only; nothing was run.';
        RETURN;
    END IF;
    FOR v_fn IN
        SELECT p.oid::regprocedure::text AS fn, p.provolatile, p.prosecdef, l.lanname
        FROM pg_catalog.unnest(v_res.function_oids) AS f (oid)
        JOIN pg_catalog.pg_proc AS p ON p.oid OPERATOR(pg_catalog.=) f.oid
        JOIN pg_catalog.pg_language AS l ON l.oid OPERATOR(pg_catalog.=) p.prolang
    LOOP
        IF v_fn.provolatile OPERATOR(pg_catalog.<>) 'i' OR v_fn.prosecdef OR v_fn.lanname NOT IN ('internal', 'c') THEN
            message := pg_catalog.format(
                'wedopt: the expressions call %s (%s, %s%s), not an immutable built-in or C function',
                v_fn.fn, CASE v_fn.provolatile WHEN 'i' THEN 'immutable' WHEN 's' THEN 'stable' ELSE 'volatile' END,
                'LANGUAGE ' || v_fn.lanname, CASE WHEN v_fn.prosecdef THEN ', SECURITY DEFINER' ELSE '' END
            );
            hint := 'A function in SQL or a procedural language may have side effects whatever it is marked; '
                'index on a column or a built-in expression. Nothing was run.';
            RETURN;
        END IF;
    END LOOP;

    -- 4. Guard rails: no DDL on event days or outside the window, unless forced with a reason.
    IF p_force AND nullif(pg_catalog.btrim(p_reason), '') IS NULL THEN
        refusal_state := '22023';
        message := 'wedopt: force => true needs a reason';
        hint := 'Say why the freeze is overridden: execute_admin_sql(sql, reason => ''...'', force => true).';
        RETURN;
    END IF;
    IF v_stmt.node_type OPERATOR(pg_catalog.<>) 'VacuumStmt' THEN
        v_guard := @extschema@._admin_guard_rails();
        IF v_guard IS NOT NULL AND NOT p_force THEN
            message := 'wedopt: ' || v_guard;
            hint := 'Nothing was run. An admin may force it: execute_admin_sql(sql, reason => ''...'', force => true).';
            IF pg_catalog.strpos(v_guard, 'act.surge_freeze_days') OPERATOR(pg_catalog.>) 0 THEN
                hint := hint || ' The booking surge ends when the insert rate falls back: SELECT * FROM wedopt.booking_surge().';
            END IF;
            RETURN;
        ELSIF v_guard IS NOT NULL THEN
            detail := detail || pg_catalog.jsonb_build_object('forced', v_guard);
        END IF;
    END IF;

    -- 5. Per kind: the statements to run, rebuilt from the validated parts.
    BEGIN
    CASE v_stmt.node_type
    WHEN 'IndexStmt' THEN
        SELECT c.relname, n.nspname, c.relkind INTO v_rel
        FROM pg_catalog.pg_class AS c JOIN pg_catalog.pg_namespace AS n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace
        WHERE c.oid OPERATOR(pg_catalog.=) table_oid;
        IF v_rel.relkind NOT IN ('r', 'm', 'p') THEN
            refusal_state := '22023';
            message := pg_catalog.format('wedopt: %s is not a table or materialized view', target);
            RETURN;
        END IF;
        SELECT pg_catalog.substr(o, 6) INTO v_name FROM pg_catalog.unnest(v_stmt.options) AS o WHERE o LIKE 'name=%';
        IF v_name LIKE '"%"' THEN
            v_name := pg_catalog.replace(pg_catalog.substr(v_name, 2, pg_catalog.length(v_name) OPERATOR(pg_catalog.-) 2), '""', '"');
        END IF;
        v_name := coalesce(v_name, pg_catalog.format('%s_%s_idx', pg_catalog.left(v_rel.relname, 40),
            pg_catalog.left(pg_catalog.md5(v_stmt.statement), 8)));
        SELECT c.oid, i.indisvalid, c.relkind INTO v_existing
        FROM pg_catalog.pg_class AS c
        LEFT JOIN pg_catalog.pg_index AS i ON i.indexrelid OPERATOR(pg_catalog.=) c.oid
        WHERE c.relname OPERATOR(pg_catalog.=) v_name
            AND c.relnamespace OPERATOR(pg_catalog.=) v_rel.nspname::regnamespace;
        IF FOUND THEN
            IF 'if_not_exists' OPERATOR(pg_catalog.<>) ALL (v_stmt.options) OR v_existing.indisvalid IS NULL THEN
                refusal_state := '22023';
                message := pg_catalog.format('wedopt: relation %I.%I already exists', v_rel.nspname, v_name);
                hint := 'Choose another name, or add IF NOT EXISTS.';
                RETURN;
            ELSIF v_existing.indisvalid THEN
                ok := TRUE;
                mode := 'immediate';
                detail := detail || pg_catalog.jsonb_build_object('skipped', pg_catalog.format('index %I.%I exists', v_rel.nspname, v_name));
                RETURN;
            END IF;
            -- IF NOT EXISTS would "succeed" on an INVALID index: drop it and build it again.
            steps := steps || pg_catalog.format('DROP INDEX %s%I.%I',
                CASE WHEN v_stmt.concurrent THEN 'CONCURRENTLY ' ELSE '' END, v_rel.nspname, v_name);
            detail := detail || pg_catalog.jsonb_build_object('invalid_index_rebuilt', pg_catalog.format('%I.%I', v_rel.nspname, v_name));
        END IF;
        v_eff := @extschema@._act_effective_setting('act.index_cap');
        v_cap := v_eff.value::integer;
        IF (SELECT pg_catalog.count(*) FROM pg_catalog.pg_index AS i
            WHERE i.indrelid OPERATOR(pg_catalog.=) table_oid AND i.indexrelid OPERATOR(pg_catalog.<>) coalesce(v_existing.oid, 0))
           OPERATOR(pg_catalog.>=) v_cap THEN
            message := pg_catalog.format('wedopt: %s already has %s indexes (setting act.index_cap%s)', target, v_cap,
                CASE WHEN v_eff.surge IS NOT NULL THEN ', lowered to act.surge_index_cap during ' || v_eff.surge ELSE '' END);
            hint := 'Drop an unused index first (wedopt.get_index_stats()), or raise act.index_cap; nothing was run.';
            IF v_eff.surge IS NOT NULL THEN
                hint := 'Nothing was run. Wait for the booking surge to end (SELECT * FROM wedopt.booking_surge()), '
                    'drop an unused index first, or raise act.surge_index_cap.';
            END IF;
            RETURN;
        END IF;
        v_budget := @extschema@.get_setting('act.disk_budget_bytes')::numeric;
        IF v_budget OPERATOR(pg_catalog.>) 0 THEN
            v_est := pg_catalog.pg_table_size(table_oid) OPERATOR(pg_catalog.*) @extschema@.get_setting('act.index_size_ratio')::numeric;
            v_eff := @extschema@._act_effective_setting('act.disk_budget_share');
            v_share := v_eff.value::numeric;
            IF (pg_catalog.pg_database_size(pg_catalog.current_database()) OPERATOR(pg_catalog.+) v_est)
               OPERATOR(pg_catalog.>) (v_budget OPERATOR(pg_catalog.*) v_share) THEN
                message := pg_catalog.format(
                    'wedopt: an index of about %s would take the database past %s of its disk budget of %s%s',
                    pg_catalog.pg_size_pretty(v_est), v_share, pg_catalog.pg_size_pretty(v_budget),
                    CASE WHEN v_eff.surge IS NOT NULL THEN ' (act.surge_disk_budget_share during ' || v_eff.surge || ')' ELSE '' END
                );
                hint := 'Settings act.disk_budget_bytes and act.disk_budget_share'
                    || CASE WHEN v_eff.surge IS NOT NULL THEN ', act.surge_disk_budget_share during a booking surge' ELSE '' END
                    || '; nothing was run.';
                RETURN;
            END IF;
        END IF;
        IF v_rel.relkind OPERATOR(pg_catalog.=) 'p' AND v_stmt.concurrent THEN
            -- PostgreSQL refuses CONCURRENTLY on a partitioned table: ON ONLY the parent, each
            -- partition concurrently, then attached.
            steps := steps || @extschema@._rebuild_index_statement(v_stmt.statement, v_name, v_rel.nspname, v_rel.relname, FALSE, TRUE);
            FOR v_part IN
                SELECT c.oid, c.relname, n.nspname, c.relkind, pg_catalog.pg_has_role(current_user, c.relowner, 'USAGE') AS owned
                FROM pg_catalog.pg_inherits AS h
                JOIN pg_catalog.pg_class AS c ON c.oid OPERATOR(pg_catalog.=) h.inhrelid
                JOIN pg_catalog.pg_namespace AS n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace
                WHERE h.inhparent OPERATOR(pg_catalog.=) table_oid
                ORDER BY c.oid
            LOOP
                IF v_part.relkind OPERATOR(pg_catalog.<>) 'r' OR NOT v_part.owned THEN
                    refusal_state := '22023';
                    message := pg_catalog.format('wedopt: partition %I.%I is %s', v_part.nspname, v_part.relname,
                        CASE WHEN NOT v_part.owned THEN 'not owned by ' || current_user ELSE 'itself partitioned' END);
                    hint := 'A concurrent index on a partitioned table is built for one level of owned partitions; '
                        'nothing was run.';
                    steps := '{}';
                    RETURN;
                END IF;
                v_pn := v_pn OPERATOR(pg_catalog.+) 1;
                v_pname := pg_catalog.format('%s_p%s', pg_catalog.left(v_name, 50), v_pn);
                steps := steps || @extschema@._rebuild_index_statement(v_stmt.statement, v_pname, v_part.nspname, v_part.relname, TRUE, FALSE)
                    || pg_catalog.format('ALTER INDEX %I.%I ATTACH PARTITION %I.%I', v_rel.nspname, v_name, v_part.nspname, v_pname);
            END LOOP;
            detail := detail || pg_catalog.jsonb_build_object('partitions', v_pn);
        ELSE
            steps := steps || @extschema@._rebuild_index_statement(
                v_stmt.statement, v_name, v_rel.nspname, v_rel.relname, coalesce(v_stmt.concurrent, FALSE), FALSE);
        END IF;
        target := pg_catalog.format('%I.%I', v_rel.nspname, v_name);
    WHEN 'DropStmt' THEN
        IF 'cascade' OPERATOR(pg_catalog.=) ANY (v_stmt.options) THEN
            message := 'wedopt: DROP INDEX ... CASCADE is not accepted';
            hint := 'Drop the index alone; nothing was run.';
            RETURN;
        END IF;
        IF (SELECT c.relkind FROM pg_catalog.pg_class AS c WHERE c.oid OPERATOR(pg_catalog.=) target_oid) NOT IN ('i', 'I') THEN
            refusal_state := '22023';
            message := pg_catalog.format('wedopt: %s is not an index', target);
            RETURN;
        END IF;
        steps := ARRAY[pg_catalog.format('DROP INDEX %s%s', CASE WHEN v_stmt.concurrent THEN 'CONCURRENTLY ' ELSE '' END, target)];
    WHEN 'VacuumStmt' THEN
        FOREACH v_opt IN ARRAY v_stmt.options LOOP
            IF pg_catalog.split_part(v_opt, '=', 1) NOT IN (
                'full', 'freeze', 'verbose', 'analyze', 'disable_page_skipping', 'skip_locked',
                'index_cleanup', 'process_toast', 'truncate', 'parallel'
            ) OR (v_opt LIKE '%=%' AND pg_catalog.split_part(v_opt, '=', 2) !~ '^[A-Za-z0-9_]+$') THEN
                refusal_state := '22023';
                message := pg_catalog.format('wedopt: %s option %s is not accepted', v_stmt.command_tag, v_opt);
                RETURN;
            END IF;
            v_opts := v_opts || pg_catalog.replace(v_opt, '=', ' ');
        END LOOP;
        FOR v_i IN 1..pg_catalog.cardinality(v_res.relids) LOOP
            IF (SELECT c.relkind FROM pg_catalog.pg_class AS c WHERE c.oid OPERATOR(pg_catalog.=) v_res.relids[v_i]) NOT IN ('r', 'm', 'p') THEN
                refusal_state := '22023';
                message := pg_catalog.format('wedopt: %s is not a table or materialized view', v_names[v_i]);
                RETURN;
            END IF;
        END LOOP;
        steps := ARRAY[pg_catalog.format('%s %s%s', v_stmt.command_tag,
            CASE WHEN pg_catalog.cardinality(v_opts) OPERATOR(pg_catalog.>) 0
                THEN '(' || pg_catalog.array_to_string(v_opts, ', ') || ') ' ELSE '' END,
            pg_catalog.array_to_string(v_names, ', '))];
    WHEN 'ReindexStmt' THEN
        v_verbose := FALSE;
        FOREACH v_opt IN ARRAY v_stmt.options LOOP
            IF v_opt OPERATOR(pg_catalog.=) 'verbose' THEN
                v_verbose := TRUE;
            ELSIF v_opt NOT IN ('concurrently', 'verbose=true') THEN
                refusal_state := '22023';
                message := pg_catalog.format('wedopt: REINDEX option %s is not accepted', v_opt);
                RETURN;
            END IF;
        END LOOP;
        v_kind := CASE WHEN (SELECT c.relkind FROM pg_catalog.pg_class AS c WHERE c.oid OPERATOR(pg_catalog.=) target_oid) IN ('i', 'I')
            THEN 'INDEX' ELSE 'TABLE' END;
        steps := ARRAY[pg_catalog.format('REINDEX %s%s %s%s', CASE WHEN v_verbose THEN '(VERBOSE) ' ELSE '' END, v_kind,
            CASE WHEN v_stmt.concurrent THEN 'CONCURRENTLY ' ELSE '' END, target)];
    WHEN 'RefreshMatViewStmt' THEN
        IF (SELECT c.relkind FROM pg_catalog.pg_class AS c WHERE c.oid OPERATOR(pg_catalog.=) target_oid) OPERATOR(pg_catalog.<>) 'm' THEN
            refusal_state := '22023';
            message := pg_catalog.format('wedopt: %s is not a materialized view', target);
            RETURN;
        END IF;
        steps := ARRAY[pg_catalog.format('REFRESH MATERIALIZED VIEW %s%s%s', CASE WHEN v_stmt.concurrent THEN 'CONCURRENTLY ' ELSE '' END,
            target, CASE WHEN 'with_no_data' OPERATOR(pg_catalog.=) ANY (v_stmt.options) THEN ' WITH NO DATA' ELSE '' END)];
    WHEN 'AlterTableStmt' THEN
        steps := ARRAY[pg_catalog.format('ALTER TABLE %s %s', target, v_res.rebuilt_clause)];
    ELSE
        -- CREATE STATISTICS and CLUSTER: the caller's one statement as the parser cut it (its
        -- target and expressions checked above), run in the caller's transaction.
        steps := ARRAY[v_stmt.statement];
    END CASE;
    EXCEPTION WHEN OTHERS THEN
        -- A part that cannot be rebuilt (TABLESPACE...) is a refusal like any other.
        refusal_state := CASE WHEN SQLSTATE OPERATOR(pg_catalog.=) '42501' THEN '42501' ELSE '22023' END;
        message := 'wedopt: ' || pg_catalog.regexp_replace(SQLERRM, '^wedopt: ', '');
        steps := '{}';
        RETURN;
    END;
    mode := CASE WHEN v_stmt.command_tag OPERATOR(pg_catalog.=) 'VACUUM' OR coalesce(v_stmt.concurrent, FALSE)
        THEN 'dispatched' ELSE 'immediate' END;
    ok := TRUE;
    refusal_state := NULL;
    hint := NULL;
END
$$;

COMMENT ON FUNCTION @extschema@._admin_plan(text, text, boolean, text) IS
'wedopt (internal): what execute_admin_sql() would do with a text, from PostgreSQL''s parse tree: '
'ok or the refusal (SQLSTATE, message, HINT), the target, the statements rebuilt from validated '
'parts, immediate or dispatched; checks ownership, system and wedopt schemas, expression functions, '
'guard rails. Changes nothing';

GRANT EXECUTE ON FUNCTION @extschema@._admin_plan(text, text, boolean, text) TO wedopt_admin;
