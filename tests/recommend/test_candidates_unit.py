"""The advisor's pure-Python pieces without a server: candidates read from plans, key order,
index names, size estimates."""

from wedopt.recommend import candidates as c
from wedopt.recommend.engine import Advisor, Statement
from wedopt.recommend.sizing import (
    ColumnStats,
    btree_bytes,
    distinct_from_sample,
    gin_bytes_from_sample,
    posting_item_bytes,
)


def scan(**kw):
    d = {"Node Type": "Seq Scan", "Relation Name": "booking", "Schema": "public", "Alias": "b",
         "Total Cost": 1000.0, "Plan Rows": 10}  # fmt: skip
    d.update(kw)
    return d


def test_key_order_is_equality_then_range_then_sort():
    plan = {
        "Plan": {
            "Node Type": "Limit",
            "Plans": [
                {
                    "Node Type": "Sort",
                    "Sort Key": ["b.total DESC"],
                    "Plans": [scan(Filter="((b.event_date >= '2026-01-01'::date) AND (b.venue_id = 7))")],
                }
            ],
        }
    }
    (acc,), catalog = c.read_accesses(plan)
    assert not catalog and acc.eq == ["venue_id"] and acc.ranges == ["event_date"] and acc.sort_limited
    assert [k for k, _ in c.ordered_keys(acc.eq, acc.ranges, acc.sort)] == ["venue_id", "event_date"]
    assert [k for k, _ in c.ordered_keys(acc.eq, [], acc.sort)] == ["venue_id", "total"]
    found = {cand.keys for cand in c.candidates_for(acc)}
    assert ("venue_id", "event_date") in found and ("venue_id", "total") in found


def test_join_keys_and_catalog_relations():
    assert c.join_pairs("((b.x)::text = v.y) AND (b.z = 1)") == [(("b", "x"), ("v", "y"))]
    plan = {"Plan": scan(**{"Schema": "pg_catalog", "Relation Name": "pg_class", "Alias": "pg_class"})}
    assert c.read_accesses(plan) == ([], [("pg_catalog", "pg_class")])


def test_names_are_distinct_for_distinct_indexes_and_fit_63_bytes():
    a = c.Candidate("s", "orders", ("o_orderdate",), ("o_orderdate",), include=("a", "b"), kind="covering")
    b = c.Candidate("s", "orders", ("o_orderdate",), ("o_orderdate",), include=("a", "x"), kind="covering")
    assert a.name() != b.name()
    long = c.Candidate(
        "s", "t" * 40, tuple(f"col_{i}" * 3 for i in range(4)), tuple(f"col_{i}" for i in range(4))
    )
    assert (
        len(long.name().encode()) <= 63 and long.name() != c.Candidate("s", "t" * 40, ("x",), ("x",)).name()
    )
    assert a.create_statement().startswith(
        'CREATE INDEX CONCURRENTLY IF NOT EXISTS "orders_o_orderdate_incl_a_b_idx"'
    ) or (
        a.create_statement().startswith(
            "CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_o_orderdate_incl_a_b_idx "
        )
    )


def test_btree_size_deduplicates_repeated_keys():
    unique = btree_bytes(100_000, [ColumnStats(8.0, 0.0, -1.0, 8, "d", "int8")])
    repeated = btree_bytes(100_000, [ColumnStats(8.0, 0.0, 50.0, 8, "d", "int8")])
    numeric = btree_bytes(100_000, [ColumnStats(8.0, 0.0, 50.0, -1, "i", "numeric")])
    assert repeated < unique / 2  # posting lists
    assert numeric > repeated  # numeric keys are not deduplicated


def test_candidates_sharing_a_prefix_merge_into_one_index():
    a = c.Candidate("s", "orders", ("d",), ("d",), include=("k", "cust"), kind="covering")
    b = c.Candidate("s", "orders", ("d",), ("d",), include=("prio", "k"), kind="covering")
    both = c.merged(a, b)
    assert both.keys == ("d",) and both.include == ("k", "cust", "prio") and both.kind == "covering"
    longer = c.Candidate("s", "orders", ("d", "k"), ("d", "k"), kind="multi-column")
    # the longer key keeps the other's INCLUDE columns that are not keys of it
    assert c.merged(a, longer).keys == ("d", "k") and c.merged(a, longer).include == ("cust",)
    assert c.merged(a, c.Candidate("s", "orders", ("k",), ("k",))) is None  # no shared prefix
    assert c.merged(a, c.Candidate("s", "orders", ("d",), ("d",), where="x = 1")) is None
    assert c.merged(a, c.Candidate("s", "orders", ("d",), ("d",), include=("k",))) is None  # nothing new
    wide = c.Candidate("s", "orders", ("d",), ("d",), include=("p", "q", "r"), kind="covering")
    assert c.merged(a, wide) is None  # the union passes MAX_INCLUDE_COLUMNS


