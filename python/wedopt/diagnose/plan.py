"""The plan analyzer: an EXPLAIN (FORMAT JSON) plan in, findings out.

Three modules do the work: plantree (the plan tree and its metrics), predicates (the filter
and predicate parser, with index-suggestion building; the index advisor reuses it) and
findings (the rules). This module is the entry point the SQL function
wedopt._analyze_plan() calls, and keeps the names callers know.
"""

from .findings import Analyzer, Finding, analyze, analyze_plan
from .plantree import NOT_A_PLAN_HINT, SCAN_TYPES, Node, build_tree, compute_metrics, load_plan
from .predicates import Conjunct, index_suggestion, parse_filter

__all__ = [
    "NOT_A_PLAN_HINT",
    "SCAN_TYPES",
    "Analyzer",
    "Conjunct",
    "Finding",
    "Node",
    "analyze",
    "analyze_plan",
    "build_tree",
    "compute_metrics",
    "index_suggestion",
    "load_plan",
    "parse_filter",
]
