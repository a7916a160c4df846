"""The security lints of check_health() that splinter has: each is provoked on the real
server, seen, fixed with its remediation, and gone. Untrusted roles: setting
observe.untrusted_roles (default PUBLIC and every login role outside wedopt's roles)."""

from observe_helpers import findings

NOBODY = "wedopt_test_nobody"  # a login role of neither wedopt_admin nor wedopt_monitor


def test_rls_enabled_without_policy_then_a_policy(db):
    db.execute("CREATE TABLE public.guest (id int PRIMARY KEY, wedding_id int)")
    db.execute("ALTER TABLE public.guest ENABLE ROW LEVEL SECURITY")
    found = findings(db, "rls_enabled_no_policy")
    assert found["public.guest"][:2] == ("INFO", "SECURITY")
    db.execute("CREATE POLICY guest_read ON public.guest FOR SELECT TO wedopt_monitor USING (wedding_id > 0)")
    assert findings(db, "rls_enabled_no_policy") == {}


def test_policy_with_rls_disabled_then_enabled(db):
    db.execute("CREATE TABLE public.guest (id int PRIMARY KEY, wedding_id int)")
    db.execute("CREATE POLICY guest_read ON public.guest FOR SELECT USING (wedding_id > 0)")
    found = findings(db, "policy_exists_rls_disabled")
    level, category, detail, remediation, meta = found["public.guest"]
    assert (level, category) == ("ERROR", "SECURITY") and meta["policies"] == ["guest_read"]
    assert remediation == "ALTER TABLE public.guest ENABLE ROW LEVEL SECURITY;"
    db.execute(remediation)
    assert findings(db, "policy_exists_rls_disabled") == {}


def test_multiple_permissive_policies_for_one_role_and_action(db):
    db.execute("CREATE TABLE public.payment (id int PRIMARY KEY, planner_id int, amount numeric)")
    db.execute("ALTER TABLE public.payment ENABLE ROW LEVEL SECURITY")
    db.execute("CREATE POLICY own ON public.payment FOR SELECT TO wedopt_monitor USING (planner_id = 1)")
    db.execute("CREATE POLICY small ON public.payment FOR ALL TO wedopt_monitor USING (amount < 100)")
    db.execute("CREATE POLICY other ON public.payment FOR SELECT TO wedopt_admin USING (planner_id = 2)")
    found = findings(db, "multiple_permissive_policies")
    assert list(found) == ["public.payment (wedopt_monitor, SELECT)"]
    assert found["public.payment (wedopt_monitor, SELECT)"][4]["policies"] == ["own", "small"]
    # A restrictive policy is AND-ed: it is not one of them.
    db.execute("DROP POLICY small ON public.payment")
    db.execute(
        "CREATE POLICY small ON public.payment AS RESTRICTIVE FOR ALL TO wedopt_monitor USING (amount < 100)"
    )
    assert findings(db, "multiple_permissive_policies") == {}


def test_write_policy_using_true(db):
    db.execute("CREATE TABLE public.rsvp (id int PRIMARY KEY, guest_id int)")
    db.execute("ALTER TABLE public.rsvp ENABLE ROW LEVEL SECURITY")
    db.execute("CREATE POLICY read_all ON public.rsvp FOR SELECT USING (true)")  # reads: not this lint
    db.execute("CREATE POLICY change_any ON public.rsvp FOR UPDATE USING (true)")
    found = findings(db, "write_policy_always_true")
    assert list(found) == ["public.rsvp.change_any"]
    assert found["public.rsvp.change_any"][0] == "WARN"
    db.execute("ALTER POLICY change_any ON public.rsvp USING (guest_id = 1)")
    assert findings(db, "write_policy_always_true") == {}


