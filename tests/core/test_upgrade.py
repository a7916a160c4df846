"""Upgrades: for every update path, a fresh install and an upgraded one have the same catalog.

Besides the real paths from pg_extension_update_paths('wedopt'), a synthetic upgrade
V -> V-reapply (built by `make` from the idempotent fragments only) proves that re-applying
those fragments, as every real upgrade script does, changes nothing."""

import shutil
import subprocess
import uuid
from pathlib import Path

import psycopg
import pytest
from catalog_snapshot import differences, snapshot

from harness import PG_CONFIG

ROOT = Path(__file__).resolve().parents[2]
# The server the tests run (PG_CONFIG), not whichever pg_config is first on PATH.
SHAREDIR = Path(subprocess.check_output([PG_CONFIG, "--sharedir"], text=True).strip())


def _database(cluster):
    name = f"t_upgrade_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(cluster.conninfo(), autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    return name


def _drop(cluster, *names):
    with psycopg.connect(cluster.conninfo(), autocommit=True) as conn:
        for name in names:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def compare_path(cluster, source: str, target: str) -> dict:
    fresh, upgraded = _database(cluster), _database(cluster)
    try:
        with psycopg.connect(cluster.conninfo(fresh), autocommit=True) as conn:
            conn.execute(f"CREATE EXTENSION wedopt VERSION '{target}' CASCADE")
            want = snapshot(conn)
        with psycopg.connect(cluster.conninfo(upgraded), autocommit=True) as conn:
            conn.execute(f"CREATE EXTENSION wedopt VERSION '{source}' CASCADE")
            conn.execute(f"ALTER EXTENSION wedopt UPDATE TO '{target}'")
            got = snapshot(conn)
        assert want["functions"], "the snapshot sees wedopt's functions"
        return differences(want, got)
    finally:
        _drop(cluster, fresh, upgraded)


def real_update_paths(conn) -> list[tuple[str, str]]:
    return conn.execute(
        "SELECT source, target FROM pg_extension_update_paths('wedopt') "
        "WHERE path IS NOT NULL AND source NOT LIKE '%-reapply' AND target NOT LIKE '%-reapply'"
    ).fetchall()


def test_every_real_update_path_matches_a_fresh_install(cluster, db):
    paths = real_update_paths(db)
    released = sorted(p.name for p in (ROOT / "extension" / "released").glob("wedopt--*.sql"))
    if not paths:
        # Only the first version exists so far: then nothing has been released either.
        assert released == [], "released scripts but no update path: check sql/upgrades/"
    for source, target in paths:
        assert compare_path(cluster, source, target) == {}, f"{source} -> {target}"


@pytest.mark.local_only
def test_reapplying_the_idempotent_fragments_changes_nothing(cluster, db):
    version = db.execute("SELECT extversion FROM pg_extension WHERE extname = 'wedopt'").fetchone()[0]
    built = ROOT / "build" / f"wedopt--{version}--{version}-reapply.sql"
    assert built.exists(), "make builds the synthetic upgrade script"
    installed = SHAREDIR / "extension" / built.name
    shutil.copy(built, installed)
    try:
        assert compare_path(cluster, version, f"{version}-reapply") == {}
    finally:
        installed.unlink()


def test_the_comparison_sees_a_difference(cluster, db):
    """The snapshot is sharp enough to fail: a changed grant and a changed function show up."""
    before = snapshot(db)
    db.execute("GRANT EXECUTE ON FUNCTION wedopt.set_setting(text, text) TO wedopt_monitor")
    db.execute("COMMENT ON FUNCTION wedopt.reset_setting(text) IS 'changed'")
    diff = differences(before, snapshot(db))
    assert set(diff) == {"functions"}
    assert len(diff["functions"]["only_in_right"]) == 2


@pytest.mark.local_only
@pytest.mark.slow
def test_release_rehearsal_next_version_upgrades_cleanly(cluster, db, tmp_path):
    """Rehearse the release steps of doc/development.md on a copy of the tree (freeze the current
    script, bump the version, add an empty migration), install it, and compare the upgrade
    path with a fresh install of the next version."""
    current = db.execute("SELECT extversion FROM pg_extension WHERE extname = 'wedopt'").fetchone()[0]
    major, minor, patch = (int(p) for p in current.split("."))
    following = f"{major}.{minor}.{patch + 1}"
    tree = tmp_path / "tree"
    shutil.copytree(
        ROOT, tree, ignore=shutil.ignore_patterns(".venv", "build", "dist", ".git", "__pycache__")
    )
    subprocess.run(["make", "-s", "all"], cwd=tree, check=True, capture_output=True)
    shutil.copy(tree / "extension" / f"wedopt--{current}.sql", tree / "extension" / "released")
    control = tree / "control" / "wedopt.control.in"
    control.write_text(control.read_text().replace(f"'{current}'", f"'{following}'"))
    (tree / "sql" / "upgrades" / f"{current}--{following}.sql").write_text("-- nothing to migrate\n")
    extdir = SHAREDIR / "extension"
    new_files = [extdir / f"wedopt--{following}.sql", extdir / f"wedopt--{current}--{following}.sql"]
    pkglibdir = Path(subprocess.check_output([PG_CONFIG, "--pkglibdir"], text=True).strip())
    try:
        subprocess.run(["make", "-s", "all", "install"], cwd=tree, check=True, capture_output=True)
        assert all(f.exists() for f in new_files)
        paths = db.execute(
            "SELECT source, target FROM pg_extension_update_paths('wedopt') WHERE path IS NOT NULL"
        ).fetchall()
        assert (current, following) in paths
        assert compare_path(cluster, current, following) == {}
    finally:
        for f in new_files:
            f.unlink(missing_ok=True)
        shutil.rmtree(pkglibdir / "wedopt" / "python" / following, ignore_errors=True)
        # Put the current version's control file (default_version) back.
        subprocess.run(["make", "-s", "install"], cwd=ROOT, check=True, capture_output=True)
