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


FUNCTION = re.compile(r"CREATE\s+(?:OR\s+REPLACE\s+)?(?:FUNCTION|PROCEDURE)\s+@extschema@\.(\w+)", re.I)


def test_every_function_file_is_named_after_its_one_function():
    # One file-naming rule for every area (issue 13): a file of <area>/20_functions/ is named
    # after the function it creates, <name>.sql; an overload of a name has its own file,
    # <name>_<what>.sql (analyze_plan_json.sql). No number: the folders give the order, and
    # PL/pgSQL and PL/Python bodies are not checked at CREATE time.
    wrong = []
    for path in fragments():
        if path.parent.name != "20_functions":
            continue
        names = set(FUNCTION.findall(code_of(path.read_text())))
        stem = path.stem
        if len(names) != 1 or not (stem in names or any(stem.startswith(n + "_") for n in names)):
            wrong.append((str(path.relative_to(ROOT)), sorted(names)))
    assert wrong == []
