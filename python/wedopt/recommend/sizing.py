"""Index sizes estimated from the table's statistics (pg_stats, pg_class, pg_type), not from
hypopg (whose estimate is known to be off by up to 10x): per key the average width, its
alignment and null fraction; distinct values for B-tree deduplication (PostgreSQL 13+); the
leaf fillfactor; the rows a partial index keeps. Pure Python over plain dicts."""

from __future__ import annotations

import math
from dataclasses import dataclass

BLOCK = 8192
PAGE_HEADER = 24
BTREE_SPECIAL = 16
ITEM_ID = 4
INDEX_TUPLE_HEADER = 8
HEAP_TID = 6
MAXALIGN = 8
BTREE_LEAF_FILLFACTOR = 90
BTREE_INTERNAL_FILLFACTOR = 70
# BTMaxItemSize for 8 kB pages: a posting-list tuple is never bigger.
BT_MAX_ITEM = 2704
# Types B-tree deduplication refuses (PostgreSQL 13+: "equal" is not "image-equal").
NO_DEDUP_TYPES = frozenset({"numeric", "jsonb", "float4", "float8", "real", "double precision"})


@dataclass
class ColumnStats:
    width: float  # pg_stats.avg_width (bytes as stored), or the type's length
    null_frac: float = 0.0
    n_distinct: float = -1.0  # pg_stats convention: negative = fraction of rows
    typlen: int = -1
    typalign: str = "i"
    typname: str = "text"


def _align(n: float, to: int) -> float:
    return math.ceil(n / to) * to


def _attr_align(stats: ColumnStats) -> int:
    if stats.typlen == -1 and stats.width < 127:
        return 1  # a short varlena (1-byte header) is not aligned
    return {"c": 1, "s": 2, "i": 4, "d": 8}.get(stats.typalign, 4)


def key_bytes(columns: list[ColumnStats]) -> tuple[float, bool]:
    """(average data bytes of one index tuple's keys, whether a null bitmap is needed)."""
    offset = 0.0
    nulls = False
    for c in columns:
        nulls = nulls or c.null_frac > 0
        width = c.width * (1 - c.null_frac)
        offset = _align(offset, _attr_align(c)) + width
    return offset, nulls


def distinct_keys(rows: float, columns: list[ColumnStats]) -> float:
    """Distinct key values: the product of each column's distinct count, capped by the rows."""
    product = 1.0
    for c in columns:
        d = c.n_distinct
        d = -d * rows if d < 0 else d
        product *= max(d, 1.0)
        if product >= rows:
            return max(rows, 1.0)
    return max(min(product, rows), 1.0)