def test_policy_calling_current_setting_per_row_then_wrapped(db):
    db.execute("CREATE TABLE public.booking (id int PRIMARY KEY, planner_id int)")
    db.execute("ALTER TABLE public.booking ENABLE ROW LEVEL SECURITY")
    db.execute(
        "CREATE POLICY mine ON public.booking FOR SELECT"
        " USING (planner_id = current_setting('app.planner_id')::int)"
    )
    db.execute("CREATE SCHEMA auth")
    db.execute(
        "CREATE FUNCTION auth.uid() RETURNS int LANGUAGE sql STABLE SET search_path = '' AS 'SELECT 1'"
    )
    db.execute("CREATE POLICY theirs ON public.booking FOR DELETE USING (planner_id = auth.uid())")
    found = findings(db, "policy_per_row_call")
    assert set(found) == {"public.booking.mine", "public.booking.theirs"}
    assert "current_setting" in found["public.booking.mine"][2]
    assert "auth.uid" in found["public.booking.theirs"][2]
    db.execute(
        "ALTER POLICY mine ON public.booking"
        " USING (planner_id = (SELECT current_setting('app.planner_id')::int))"
    )
    db.execute("ALTER POLICY theirs ON public.booking USING (planner_id = (SELECT auth.uid()))")
    assert findings(db, "policy_per_row_call") == {}


def test_view_with_owner_rights_granted_to_an_untrusted_role(db):
    db.execute("CREATE TABLE public.client (id int PRIMARY KEY, email text)")
    db.execute("CREATE VIEW public.client_emails AS SELECT email FROM public.client")
    assert findings(db, "security_definer_view") == {}  # nobody untrusted may read it yet
    db.execute(f"GRANT SELECT ON public.client_emails TO {NOBODY}")
    found = findings(db, "security_definer_view")
    level, _, _, remediation, meta = found["public.client_emails"]
    assert level == "ERROR" and meta["readable_by"] == [NOBODY]
    assert remediation == "ALTER VIEW public.client_emails SET (security_invoker = on);"
    db.execute(remediation)
    assert findings(db, "security_definer_view") == {}


def test_untrusted_roles_is_a_setting(db):
    db.execute("CREATE TABLE public.client (id int PRIMARY KEY, email text)")
    db.execute("CREATE VIEW public.client_emails AS SELECT email FROM public.client")
    db.execute("GRANT SELECT ON public.client_emails TO wedopt_test_monitor")
    assert findings(db, "security_definer_view") == {}  # a member of wedopt_monitor: trusted
    db.execute("SELECT wedopt.set_setting('observe.untrusted_roles', '{PUBLIC,wedopt_test_monitor}')")
    assert findings(db, "security_definer_view")["public.client_emails"][4]["readable_by"] == [
        "wedopt_test_monitor"
    ]
    db.execute(f"GRANT SELECT ON public.client_emails TO {NOBODY}")
    # LOGIN is no longer in the list: the other login role does not count now.
    assert findings(db, "security_definer_view")["public.client_emails"][4]["readable_by"] == [
        "wedopt_test_monitor"
    ]
    db.execute("SELECT wedopt.reset_setting('observe.untrusted_roles')")
    assert findings(db, "security_definer_view")["public.client_emails"][4]["readable_by"] == [NOBODY]


def test_materialized_view_and_foreign_table_readable_by_an_untrusted_role(db):
    db.execute("CREATE TABLE public.payment (id int PRIMARY KEY, amount numeric)")
    db.execute("CREATE MATERIALIZED VIEW public.payment_totals AS SELECT sum(amount) FROM public.payment")
    db.execute("GRANT SELECT ON public.payment_totals TO PUBLIC")
    db.execute("CREATE EXTENSION file_fdw")
    db.execute("CREATE SERVER files FOREIGN DATA WRAPPER file_fdw")
    db.execute("CREATE FOREIGN TABLE public.imported (line text) SERVER files OPTIONS (filename '/dev/null')")
    db.execute(f"CREATE ROLE wedopt_test_readers; GRANT wedopt_test_readers TO {NOBODY}")
    try:
        db.execute("GRANT SELECT ON public.imported TO wedopt_test_readers")  # through a group role
        mv = findings(db, "materialized_view_readable")
        ft = findings(db, "foreign_table_readable")
        assert mv["public.payment_totals"][4]["readable_by"] == ["PUBLIC"] + sorted(
            r[0]
            for r in db.execute("SELECT rolname FROM wedopt._untrusted_roles() WHERE oid <> 0").fetchall()
        )
        assert ft["public.imported"][4]["readable_by"] == [NOBODY]
        assert ft["public.imported"][3] == f"REVOKE SELECT ON public.imported FROM {NOBODY};"
        db.execute("REVOKE SELECT ON public.payment_totals FROM PUBLIC")
        db.execute("REVOKE SELECT ON public.imported FROM wedopt_test_readers")
        assert findings(db, "materialized_view_readable") == {}
        assert findings(db, "foreign_table_readable") == {}
    finally:
        db.execute("DROP FOREIGN TABLE public.imported")
        db.execute("DROP ROLE wedopt_test_readers")


