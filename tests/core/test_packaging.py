"""The PGXN distribution: META.json, `make dist`, `pgxn install` of the zip, and the
install-time check of prerequisites."""

import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import psycopg
import pytest

import harness

ROOT = Path(__file__).resolve().parents[2]
SEMVER = re.compile(r"^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$")


def control_version() -> str:
    text = (ROOT / "control/wedopt.control.in").read_text()
    return re.search(r"^default_version\s*=\s*'([^']+)'", text, re.M).group(1)


def test_meta_json_follows_the_pgxn_spec_and_the_control_version():
    meta = json.loads((ROOT / "META.json").read_text())
    for key in ("name", "abstract", "version", "maintainer", "license", "provides", "meta-spec"):
        assert key in meta, key
    assert meta["meta-spec"]["version"].startswith("1.0.")
    assert meta["version"] == control_version()
    assert SEMVER.match(meta["version"])
    assert meta["license"] in {"postgresql", "bsd", "mit", "gpl_3", "apache_2_0"}
    for name, spec in meta["provides"].items():
        assert re.match(r"^[A-Za-z][A-Za-z0-9_]*$", name)
        assert {"file", "version"} <= spec.keys()
        assert SEMVER.match(spec["version"])
        assert (ROOT / spec["file"]).exists(), spec["file"]
    for phase in meta["prereqs"].values():
        for relation in phase.values():
            for version in relation.values():
                assert version == 0 or SEMVER.match(str(version)), version
    assert meta["release_status"] in {"stable", "testing", "unstable"}


@pytest.fixture(scope="module")
def dist_zip():
    subprocess.run(["make", "-s", "dist"], cwd=ROOT, check=True, capture_output=True)
    path = ROOT / "dist" / f"wedopt-{control_version()}.zip"
    assert path.exists()
    return path


def test_dist_zip_has_one_top_folder_and_the_sources(dist_zip):
    names = zipfile.ZipFile(dist_zip).namelist()
    top = {n.split("/")[0] for n in names}
    assert top == {f"wedopt-{control_version()}"}
    short = {n.split("/", 1)[1] for n in names}
    for required in ("META.json", "Makefile", "control/wedopt.control.in", "python/requirements.lock"):
        assert required in short
    assert not any(n.startswith((".venv/", "build/", "dist/")) for n in short)


@pytest.mark.local_only
@pytest.mark.slow
def test_pgxn_install_of_the_zip_then_create_extension(dist_zip, cluster, empty_database):
    pgxn = Path(sys.executable).parent / "pgxn"
    # the pg_config of the server the tests run (PG_CONFIG), not whichever is first on PATH
    env = dict(os.environ, PATH=f"{harness.bindir()}:{os.environ['PATH']}")
    result = subprocess.run(
        # --sudo env: pgxn refuses when pg_config's libdir is not writable, as in a private
        # copy of the server that has none; `env` runs make as the same user, no sudo needed.
        [str(pgxn), "install", "--sudo", "env", str(dist_zip)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    with psycopg.connect(cluster.conninfo(empty_database), autocommit=True) as conn:
        conn.execute("CREATE EXTENSION wedopt CASCADE")
        versions = dict((c, v) for c, v, _ in conn.execute("SELECT * FROM wedopt.version_info()").fetchall())
        assert versions["wedopt (SQL)"] == versions["wedopt (Python)"] == control_version()


def control_requires() -> set[str]:
    text = (ROOT / "control/wedopt.control.in").read_text()
    line = re.search(r"^requires\s*=\s*'([^']*)'", text, re.M).group(1)
    return {name.strip() for name in line.split(",") if name.strip()}


def make_prereqs() -> set[str]:
    text = (ROOT / "Makefile").read_text().replace("\\\n", " ")
    line = re.search(r"^PREREQS\s*=(.*)$", text, re.M).group(1)
    return {item.split(":")[0] for item in line.split()}


def test_every_required_extension_is_used_and_declared_alike():
    """The control file requires what wedopt's code uses, no more; make install's check and
    META.json's runtime requirements name the same extensions."""
    required = control_requires()
    assert required == {"plpython3u", "pg_stat_statements", "hypopg"}
    code = "\n".join(p.read_text() for p in sorted((ROOT / "sql").rglob("*.sql")))
    code += "\n".join(p.read_text() for p in sorted((ROOT / "python" / "wedopt").rglob("*.py")))
    for extension in required:
        assert re.search(rf"\b{extension}\b", code), f"{extension} is required but never used"
    assert make_prereqs() == required
    meta = json.loads((ROOT / "META.json").read_text())["prereqs"]["runtime"]["requires"]
    assert set(meta) - {"PostgreSQL", "plpgsql"} == required


def test_install_refuses_missing_prerequisites_and_names_the_package(tmp_path):
    extdir = tmp_path / "extension"
    extdir.mkdir()
    (extdir / "plpython3u.control").write_text("")
    result = subprocess.run(
        ["make", "-s", "check-prereqs", f"PG_SHAREDIR={tmp_path}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "not installed: pg_stat_statements" in result.stderr
    assert "apt-get install postgresql-15" in result.stderr
    assert "postgresql-15-hypopg" in result.stderr
    # what wedopt requires is enough: dblink is not asked for
    (extdir / "pg_stat_statements.control").write_text("")
    (extdir / "hypopg.control").write_text("")
    enough = subprocess.run(
        ["make", "-s", "check-prereqs", f"PG_SHAREDIR={tmp_path}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert enough.returncode == 0, enough.stderr
    ok = subprocess.run(
        ["make", "-s", "check-prereqs"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert ok.returncode == 0, ok.stderr


def test_runtime_pins_live_in_the_lock_only():
    # The in-database package's dependencies are pinned once: pyproject.toml reads the lock.
    import tomllib

    project = tomllib.loads((ROOT / "python/pyproject.toml").read_text())
    assert "dependencies" in project["project"]["dynamic"]
    assert "dependencies" not in project["project"]
    dynamic = project["tool"]["setuptools"]["dynamic"]["dependencies"]
    assert dynamic == {"file": ["requirements.lock"]}
    pins = [ln for ln in (ROOT / "python/requirements.lock").read_text().splitlines() if "==" in ln]
    assert pins and all(not ln.lstrip().startswith("#") for ln in pins)