def btree_bytes(
    rows: float,
    keys: list[ColumnStats],
    include: list[ColumnStats] | None = None,
    fillfactor: int = BTREE_LEAF_FILLFACTOR,
    distinct: float | None = None,
) -> int:
    """Estimated size in bytes of a B-tree index (metapage, leaves, internal levels).
    distinct: the key's distinct values when known better than the product of the columns'
    (extended statistics, a sample of a correlated pair)."""
    include = include or []
    rows = max(rows, 0.0)
    data, nulls = key_bytes(keys + include)
    header = _align(INDEX_TUPLE_HEADER + (4 if nulls else 0), MAXALIGN) if nulls else INDEX_TUPLE_HEADER
    tuple_bytes = _align(header + data, MAXALIGN)
    usable = (BLOCK - PAGE_HEADER - BTREE_SPECIAL) * fillfactor / 100.0
    dedup = not include and not any(k.typname in NO_DEDUP_TYPES for k in keys)
    if distinct is None:
        distinct = distinct_keys(rows, keys) if keys else rows
    distinct = min(max(distinct, 1.0), max(rows, 1.0))
    per_key = rows / distinct if distinct else 0
    if dedup and per_key >= 2:
        # one posting-list tuple per key value (split when it would pass BTMaxItemSize)
        tids_per_tuple = max(int((BT_MAX_ITEM - tuple_bytes) // HEAP_TID), 1)
        tuples = distinct * math.ceil(per_key / tids_per_tuple)
        leaf_bytes = tuples * (tuple_bytes + ITEM_ID) + rows * HEAP_TID
        leaf_pages = math.ceil(leaf_bytes / usable) if rows else 0
    else:
        per_page = max(int(usable // (tuple_bytes + ITEM_ID)), 1)
        leaf_pages = math.ceil(rows / per_page)
    pages = 1 + max(leaf_pages, 1)
    # internal levels: one pivot (truncated key + downlink) per page below
    pivot = _align(INDEX_TUPLE_HEADER + data, MAXALIGN) + ITEM_ID
    per_internal = max(
        int((BLOCK - PAGE_HEADER - BTREE_SPECIAL) * BTREE_INTERNAL_FILLFACTOR / 100 // pivot), 2
    )
    level = leaf_pages
    while level > 1:
        level = math.ceil(level / per_internal)
        pages += level
    return int(pages * BLOCK)


def gin_bytes(rows: float, column: ColumnStats, kind: str) -> int:
    """A rough GIN size: entries per row from the column's width (words for full text,
    trigrams for pg_trgm, keys and values for jsonb), about 3 bytes per compressed posting
    item, plus the entry tree. Rougher than the B-tree estimate, and said so."""
    width = max(column.width * (1 - column.null_frac), 1.0)
    if kind == "gin-fts":
        entries = width / 8.0  # words of ~7 characters, a share of them stop words
    elif kind == "gin-trgm":
        entries = width + 1.0
    else:
        entries = width / 12.0
    items = rows * entries
    distinct_entries = min(items, 50_000.0 if kind != "gin-jsonb" else items / 10)
    total = items * 3.0 + distinct_entries * 24.0
    return int(max(math.ceil(total / (BLOCK * 0.9)), 1) * BLOCK + 2 * BLOCK)


# GIN layout (PostgreSQL 15, 8 kB pages): entries in a B-tree of keys, each key's item
# pointers varbyte-encoded as deltas (ginpostinglist.c) inline in the entry tuple while the
# tuple stays under GinMaxItemSize, else in a posting tree of its own.
GIN_MAX_ITEM = 2712
GIN_PAGE_DATA = BLOCK - PAGE_HEADER - 8  # GinPageOpaqueData
GIN_FILL = 0.9


def posting_item_bytes(items: float, heap_pages: float) -> float:
    """Bytes per item pointer of one key's compressed posting list: its deltas are
    (block << 11 | offset) gaps, 7 bits per byte; a key on every page costs ~2 bytes an item,
    a rare one 3-4."""
    if items <= 0:
        return 0.0
    pages = max(heap_pages, 1.0)

    def varbyte(gap: float) -> float:
        return float(max(1, math.ceil((math.log2(max(gap, 1.0)) + 1) / 7)))

    if items <= pages:
        return varbyte(2048.0 * pages / items)
    # several items a page: the step to the next page costs ~2 bytes, the others one
    cross = pages / items
    return cross * varbyte(2048.0) + (1 - cross) * 1.0


def distinct_from_sample(sample_rows: float, total_rows: float, distinct: float, singletons: float) -> float:
    """The Haas-Stokes Duj1 estimator ANALYZE uses: n*d / (n - f1 + f1*n/N)."""
    n, big_n = max(sample_rows, 1.0), max(total_rows, 1.0)
    if n >= big_n or singletons <= 0:
        return max(distinct, 1.0)
    denom = n - singletons + singletons * n / big_n
    return max(n * distinct / max(denom, 1e-9), distinct, 1.0)


def gin_bytes_from_sample(
    rows: float, heap_pages: float, sample_rows: float, histogram: list[tuple[float, float, float]]
) -> int:
    """A GIN size from a sample of the keys its rows would give. histogram: (items of a key in
    the sample, how many keys have that many, their average key bytes). Distinct keys of the
    whole table by Duj1; each key's items scaled to the table, its posting list priced by
    posting_item_bytes; inline or a posting tree; entry pages at 90 %. A fresh build has an
    empty pending list (fastupdate fills it only with later inserts)."""
    if not histogram or sample_rows <= 0 or rows <= 0:
        return 2 * BLOCK
    scale = rows / sample_rows
    seen = sum(k for _c, k, _w in histogram)
    singles = sum(k for c, k, _w in histogram if c == 1)
    total_keys = distinct_from_sample(sample_rows, rows, seen, singles)
    key_w = sum(k * w for _c, k, w in histogram) / max(seen, 1.0)
    entry_bytes = 0.0
    tree_pages = 0.0
    groups = [(c * scale, k) for c, k, _w in histogram if c > 1]
    # keys seen once stand for every key the sample missed too: their items spread over them
    single_items = singles * scale
    unseen_keys = max(total_keys - (seen - singles), singles, 1.0)
    if singles:
        groups.append((single_items / unseen_keys, unseen_keys))
    for items, keys in groups:
        plist = 6 + max(items - 1, 0) * posting_item_bytes(items, heap_pages)
        tup = _align(INDEX_TUPLE_HEADER + key_w + plist, MAXALIGN)
        if tup <= GIN_MAX_ITEM:
            entry_bytes += keys * (tup + ITEM_ID)
        else:
            entry_bytes += keys * (_align(INDEX_TUPLE_HEADER + key_w, MAXALIGN) + ITEM_ID)
            # 256-byte segments (GinPostingListSegmentTargetSize), each starting uncompressed
            segment = 256.0
            tree_pages += keys * math.ceil(plist * (1 + 6 / segment) / (GIN_PAGE_DATA * GIN_FILL))
    entry_pages = math.ceil(entry_bytes / (GIN_PAGE_DATA * GIN_FILL))
    internal = math.ceil(entry_pages / 100.0) if entry_pages > 1 else 0
    return int((1 + max(entry_pages, 1) + internal + tree_pages) * BLOCK)