def test_distinct_tuples_from_a_sample():
    assert distinct_from_sample(1000, 1000, 40, 0) == 40  # the whole table
    # every value seen once in a 1 % sample: most of the table's values were not seen
    assert distinct_from_sample(1000, 100_000, 1000, 1000) > 50_000
    # each value seen many times: the sample saw them all
    assert distinct_from_sample(1000, 100_000, 20, 0) == 20
    rows = 200_000
    keys = [ColumnStats(4.0, 0.0, 500.0, 4, "i", "int4"), ColumnStats(4.0, 0.0, 700.0, 4, "i", "date")]
    assert btree_bytes(rows, keys, distinct=3500) < btree_bytes(rows, keys) / 2


def test_gin_size_follows_the_keys_not_the_width():
    # 10,000 rows over 100 pages; a vocabulary of 50 words, each in a fifth of the rows
    small = gin_bytes_from_sample(10_000, 100, 10_000, [(2000.0, 50.0, 8.0)])
    # the same items spread over 100,000 distinct words seen once each
    large = gin_bytes_from_sample(10_000, 100, 10_000, [(1.0, 100_000.0, 8.0)])
    assert small < 200_000 < large
    assert posting_item_bytes(10_000, 100) < 1.1 and posting_item_bytes(10, 100_000) >= 3


class _StubAdvisor(Advisor):
    """The selection rules without a server: costs per statement from a table of
    configurations, sizes from a dict."""

    def __init__(self, costs, sizes, miss=1.0, include_gain=0.0):  # noqa: PLR0917
        self.costs, self.sizes_, self.write_penalty, self.config = costs, sizes, False, {}
        self.miss, self.gain = miss, include_gain

    def workload_cost(self, stmts, config):
        names = frozenset(c.table for c in config)
        return {st.no: self.costs[names] for st in stmts}

    def size(self, cand):
        return self.sizes_[cand.table]

    def heap_miss_share(self, schema, table):
        return self.miss

    def _include_gain(self, st, cand):
        return self.gain


def _cand(name, **kw):
    # one table per candidate name keeps the stub's table of costs readable; all on one "table"
    # for the statements (Statement.tables lists them)
    return c.Candidate("s", name, ("k",), ("k",), **kw)


def test_the_final_set_drops_a_member_the_others_make_useless():
    a, b = _cand("a"), _cand("b")
    st = Statement(1, "q", tables=frozenset({("s", "a"), ("s", "b")}))
    # b alone brings the statement from 100 to 10; a adds nothing once b is there
    costs = {frozenset(): 100.0, frozenset({"a"}): 50.0, frozenset({"b"}): 10.0, frozenset({"a", "b"}): 10.0}
    adv = _StubAdvisor(costs, {"a": 8192 * 10, "b": 8192 * 50})
    assert adv._prune([a, b], {1: st}, 0.02) == [b]
    # both needed: a halves what is left after b
    costs[frozenset({"a", "b"})] = 5.0
    assert adv._prune([a, b], {1: st}, 0.02) == [a, b]


def test_index_only_gain_counts_at_the_heap_miss_share():
    cover = _cand("a", include=("x",), kind="covering")
    st = Statement(1, "q", tables=frozenset({("s", "a")}))
    adv = _StubAdvisor({}, {}, miss=0.25, include_gain=400.0)
    adv.config = {cover: (1, "h")}
    assert adv._heap_fetch_penalty(st, None) == 300.0  # 3/4 of the skipped heap fetches
    adv.miss = 1.0  # a heap read from disk: the planner's price stands
    assert adv._heap_fetch_penalty(st, None) == 0.0
    adv.config = {_cand("a"): (1, "h")}  # no INCLUDE, no index-only part
    adv.miss = 0.25
    assert adv._heap_fetch_penalty(st, None) == 0.0
