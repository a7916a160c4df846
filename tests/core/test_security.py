"""The security rules every wedopt object follows, checked on the installed catalog."""

import pytest
from expect import sql_error

# A function may leave search_path unpinned only if it runs the caller's SQL text, is
# SECURITY INVOKER, and says so in its COMMENT with this phrase (see doc/security.md).
CALLER_SQL_MARK = "Runs the caller's SQL"
# A procedure that COMMITs cannot have a SET clause either (wedopt.wait_for_action); it says so.
COMMIT_MARK = "Commits between"

EXTENSION_OBJECTS = """
    SELECT d.classid::regclass::text AS catalog, d.objid,
           pg_describe_object(d.classid, d.objid, 0) AS object
    FROM pg_depend d
    WHERE d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e'
      AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'wedopt')
"""


def wedopt_functions(db):
    return db.execute(
        """
        SELECT p.oid::regprocedure::text, p.prosecdef, p.proconfig, p.proacl::text[],
               obj_description(p.oid, 'pg_proc'), l.lanname
        FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
        WHERE p.pronamespace = 'wedopt'::regnamespace
        ORDER BY 1
        """
    ).fetchall()


def test_every_extension_object_has_a_comment(db):
    checked = [
        (catalog, objid, obj)
        for catalog, objid, obj in db.execute(EXTENSION_OBJECTS).fetchall()
        if catalog in ("pg_proc", "pg_class", "pg_type")
        # row types of tables, sequences behind serials, indexes need none
        and not obj.startswith(("type wedopt.", "sequence ", "index "))
    ]
    assert len(checked) >= 10
    missing = [
        obj
        for catalog, objid, obj in checked
        if db.execute("SELECT obj_description(%s, %s)", [objid, catalog]).fetchone()[0] is None
    ]
    assert missing == []


def test_nothing_is_executable_or_readable_by_public(db):
    functions = wedopt_functions(db)
    assert functions, "wedopt has functions"
    for name, _, _, acl, _, _ in functions:
        # A NULL ACL means the default, which grants EXECUTE to PUBLIC.
        assert acl is not None, name
        assert not any(item.startswith("=") for item in acl), (name, acl)
    relations = db.execute(
        "SELECT c.oid::regclass::text, c.relacl::text[] FROM pg_class c "
        "WHERE c.relnamespace = 'wedopt'::regnamespace AND c.relkind IN ('r','v','m','p','S')"
    ).fetchall()
    for name, acl in relations:
        assert acl is None or not any(item.startswith("=") for item in acl), (name, acl)
    nsp_acl = db.execute("SELECT nspacl::text[] FROM pg_namespace WHERE nspname = 'wedopt'").fetchone()[0]
    assert not any(item.startswith("=") for item in nsp_acl or [])


def test_search_path_is_pinned_unless_the_function_runs_caller_sql(db):
    for name, secdef, config, _, comment, language in wedopt_functions(db):
        if language == "c":
            # C code resolves no names through search_path (src/audit_trigger.c parses no SQL)
            # and must not be SECURITY DEFINER either.
            assert not secdef, name
            continue
        pinned = any(c.startswith("search_path=") for c in config or [])
        if secdef:
            assert pinned, f"SECURITY DEFINER {name} must pin search_path"
        elif not pinned:
            assert CALLER_SQL_MARK in (comment or "") or COMMIT_MARK in (comment or ""), (
                f"{name} neither pins search_path nor is marked as running the caller's SQL"
            )


def test_roles_exist_and_nest(db):
    rows = dict(
        db.execute(
            "SELECT rolname, rolcanlogin FROM pg_roles WHERE rolname IN ('wedopt_admin','wedopt_monitor')"
        ).fetchall()
    )
    assert rows == {"wedopt_admin": False, "wedopt_monitor": False}
    assert db.execute("SELECT pg_has_role('wedopt_admin', 'wedopt_monitor', 'MEMBER')").fetchone()[0]


def test_privileges_by_role(connect):
    nobody = connect("wedopt_test_nobody")
    err = sql_error(nobody, "SELECT * FROM wedopt.version_info()")
    assert err.diag.sqlstate == "42501"

    monitor = connect("wedopt_test_monitor")
    assert monitor.execute("SELECT count(*) FROM wedopt.version_info()").fetchone()[0] >= 5
    assert monitor.execute("SELECT wedopt.get_setting('aggressiveness')").fetchone()[0] == "moderate"
    err = sql_error(monitor, "SELECT wedopt.set_setting('aggressiveness', 'aggressive')")
    assert err.diag.sqlstate == "42501"

    admin = connect("wedopt_test_admin")
    assert admin.execute("SELECT wedopt.set_setting('aggressiveness', 'aggressive')").fetchone()[0] == (
        "aggressive"
    )


@pytest.mark.parametrize("user", ["wedopt_test_monitor", "postgres"])
def test_hostile_search_path_cannot_hijack(connect, user):
    """An operator and a function planted in a schema first on the search_path are not used."""
    owner = connect()
    owner.execute("CREATE SCHEMA IF NOT EXISTS trap")
    owner.execute("GRANT USAGE ON SCHEMA trap TO PUBLIC")
    owner.execute(
        "CREATE FUNCTION trap.texteq_trap(text, text) RETURNS boolean LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'hijacked'; END $$"
    )
    owner.execute("CREATE OPERATOR trap.= (LEFTARG = text, RIGHTARG = text, FUNCTION = trap.texteq_trap)")
    owner.execute("CREATE FUNCTION trap.coalesce_trap() RETURNS text LANGUAGE sql AS $$ SELECT 'hijacked' $$")
    conn = connect(user)
    conn.execute("SET search_path = trap, public, pg_catalog")
    assert conn.execute("SELECT wedopt.get_setting('aggressiveness')").fetchone()[0] == "moderate"
    assert conn.execute("SELECT count(*) FROM wedopt.settings").fetchone()[0] >= 1
    assert conn.execute("SELECT count(*) FROM wedopt.version_info()").fetchone()[0] >= 5