def test_table_writable_by_an_untrusted_role_with_rls_off(db):
    db.execute("CREATE TABLE public.vendor (id int PRIMARY KEY, name text)")
    db.execute(f"GRANT SELECT ON public.vendor TO {NOBODY}")
    assert findings(db, "rls_disabled_writable") == {}  # reading is not writing
    db.execute(f"GRANT UPDATE ON public.vendor TO {NOBODY}")
    found = findings(db, "rls_disabled_writable")
    assert found["public.vendor"][0] == "ERROR" and found["public.vendor"][4]["writable_by"] == [NOBODY]
    db.execute("ALTER TABLE public.vendor ENABLE ROW LEVEL SECURITY")
    assert findings(db, "rls_disabled_writable") == {}


def test_extensions_in_public_including_wedopt_cascade(connect, cluster, empty_database):
    import psycopg

    with psycopg.connect(cluster.conninfo(empty_database), autocommit=True) as conn:
        conn.execute("CREATE EXTENSION wedopt CASCADE")  # puts its dependencies in public
        found = findings(conn, "extension_in_public")
        assert "pg_stat_statements" in found
        level, category, detail, remediation, meta = found["pg_stat_statements"]
        assert (level, category) == ("WARN", "SECURITY") and meta["required_by_wedopt"] is True
        assert "CREATE EXTENSION wedopt CASCADE" in detail
        for name in found:
            conn.execute(found[name][3].split("  --")[0])
        assert findings(conn, "extension_in_public") == {}
        assert (
            conn.execute("SELECT count(*) FROM wedopt.get_slow_queries(0, 1)").fetchone()[0] >= 0
        )  # wedopt still finds pg_stat_statements where it went


def test_outdated_extension_version_then_updated(db):
    db.execute("CREATE SCHEMA extensions_test")
    db.execute("CREATE EXTENSION hstore VERSION '1.7' SCHEMA extensions_test")
    found = findings(db, "extension_outdated")
    assert found["hstore"][4]["installed_version"] == "1.7"
    assert found["hstore"][3] == "ALTER EXTENSION hstore UPDATE;"
    db.execute(found["hstore"][3])
    assert findings(db, "extension_outdated") == {}


def test_security_definer_callable_by_public_then_revoked(db):
    db.execute(
        "CREATE FUNCTION public.refund(int) RETURNS int LANGUAGE sql SECURITY DEFINER"
        " SET search_path = pg_catalog, pg_temp AS 'SELECT $1'"
    )
    found = findings(db, "security_definer_executable")
    level, _, _, remediation, meta = found["public.refund(integer)"]
    assert level == "WARN" and "PUBLIC" in meta["executable_by"]
    db.execute("REVOKE EXECUTE ON FUNCTION public.refund(int) FROM PUBLIC")
    assert findings(db, "security_definer_executable") == {}
    db.execute(f"GRANT EXECUTE ON FUNCTION public.refund(int) TO {NOBODY}")
    assert findings(db, "security_definer_executable")["public.refund(integer)"][4]["executable_by"] == [
        NOBODY
    ]
    db.execute(findings(db, "security_definer_executable")["public.refund(integer)"][3])
    assert findings(db, "security_definer_executable") == {}


def test_function_with_mutable_search_path_then_pinned(db):
    db.execute("CREATE FUNCTION public.fee(numeric) RETURNS numeric LANGUAGE sql AS 'SELECT $1 * 0.03'")
    db.execute("CREATE PROCEDURE public.tidy() LANGUAGE sql AS 'SELECT 1'")
    found = findings(db, "function_search_path_mutable")
    assert set(found) == {"public.fee(numeric)", "public.tidy()"}
    assert found["public.tidy()"][3].startswith("ALTER PROCEDURE public.tidy() SET search_path")
    for obj in found:
        db.execute(found[obj][3].split("  --")[0])
    assert findings(db, "function_search_path_mutable") == {}
