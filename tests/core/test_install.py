"""CREATE EXTENSION, the PL/Python bootstrap and its version checks."""

import re
from pathlib import Path

import psycopg
import pytest
from expect import clean_error, sql_error

ROOT = Path(__file__).resolve().parents[2]


def control_version() -> str:
    text = (ROOT / "control/wedopt.control.in").read_text()
    return re.search(r"^default_version\s*=\s*'([^']+)'", text, re.M).group(1)


def locked_versions() -> dict:
    pins = {}
    for line in (ROOT / "python/requirements.lock").read_text().splitlines():
        if "==" in line and not line.startswith("#"):
            name, version = line.split("==")
            pins[name.strip()] = version.strip()
    return pins


def test_create_extension_cascade_in_empty_database(cluster, empty_database):
    with psycopg.connect(cluster.conninfo(empty_database), autocommit=True) as conn:
        conn.execute("CREATE EXTENSION wedopt CASCADE")
        ext = conn.execute(
            "SELECT e.extversion, n.nspname FROM pg_extension e "
            "JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'wedopt'"
        ).fetchone()
        assert ext == (control_version(), "wedopt")
        required = {
            r[0]
            for r in conn.execute("SELECT extname FROM pg_extension WHERE extname <> 'wedopt'").fetchall()
        }
        # exactly what wedopt uses: nothing created for a feature that does not exist
        assert required == {"plpgsql", "plpython3u", "pg_stat_statements", "hypopg"}
        # pg_cron is optional: never pulled in by CREATE EXTENSION.
        assert "pg_cron" not in required
        conn.execute("DROP EXTENSION wedopt")
        assert conn.execute("SELECT count(*) FROM pg_proc WHERE proname = 'version_info'").fetchone()[0] == 0
        conn.execute("CREATE EXTENSION wedopt")


def test_version_info_reports_sql_python_and_dependencies(db):
    rows = dict(
        (component, version)
        for component, version, _ in db.execute("SELECT * FROM wedopt.version_info()").fetchall()
    )
    assert rows["wedopt (SQL)"] == control_version()
    assert rows["wedopt (Python)"] == control_version()
    assert rows["python"].startswith("3.")
    assert rows["postgresql"].split(".")[0] in {"15", "16", "17"}
    for name, version in locked_versions().items():
        assert rows[name] == version, name


def test_python_is_loaded_from_the_versioned_directory(db):
    detail = db.execute(
        "SELECT detail FROM wedopt.version_info() WHERE component = 'wedopt (Python)'"
    ).fetchone()[0]
    assert detail.endswith(f"/wedopt/python/{control_version()}")


def test_session_with_another_loaded_version_is_refused(db):
    db.execute("DO $$ GD['wedopt.version'] = '0.0.1' $$ LANGUAGE plpython3u")
    err = sql_error(db, "SELECT * FROM wedopt.version_info()")
    clean_error(err, "55000")
    assert "0.0.1" in err.diag.message_primary
    assert "reconnect" in err.diag.message_hint


@pytest.mark.local_only
def test_stale_installed_package_is_refused(db, connect):
    package_dir = Path(
        db.execute("SELECT detail FROM wedopt.version_info() WHERE component = 'wedopt (Python)'").fetchone()[
            0
        ]
    )
    version_file = package_dir / "wedopt" / "_version.py"
    original = version_file.read_text()
    try:
        version_file.write_text('__version__ = "0.0.1"\n')
        fresh = connect()  # a new session imports the package anew
        err = sql_error(fresh, "SELECT * FROM wedopt.version_info()")
        clean_error(err, "55000")
        assert "installed Python package is version 0.0.1" in err.diag.message_primary
        assert "make install" in err.diag.message_hint
    finally:
        version_file.write_text(original)
    assert connect().execute("SELECT count(*) FROM wedopt.version_info()").fetchone()[0] >= 5


def test_every_plpython_body_starts_with_the_bootstrap_written_once(db):
    # The bootstrap is written once (the Makefile expands @PYTHON_BOOTSTRAP@); every PL/Python
    # function of the extension but the loader itself starts with it, for this version.
    bodies = db.execute(
        "SELECT p.proname, p.prosrc FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang"
        " WHERE p.pronamespace = 'wedopt'::regnamespace AND l.lanname = 'plpython3u'"
        " AND p.proname <> '_load_python'"
    ).fetchall()
    assert len(bodies) >= 3
    first_lines = (
        f'if GD.get("wedopt.version") != "{control_version()}":',
        '    plpy.execute("SELECT wedopt._load_python()")',
    )
    for name, body in bodies:
        assert tuple(body.lstrip("\n").splitlines()[:2]) == first_lines, name
    copies = [
        str(p.relative_to(ROOT))
        for p in (ROOT / "sql").rglob("*.sql")
        if 'GD.get("wedopt.version")' in p.read_text() and p.name != "_load_python.sql"
    ]
    assert copies == [], "write @PYTHON_BOOTSTRAP@ instead of the bootstrap lines"
