"""The numbered folders of sql/ are the dependency order (issue 13): no fragment names an
object that only a later area defines. Core reaches a later area only through a hook that
looks the object up at run time (a string given to to_regprocedure()), as
_record_action() finds the audit area's action writer."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEFINES = re.compile(
    r"CREATE\s+(?:OR\s+REPLACE\s+)?(?:FUNCTION|PROCEDURE|TABLE|VIEW|SEQUENCE|TYPE|MATERIALIZED\s+VIEW)"
    r"\s+@extschema@\.(\w+)",
    re.I,
)


def fragments():
    return sorted(p for p in (ROOT / "sql").rglob("*.sql") if "upgrades" not in p.parts)


def code_of(text: str) -> str:
    """The text without comments and string literals (where a name is data, not a reference)."""
    text = re.sub(r"--[^\n]*", "", text)
    return re.sub(r"'(?:[^']|'')*'", "''", text)


def test_no_fragment_names_an_object_of_a_later_area():
    defined = {}
    for path in fragments():
        for name in DEFINES.findall(code_of(path.read_text())):
            defined.setdefault(name, path.relative_to(ROOT / "sql").parts[0])
    assert "_audit_action" in defined and "set_setting" in defined
    later = []
    for path in fragments():
        area = path.relative_to(ROOT / "sql").parts[0]
        for name in re.findall(r"@extschema@\.(\w+)", code_of(path.read_text())):
            if defined.get(name, area) > area:
                later.append((str(path.relative_to(ROOT)), name, defined[name]))
    assert later == []


def test_core_records_actions_through_its_own_hook():
    core = "\n".join(code_of(p.read_text()) for p in (ROOT / "sql" / "00_core").rglob("*.sql"))
    assert "@extschema@._record_action(" in core and "@extschema@._audit_action" not in core
