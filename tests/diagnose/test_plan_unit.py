# ruff: noqa: E501 -- SQL texts and plan fixtures read better on one line
"""The plan analyzer in plain Python: per-node figures, rules on synthetic plans, bad input."""

import json

import pytest
from wedopt.diagnose import DEFAULT_SETTINGS, DiagnoseError, plan, predicates


def node(node_type, **kw):
    d = {"Node Type": node_type, "Startup Cost": 0.0, "Total Cost": 100.0, "Plan Rows": 100, "Plan Width": 8}
    d.update(kw)
    return d


def analyzed(root, execution_ms, **top):
    return [{"Plan": root, "Planning Time": 0.1, "Execution Time": execution_ms, **top}]


def codes(findings):
    return {f.code for f in findings}


def test_exclusive_time_accounts_for_loops_and_parallel_workers():
    scan = node(
        "Seq Scan", **{"Relation Name": "t", "Schema": "public", "Alias": "t", "Parent Relationship": "Outer",
                       "Actual Total Time": 90.0, "Actual Rows": 10, "Actual Loops": 3, "Total Cost": 80.0},
    )  # fmt: skip
    gather = node(
        "Gather", **{"Workers Planned": 2, "Workers Launched": 2, "Actual Total Time": 100.0, "Actual Rows": 30,
                     "Actual Loops": 1, "Plans": [scan]},
    )  # fmt: skip
    a = plan.Analyzer(plan.load_plan(analyzed(gather, 100.0)), dict(DEFAULT_SETTINGS))
    g, s = a.nodes
    # three processes ran the scan side by side: 90 ms each, 90 ms of wall-clock time
    assert s.inclusive_ms == pytest.approx(90.0)
    assert g.exclusive_ms == pytest.approx(10.0)
    assert g.exclusive_cost == pytest.approx(20.0)
    assert s.metrics["actual_rows"] == 30


def test_looped_inner_side_time_is_multiplied_by_loops():
    inner = node("Index Scan", **{"Parent Relationship": "Inner", "Actual Total Time": 0.01, "Actual Rows": 1,
                                  "Actual Loops": 5000, "Relation Name": "w", "Schema": "public", "Alias": "w"})  # fmt: skip
    outer = node("Seq Scan", **{"Parent Relationship": "Outer", "Actual Total Time": 5.0, "Actual Rows": 5000,
                                "Actual Loops": 1, "Relation Name": "g", "Schema": "public", "Alias": "g"})  # fmt: skip
    loop = node("Nested Loop", **{"Actual Total Time": 60.0, "Actual Rows": 5000, "Actual Loops": 1,
                                  "Plans": [outer, inner]})  # fmt: skip
    a = plan.Analyzer(plan.load_plan(analyzed(loop, 60.0)), dict(DEFAULT_SETTINGS))
    assert a.nodes[2].inclusive_ms == pytest.approx(50.0)
    assert a.nodes[0].exclusive_ms == pytest.approx(5.0)
    found = a.run()
    f = next(f for f in found if f.code == "nested_loop_many_loops")
    assert f.node_id == 0 and f.evidence["inner_loops"] == 5000


def test_filter_parsing_finds_columns_expressions_and_wildcards():
    conj = plan.parse_filter(
        "((b.status = 'Cancelled'::text) AND (b.event_date >= '2026-01-01'::date) AND "
        "(lower((b.email)::text) = 'x'::text) AND ((b.created_at)::date = CURRENT_DATE) AND "
        "((b.name)::text ~~* '%flor%'::text) AND (b.venue_id = $1))",
        {"b", "booking"},
    )
    by_text = {c.text: c for c in conj}
    assert by_text["status = 'Cancelled'::text"].column == "status"
    assert by_text["lower((email)::text) = 'x'::text"].expression == "lower((email)::text)"
    assert by_text["(created_at)::date = CURRENT_DATE"].expression_column == "created_at"
    assert by_text["(name)::text ~~* '%flor%'::text"].leading_wildcard
    sql, cols = plan.index_suggestion("public.booking", conj)
    assert cols == ["status", "venue_id", "event_date"]
    assert sql == "CREATE INDEX ON public.booking (status, venue_id, event_date);"


def test_quoting_of_odd_names():
    scan = node("Seq Scan", **{"Relation Name": "Guest List", "Schema": "Wedding", "Alias": "g",
                               "Filter": '(g."E-mail" = \'x\'::text)', "Plan Rows": 1})  # fmt: skip
    found = plan.analyze([{"Plan": scan}], reltuples={("Wedding", "Guest List"): 1e6})
    f = next(f for f in found if f.code == "seq_scan_filter")
    assert f.suggestion == 'CREATE INDEX ON "Wedding"."Guest List" ("E-mail");'


@pytest.mark.parametrize(
    ("text", "state"),
    [
        ("{not json", "22P02"),
        ("[]", "22023"),
        ('{"Plan": 1}', "22023"),
        ('"a string"', "22023"),
        ('{"Plan": {"Node Type": "Result", "Plans": {"x": 1}}}', "22023"),
        ("[" * 100000 + "]" * 100000, "54001"),
    ],
)
def test_bad_plans_are_errors_with_a_hint(text, state):
    with pytest.raises(DiagnoseError) as err:
        plan.analyze(text)
    assert err.value.sqlstate == state
    assert err.value.message.startswith("wedopt: ") and err.value.hint


def test_deep_plan_is_analyzed_without_recursion():
    root = node("Result")
    current = root
    for _ in range(400):
        child = node("Materialize")
        current["Plans"] = [child]
        current = child
    found = plan.analyze(json.dumps([{"Plan": root}]))
    assert any(f.code == "costliest_node" for f in found)


@pytest.mark.parametrize(
    "text",
    [
        "((b.status = 'Cancelled'::text) AND (b.venue_id = 42))",
        "((b.note = 'see b.status and b.'' x'::text) AND (bb.x = b.y) AND (ab.z > 1))",
        "(lower((b.email)::text) ~~ '%b.floral%'::text)",
        "((booking.total > 1.5) AND (b.event_date >= '2026-01-01'::date) AND (x.b.c = 1))",
        "((b.a)::date = CURRENT_DATE) AND (b.id = ANY ('{1,2}'::integer[]))",
        "(b.tags @> ARRAY['a.b'::text, 'b.''c'::text])",
        "(to_tsvector('english'::regconfig, b.description) @@ '''floral'''::tsquery)",
    ],
)
def test_filter_alias_stripping_by_regex_matches_the_token_path(text, monkeypatch):
    """parse_filter strips 'alias.' with one re.sub on plain texts; the token path must agree."""
    aliases = {"b", "booking"}
    tokens = predicates.tokenize(text)
    stripped, _ = predicates._strip_alias(tokens, text, aliases)
    assert predicates._alias_pattern(frozenset(aliases)).sub(predicates._drop_alias, text) == stripped
    by_regex = predicates.parse_filter(text, aliases)
    monkeypatch.setattr(predicates, "_PLAIN_FILTER", predicates.re.compile(r"(?!)"))  # force the token path
    assert by_regex == predicates.parse_filter(text, aliases)
