"""pg_dump keeps the rows of wedopt's configuration tables (pg_extension_config_dump)."""

import subprocess
import uuid

import psycopg
import pytest

from harness import bindir


@pytest.mark.local_only
def test_settings_survive_dump_and_restore(cluster, db, fresh_database):
    db.execute("SELECT wedopt.set_setting('aggressiveness', 'conservative')")
    extconfig = db.execute(
        "SELECT array_agg(c::regclass::text) FROM pg_extension, unnest(extconfig) c WHERE extname = 'wedopt'"
    ).fetchone()[0]
    assert "wedopt.setting" in extconfig

    dump = subprocess.run(
        [str(bindir() / "pg_dump"), "--format=custom", "--dbname", fresh_database],
        env=cluster.env(),
        check=True,
        capture_output=True,
    ).stdout
    target = f"t_restore_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(cluster.conninfo(), autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {target}")
    try:
        subprocess.run(
            [str(bindir() / "pg_restore"), "--exit-on-error", "--dbname", target],
            input=dump,
            env=cluster.env(),
            check=True,
            capture_output=True,
        )
        with psycopg.connect(cluster.conninfo(target), autocommit=True) as restored:
            row = restored.execute("SELECT value, source FROM wedopt.settings WHERE name = 'aggressiveness'")
            assert row.fetchone() == ("conservative", "set")
            # Extension-owned defaults come from the install script, not the dump: no duplicates.
            assert (
                restored.execute("SELECT count(*) FROM wedopt.setting_default").fetchone()[0]
                == db.execute("SELECT count(*) FROM wedopt.setting_default").fetchone()[0]
            )
    finally:
        with psycopg.connect(cluster.conninfo(), autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {target} WITH (FORCE)")
