"""Released scripts are frozen: extension/released/SHA256SUMS records each one's digest
when it is released, and any later edit, or a script added without its digest, fails here."""

import hashlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RELEASED = ROOT / "extension" / "released"
NOT_SCRIPTS = {"README.md", "SHA256SUMS"}


def released_problems(folder: Path) -> list[str]:
    """What breaks the freeze in `folder`: edited, unlisted or missing released scripts."""
    sums_file = folder / "SHA256SUMS"
    listed = {}
    if sums_file.exists():
        for line in sums_file.read_text().splitlines():
            if line.strip():
                digest, name = line.split(maxsplit=1)
                listed[name.lstrip("*")] = digest
    problems = []
    present = {p.name for p in folder.iterdir() if p.is_file() and p.name not in NOT_SCRIPTS}
    for name in sorted(present - listed.keys()):
        problems.append(f"{name}: released without its digest in SHA256SUMS")
    for name in sorted(listed.keys() - present):
        problems.append(f"{name}: listed in SHA256SUMS but missing")
    for name in sorted(present & listed.keys()):
        if hashlib.sha256((folder / name).read_bytes()).hexdigest() != listed[name]:
            problems.append(f"{name}: edited after its release (digest differs)")
    return problems


def test_released_scripts_are_unchanged_since_their_release():
    assert released_problems(RELEASED) == []


def test_the_check_catches_an_edited_an_unlisted_and_a_missing_script(tmp_path):
    frozen = tmp_path / "wedopt--1.0.0.sql"
    frozen.write_text("CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1';\n")
    digest = hashlib.sha256(frozen.read_bytes()).hexdigest()
    (tmp_path / "SHA256SUMS").write_text(f"{digest}  wedopt--1.0.0.sql\n")
    assert released_problems(tmp_path) == []

    frozen.write_text("CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 2';\n")
    (tmp_path / "wedopt--1.0.0--1.1.0.sql").write_text("-- upgrade\n")
    (tmp_path / "SHA256SUMS").write_text(f"{digest}  wedopt--1.0.0.sql\n{digest}  wedopt--0.9.0.sql\n")
    assert released_problems(tmp_path) == [
        "wedopt--1.0.0--1.1.0.sql: released without its digest in SHA256SUMS",
        "wedopt--0.9.0.sql: listed in SHA256SUMS but missing",
        "wedopt--1.0.0.sql: edited after its release (digest differs)",
    ]
